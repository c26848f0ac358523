"""The seam between Django and the pure modules: clients built from settings, the shared
upstream budget, lookups mapped to outcomes, children matching.

Services never import models: the audit records and alerts they produce are handed back to
the caller (the wizard, a task), which stores them.

May import: the pure packages, ``conf``, ``security`` and ``sources`` (every lookup dispatches
through the sources' registry).
"""

from wagtail_passfamille.services.budget import Budget
from wagtail_passfamille.services.clients import ProfileError, forget_clients
from wagtail_passfamille.services.lookups import (
    Backend,
    Kind,
    LookupRequest,
    LookupResult,
    lookup,
    lookup_all,
)
from wagtail_passfamille.services.matching import Match, match_children

__all__ = [
    "Backend",
    "Budget",
    "Kind",
    "LookupRequest",
    "LookupResult",
    "Match",
    "ProfileError",
    "forget_clients",
    "lookup",
    "lookup_all",
    "match_children",
]
