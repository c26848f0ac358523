"""The API Impôt particulier side of the sandbox: OAuth2 token endpoint and situation IR routes.

The DGFiP publishes no test data, so the households are the sandbox's own
(``data/impot_particulier_cases.json``, numéros fiscaux ``39999999999NN``). Routes follow the
OpenAPI (``/impotparticulier/1.0/...``, token at ``/token``, also ``/oauth/token``); whatever it
leaves open (error bodies, 401, 404) follows ``errors.DGFIP_ASSUMPTIONS`` of the client, so the
two agree, and both are marked unverified.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote

from . import cases, fc_accounts
from .answers import Answer, Request, dgfip_error, json_answer

if TYPE_CHECKING:
    from .state import SandboxState

BASE_PATH = "/impotparticulier/1.0"
TOKEN_PATHS = ("/token", "/oauth/token")
MEDIA = "application/prs.dgfip.part.situations.ir.assiettes.v1+json"
DERNIERE_MEDIA = "application/prs.dgfip.part.derniere.situations.ir.assiettes.v1+json"
# python-stdnum's fr.nif format: 13 digits, the first one 0 to 3.
_SPI_RE = re.compile(r"[0-3][0-9]{12}", re.ASCII)
NO_HOUSEHOLD = "3999999999908"
_ANNREV_RE = re.compile(r"[0-9]{4}", re.ASCII)

ROUTES = (
    (
        re.compile(rf"{BASE_PATH}/spi/([^/]+)/situations/ir/assiettes/annrev/([^/]+)"),
        "situation_ir",
    ),
    (
        re.compile(rf"{BASE_PATH}/spi/([^/]+)/dernieresituation/ir/assiettes/annrev/([^/]+)"),
        "derniere_situation_ir",
    ),
    (
        re.compile(rf"{BASE_PATH}/situations/ir/assiettes/annrev/([^/]+)"),
        "situation_ir_france_connect",
    ),
    (
        re.compile(rf"{BASE_PATH}/dernieresituation/ir/assiettes/annrev/([^/]+)"),
        "derniere_situation_ir_france_connect",
    ),
)
_SCOPE = {
    "situation_ir": "RessourceIR",
    "situation_ir_france_connect": "RessourceIR",
    "derniere_situation_ir": "RessourceIRDerniere",
    "derniere_situation_ir_france_connect": "RessourceIRDerniere",
}


@dataclass(frozen=True)
class OAuthClient:
    secret: str
    scopes: frozenset[str]
    expires_in: int = 3600


@dataclass(frozen=True)
class AccessToken:
    client_id: str
    scopes: frozenset[str]
    expires_at: float


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str] | None:
    header = request.header("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except ValueError:
            return None
        client_id, sep, secret = decoded.partition(":")
        return (unquote(client_id), unquote(secret)) if sep else None
    if "client_id" in form and "client_secret" in form:  # RFC 6749 allows the body too
        return form["client_id"], form["client_secret"]
    return None


def token(state: SandboxState, request: Request) -> Answer:
    """``POST /token``: OAuth2 client credentials grant (RFC 6749 §4.4)."""
    if request.method != "POST":
        return json_answer(405, {"error": "invalid_request"})
    form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
    credentials = _client_credentials(request, form)
    client = state.oauth_clients.get(credentials[0]) if credentials else None
    if client is None or not secrets.compare_digest(client.secret, credentials[1]):  # type: ignore[index]
        return json_answer(401, {"error": "invalid_client"}, ("WWW-Authenticate", "Basic"))
    if form.get("grant_type") != "client_credentials":
        return json_answer(400, {"error": "unsupported_grant_type"})
    asked = frozenset(form.get("scope", "").split()) or client.scopes
    if not asked <= client.scopes:
        return json_answer(400, {"error": "invalid_scope"})
    access = secrets.token_urlsafe(24)
    state.issue(access, AccessToken(credentials[0], asked, time.time() + client.expires_in))  # type: ignore[index]
    payload = {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": client.expires_in,
        "scope": " ".join(sorted(asked)),
    }
    return json_answer(200, payload, ("Cache-Control", "no-store"))


def route(path: str) -> tuple[str, tuple[str, ...]] | None:
    for pattern, endpoint in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            return endpoint, match.groups()
    return None


def situation(
    state: SandboxState, request: Request, endpoint: str, groups: tuple[str, ...]
) -> Answer:
    """The four situation IR routes (by numéro fiscal, or by FranceConnect; plain or latest)."""
    access = state.access_token(request.bearer())
    if access is None:
        return dgfip_error(401)
    if _SCOPE[endpoint] not in access.scopes:
        return dgfip_error(403)
    correlation = request.header("x-correlation-id") or ""
    try:
        uuid.UUID(correlation)
    except ValueError:
        return dgfip_error(400, "4000", "X-Correlation-ID absent ou mal formé")
    households = cases.households()
    book = households.book
    masks: frozenset[str] | None = None
    if endpoint.endswith("france_connect"):
        fc_token = request.header("x-franceconnect-oauth") or ""
        spi = households.france_connect.get(fc_token)
        if spi is None:
            found = _france_connect_household(state, fc_token)
            if isinstance(found, Answer):
                return found
            spi, masks = found
        annrev = groups[0]
    else:
        spi, annrev = groups
    if not _SPI_RE.fullmatch(spi):
        case = book.named("400-numero-fiscal-mal-forme")
        return Answer(case.status, case.body)
    if not _ANNREV_RE.fullmatch(annrev):
        return dgfip_error(400, "4002", "mauvais format d'année")
    case = book.match({"spi": spi, "annrev": annrev}) or book.named("404-pas-de-dossier")
    if case.status != 200:
        return Answer(case.status, case.body)
    if endpoint.startswith("derniere"):
        payload = {"annRevenu": int(annrev), **_masked(case.json(), masks)}
        body = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
        return Answer(200, body, DERNIERE_MEDIA)
    if masks is not None:
        body = json.dumps(_masked(case.json(), masks), ensure_ascii=False, indent=1)
        return Answer(200, body.encode("utf-8"), MEDIA)
    return Answer(200, case.body, MEDIA)


# Which FranceConnect scope unmasks which field (DataPass's scope names; the masking itself is
# the sandbox's assumption, unverified: the DGFiP documents no FranceConnect test data).
FC_MASKS = {
    "rfr": "dgfip_rfr",
    "nbPart": "dgfip_nbpart",
    "sitFam": "dgfip_sitfam",
    "pac": "dgfip_pac_nbPac",
    "aft": "dgfip_aft",
    "aftDetail": "dgfip_aft",
}


def _france_connect_household(
    state: SandboxState, fc_token: str
) -> Answer | tuple[str, frozenset[str]]:
    """A stand-in FranceConnect token (checked as by checktoken): the account's numéro fiscal
    (``3999999999908``, no file, when it has none) and its scopes; a 403 when it is inactive,
    lacks the identity pivot or any ``dgfip_*`` scope."""
    checked = state.france_connect_checked(fc_token)
    if checked is None:
        return dgfip_error(403, "4031", "Jeton FranceConnect refusé ou expiré")
    if not checked.has_pivot or not any(s.startswith("dgfip_") for s in checked.scopes):
        return dgfip_error(403, "4031", "Jeton FranceConnect sans les habilitations requises")
    spi = fc_accounts.tax_household(checked.account.login) or NO_HOUSEHOLD
    scopes = set(checked.scopes)
    if "dgfip_pac" in scopes:
        scopes.add("dgfip_pac_nbPac")
    return spi, frozenset(scopes)


def _masked(payload: dict, masks: frozenset[str] | None) -> dict:
    if masks is None:
        return payload
    return {k: v for k, v in payload.items() if FC_MASKS.get(k, "") in masks or k not in FC_MASKS}
