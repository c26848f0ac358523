"""The database: pages (portal, démarche), submissions and their certified record, the
back-office's rows (permissions, completion requests), audit, site settings.

May import: the pure packages, ``conf``, ``security``, ``sources``, ``services`` and ``blocks``.
Never ``citizen``, ``editor`` or ``backoffice``: the page serves the wizard and the preview
through Wagtail hooks (``models.pages.front_door``).
"""

from wagtail_passfamille.models.audit import AuditRecord, UpstreamCall
from wagtail_passfamille.models.backoffice import CompletionRequest, DemarcheGroupPermission
from wagtail_passfamille.models.drafts import Draft
from wagtail_passfamille.models.pages import DemarchePage, OpeningState, PortailFamillePage
from wagtail_passfamille.models.settings import PassFamilleSettings
from wagtail_passfamille.models.submissions import (
    AbstractSubmission,
    Decision,
    ReferenceCounter,
    Status,
    StatusChange,
    Submission,
    SubmissionFile,
    Verification,
)

__all__ = [
    "AbstractSubmission",
    "AuditRecord",
    "CompletionRequest",
    "Decision",
    "DemarcheGroupPermission",
    "DemarchePage",
    "Draft",
    "OpeningState",
    "PassFamilleSettings",
    "PortailFamillePage",
    "ReferenceCounter",
    "Status",
    "StatusChange",
    "Submission",
    "SubmissionFile",
    "UpstreamCall",
    "Verification",
]
