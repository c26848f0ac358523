"""wagtail-passfamille: family démarches for Wagtail with certified CAF/MSA and DGFiP data.

This module must import nothing from Django: the API client and its command line are used
without Django settings.
"""

VERSION = (0, 2, 0, "final", 0)
__version__ = "0.2.0"
