"""Clients for API Particulier and API Impôt particulier (pure Python: ``requests`` only).

Usable without Django. See docs/api-clients.md::

    from wagtail_passfamille.api_particulier import ApiParticulierClient, Identite, PartialDate

    client = ApiParticulierClient("https://particulier.api.gouv.fr", token, recipient="…")
    result = client.quotient_familial(
        Identite(nom_naissance="LEFEBVRE", prenoms=("ALEXIS",), sexe="F",
                 date_naissance=PartialDate(1982, 12, 27),
                 code_pays_naissance="99100", code_commune_naissance="08480"))
    result.quotient_familial.valeur
"""

from .client import PRODUCTION_URL, STAGING_URL, ApiParticulierClient, token_expiry
from .deadline import DeadlineAdapter, Timeout
from .errors import (
    DGFIP_ASSUMPTIONS,
    ApiError,
    Conflict,
    EndpointRetired,
    Forbidden,
    FranceConnectTokenRejected,
    IdentityNotMatched,
    InvalidParameters,
    InvalidRecipient,
    NotFound,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from .impot import ImpotParticulierClient
from .siret import is_valid_siret, normalise_siret
from .types import (
    QF_SCOPES,
    Adresse,
    AdresseFiscale,
    Declarant,
    Identite,
    PartialDate,
    Personne,
    PingStatus,
    Provenance,
    QuotientFamilial,
    QuotientFamilialResult,
    SituationIR,
)
from .validation import identite_query

__all__ = [
    "DGFIP_ASSUMPTIONS",
    "PRODUCTION_URL",
    "QF_SCOPES",
    "STAGING_URL",
    "Adresse",
    "AdresseFiscale",
    "ApiError",
    "ApiParticulierClient",
    "Conflict",
    "DeadlineAdapter",
    "Declarant",
    "EndpointRetired",
    "Forbidden",
    "FranceConnectTokenRejected",
    "Identite",
    "IdentityNotMatched",
    "ImpotParticulierClient",
    "InvalidParameters",
    "InvalidRecipient",
    "NotFound",
    "PartialDate",
    "Personne",
    "PingStatus",
    "Provenance",
    "ProviderUnavailable",
    "QuotientFamilial",
    "QuotientFamilialResult",
    "RateLimited",
    "SituationIR",
    "Timeout",
    "Unauthorized",
    "identite_query",
    "is_valid_siret",
    "normalise_siret",
    "token_expiry",
]
