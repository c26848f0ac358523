from .pages import DemarchePage, OpeningState, PortailFamillePage
from .settings import PassFamilleSettings
from .submissions import AbstractSubmission, ReferenceCounter, Status, Submission, SubmissionFile

__all__ = [
    "AbstractSubmission",
    "DemarchePage",
    "OpeningState",
    "PassFamilleSettings",
    "PortailFamillePage",
    "ReferenceCounter",
    "Status",
    "Submission",
    "SubmissionFile",
]
