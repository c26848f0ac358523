"""Template names by theme: the DSFR theme overrides what it needs, the neutral theme the rest.

DSFR templates live under ``wagtail_passfamille/dsfr/``; a template it does not override falls
back to the neutral one of the same name.
"""

from __future__ import annotations

from .conf import get_setting


def themed(name: str) -> list[str]:
    """Candidate template names for ``name`` (relative to ``wagtail_passfamille/``)."""
    if get_setting("THEME") == "dsfr":
        return [f"wagtail_passfamille/dsfr/{name}", f"wagtail_passfamille/{name}"]
    return [f"wagtail_passfamille/{name}"]
