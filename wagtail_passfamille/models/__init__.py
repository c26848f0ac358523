from wagtail_passfamille.models.audit import AuditRecord, UpstreamCall
from wagtail_passfamille.models.backoffice import CompletionRequest, DemarcheGroupPermission
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
