"""The FranceConnect stand-in's protocol rules: constants, records, request checks, answers.

Kept apart from the endpoints (franceconnect.py) so each reads on its own; values after
FranceConnect's server code (reference franceconnect/REFERENCE.md §2 and §8).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .answers import Answer, Request, json_answer
from .fc_accounts import Account, has_pivot

PREFIX = "/api/v2"
#: The demo service provider's credentials (client_secret_post).
FC_CLIENT_ID = "wagtail-passfamille-demo"
FC_CLIENT_SECRET = "bac-a-sable-franceconnect-pas-un-secret"
#: The data provider (API Particulier, API Impôt particulier) credentials for ``checktoken``.
FC_DATA_PROVIDER_ID = "api-particulier-bac-a-sable"
FC_DATA_PROVIDER_SECRET = "bac-a-sable-fournisseur-de-donnees-pas-un-secret"
#: What ``make demo``'s site registers, when no ``--fc-redirect-uri`` is given.
DEFAULT_REDIRECT_URIS = (
    "http://127.0.0.1:8000/passfamille/franceconnect/callback/",
    "http://localhost:8000/passfamille/franceconnect/callback/",
)
DEFAULT_LOGOUT_URIS = (
    "http://127.0.0.1:8000/passfamille/franceconnect/logout/done/",
    "http://localhost:8000/passfamille/franceconnect/logout/done/",
)
CODE_TTL = 30
TOKEN_TTL = 60
SESSION_TTL = 30 * 60
TRANSACTION_TTL = 10 * 60
MIN_RANDOM = 22  # state and nonce (FranceConnect's MinLength(22))
ACR = "eidas1"
CNAF_SCOPES = ("cnaf_quotient_familial", "cnaf_allocataires", "cnaf_enfants", "cnaf_adresse")
DGFIP_SCOPES = (
    "dgfip_rfr",
    "dgfip_nbpart",
    "dgfip_sitfam",
    "dgfip_pac_nbPac",
    "dgfip_pac",
    "dgfip_aft",
    "dgfip_annee_n_moins_1",
    "dgfip_annee_n_moins_2",
)
IDENTITY_SCOPES = (
    "openid",
    "identite_pivot",
    "profile",
    "birth",
    "given_name",
    "family_name",
    "birthdate",
    "gender",
    "birthplace",
    "birthcountry",
    "preferred_username",
    "email",
)
ALLOWED_SCOPES = frozenset(IDENTITY_SCOPES + CNAF_SCOPES + DGFIP_SCOPES)
#: What the data providers are registered for: checktoken's ``scope`` is the intersection.
PROVIDER_SCOPES = ALLOWED_SCOPES - {"email"}


@dataclass(frozen=True)
class FcClient:
    client_id: str
    secret: str
    redirect_uris: frozenset[str]
    logout_uris: frozenset[str]
    name: str = "Démoville (démo wagtail-passfamille)"


@dataclass
class Session:
    account: Account
    last_seen: float
    alive: bool = True


@dataclass
class Grant:
    """An authorization code and what it was issued for."""

    client_id: str
    redirect_uri: str
    nonce: str
    scopes: frozenset[str]
    session: Session
    created: float
    used: bool = False
    tokens: list[str] = field(default_factory=list)


@dataclass
class Token:
    client_id: str
    scopes: frozenset[str]
    session: Session
    created: float
    revoked: bool = False


@dataclass(frozen=True)
class Introspection:
    """An active access token as a data provider sees it (checktoken's ``token_introspection``)."""

    account: Account
    scopes: frozenset[str]  # requested ∩ registered for the data provider
    claims: Mapping[str, Any]

    @property
    def has_pivot(self) -> bool:
        return has_pivot(self.scopes)


def check_authorize(params: Mapping[str, str]) -> tuple[str, str] | None:
    """The error redirected back for a bad authorization request, or None."""
    if params.get("response_type") != "code":
        return "unsupported_response_type", "response_type=code seulement"
    scopes = params.get("scope", "").split()
    if "openid" not in scopes:
        return "invalid_scope", "openid est obligatoire"
    if not set(scopes) <= ALLOWED_SCOPES:
        return "invalid_scope", "scope non autorisé pour ce service"
    if len(params.get("state", "")) < MIN_RANDOM:
        return "invalid_request", f"state obligatoire, {MIN_RANDOM} caractères au moins"
    if len(params.get("nonce", "")) < MIN_RANDOM:
        return "invalid_request", f"nonce obligatoire, {MIN_RANDOM} caractères au moins"
    if not params.get("acr_values", "").strip():
        return "invalid_request", "acr_values est obligatoire"
    if "none" in params.get("prompt", "").split():
        return "invalid_request", "prompt=none n'est pas accepté"
    if "claims" in params:
        try:
            claims = json.loads(params["claims"])
        except ValueError:
            return "invalid_request", "claims n'est pas du JSON"
        if not isinstance(claims, dict) or "amr" in json.dumps(claims):
            return "invalid_request", "claims refusé"
    return None


def form_of(request: Request) -> dict[str, str]:
    return dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))


def redirect(target: str, query: Mapping[str, str]) -> Answer:
    separator = "&" if "?" in target else "?"
    location = f"{target}{separator}{urlencode(query)}" if query else target
    return Answer(302, b"", None, (("Location", location), ("Cache-Control", "no-store")))


def oauth_error(status: int, error: str, description: str) -> Answer:
    return json_answer(status, {"error": error, "error_description": description})


def bearer_error(error: str, description: str) -> Answer:
    header = f'Bearer error="{error}", error_description="{description}"'
    status = 400 if error == "invalid_request" else 401
    answer = json_answer(status, {"error": error, "error_description": description})
    return answer.with_headers(("WWW-Authenticate", header.encode("ascii", "replace").decode()))
