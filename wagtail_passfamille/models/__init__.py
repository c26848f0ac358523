from .audit import AuditRecord, UpstreamCall
from .backoffice import CompletionRequest, DemarcheGroupPermission
from .pages import DemarchePage, OpeningState, PortailFamillePage
from .settings import PassFamilleSettings
from .submissions import (
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
