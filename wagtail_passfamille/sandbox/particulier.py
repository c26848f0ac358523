"""The API Particulier side of the sandbox: quotient familial v3 and v2, introspect, pings, 410s.

Stricter than staging, like production (the shared reference's README): a token is required and
its scopes mask the answer, ``recipient`` must be a valid SIRET, identity parameters are checked
with the production codes, and each token has its rate limit.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from wagtail_passfamille.api_particulier.siret import is_valid_siret

from . import cases
from .answers import (
    RETIRED_NOTICE,
    Accepted,
    Answer,
    Request,
    json_answer,
    text_answer,
    v2_error,
    v2_flat,
    v3_error,
)
from .tokens import QF_SCOPES, TokenInfo

if TYPE_CHECKING:
    from .state import SandboxState

_PAYS_RE = re.compile(r"99[0-9]{3}|92352", re.ASCII)
_COMMUNE_RE = re.compile(r"([013-9][0-9]|2[AB1-9])[0-9]{3}", re.ASCII)
_DEPARTEMENT_RE = re.compile(r"[0-9]{2,3}|2[AB]", re.ASCII)
_INT_RE = re.compile(r"[0-9]{1,4}", re.ASCII)
Headers = tuple[tuple[str, str], ...]

RETIRED_QF_V1 = (
    "L'API Quotient Familial v1 n'est plus disponible depuis le 31/10/2025. Veuillez utiliser "
    "l'API v2 : https://particulier.api.gouv.fr/catalogue/cnav/quotient_familial"
)
RETIRED = {
    "/api/v2/avis-imposition": RETIRED_NOTICE,
    "/api/impots/svair": RETIRED_NOTICE,
    "/api/v2/composition-familiale": RETIRED_QF_V1,
    "/api/caf/famille": RETIRED_QF_V1,
}
# Which scope unmasks which key of the answer (v3 "data" keys; v2 top-level keys).
V3_MASKS = {
    "quotient_familial": "cnaf_quotient_familial",
    "allocataires": "cnaf_allocataires",
    "enfants": "cnaf_enfants",
    "adresse": "cnaf_adresse",
}
V2_MASKS = {
    "quotientFamilial": "cnaf_quotient_familial",
    "annee": "cnaf_quotient_familial",
    "mois": "cnaf_quotient_familial",
    "regime": "cnaf_quotient_familial",
    "annee_calcul": "cnaf_quotient_familial",
    "mois_calcul": "cnaf_quotient_familial",
    "allocataires": "cnaf_allocataires",
    "enfants": "cnaf_enfants",
    "adresse": "cnaf_adresse",
}


def _is_name(value: str) -> bool:
    return bool(value.strip()) and all(c.isalpha() or c in " '-" for c in value)


def _birth_code(year: str | None, month: str | None, day: str | None, today: date) -> str | None:
    """The error code of a birth date (00425 not a date, 00363 out of range), or None."""
    if year is None:
        return None
    parts = [p for p in (year, month, day) if p is not None]
    if not all(_INT_RE.fullmatch(p) for p in parts) or (day is not None and month is None):
        return "00425"
    try:
        earliest = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return "00425"
    if earliest.year < 1900 or earliest >= today:
        return "00363"
    return None


def check_identity(params: dict[str, Any], today: date, *, v2: bool = False) -> str | None:
    """The production code refusing an identity query, or None when it is acceptable."""
    n = _names(v2)
    nom = params.get("nomNaissance")
    if not isinstance(nom, str) or not _is_name(nom):
        return "00420"
    usage = params.get("nomUsage")
    if usage is not None and (not isinstance(usage, str) or not _is_name(usage)):
        return "00420"
    prenoms = params.get("prenoms")
    if prenoms is None and v2:
        prenoms = []  # optional on v2 (api-particulier-v2.yaml); staging's 404/503 cases have none
    elif not isinstance(prenoms, list) or not 1 <= len(prenoms) <= 3:
        return "00421"
    if not all(_is_name(p) for p in prenoms):
        return "00367"
    if params.get(n["sexe"]) not in ("M", "F"):
        return "00427"
    pays = params.get(n["pays"])
    if not isinstance(pays, str) or not _PAYS_RE.fullmatch(pays):
        return "00400"
    code = _birth_code(params.get(n["annee"]), params.get(n["mois"]), params.get(n["jour"]), today)
    if code:
        return code
    commune = params.get(n["commune"])
    if commune is not None and not _COMMUNE_RE.fullmatch(commune):
        return "00365"
    departement = params.get(n["departement"])
    if departement is not None and not _DEPARTEMENT_RE.fullmatch(departement):
        return "00428"
    if pays == "99100" and commune is None:
        triple = params.get("nomCommuneNaissance") and departement and params.get(n["annee"])
        if not triple:
            return "00365"
    return None


def _names(v2: bool) -> dict[str, str]:
    if v2:
        return {
            "sexe": "sexe",
            "pays": "codePaysLieuDeNaissance",
            "commune": "codeInseeLieuDeNaissance",
            "departement": "codeInseeDepartementNaissance",
            "annee": "anneeDateDeNaissance",
            "mois": "moisDateDeNaissance",
            "jour": "jourDateDeNaissance",
        }
    return {
        "sexe": "sexeEtatCivil",
        "pays": "codeCogInseePaysNaissance",
        "commune": "codeCogInseeCommuneNaissance",
        "departement": "codeCogInseeDepartementNaissance",
        "annee": "anneeDateNaissance",
        "mois": "moisDateNaissance",
        "jour": "jourDateNaissance",
    }


def check_year_month(params: dict[str, Any], today: date) -> str | None:
    annee, mois = params.get("annee"), params.get("mois")
    year = today.year
    if annee is not None:
        if not _INT_RE.fullmatch(annee) or not today.year - 2 <= int(annee) <= today.year:
            return "00356"
        year = int(annee)
    if mois is not None:
        if not _INT_RE.fullmatch(mois) or not 1 <= int(mois) <= 12:
            return "00354"
        if (year, int(mois)) > (today.year, today.month):
            return "00354"
    return None


def mask(body: bytes, scopes: frozenset[str], masks: dict[str, str], *, v3: bool) -> bytes:
    """Drop the blocks whose scope the token lacks; the exact body when it has them all."""
    if all(scope in scopes for scope in masks.values()):
        return body
    document = json.loads(body)
    data = document.get("data") if v3 else document
    if isinstance(data, dict):
        for key, scope in masks.items():
            if scope not in scopes:
                data.pop(key, None)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _throttle(state: SandboxState, key: str, info: TokenInfo) -> tuple[Answer | None, Headers]:
    """429 when over the token's limit; the RateLimit-* headers in any case."""
    allowed, headers, retry_after = state.rates.hit(key, info.rate_limit, info.rate_period)
    if allowed:
        return None, headers
    return v3_error("00429", *headers, ("Retry-After", retry_after)), headers


def authenticate(state: SandboxState, token: str | None) -> TokenInfo | str:
    """The token's info, or the v3 code refusing it."""
    if not token:
        return "00101"
    if token in state.blacklist:
        return "00105"
    info = state.token_info(token)
    if info is None:
        return "00101"
    if info.exp <= datetime.now(UTC).timestamp():
        return "00103"
    return info


def _check_recipient(params: dict[str, Any]) -> str | None:
    recipient = params.get("recipient")
    if recipient is None or recipient == "":
        return "00203"
    if not is_valid_siret(recipient):
        return "00210"
    return None


def _lock_key(token: str, request: Request) -> tuple[Any, ...]:
    return (token, request.path, tuple(sorted(request.query)))


def quotient_familial_identite(state: SandboxState, request: Request) -> Answer | Accepted:
    """``GET /v3/dss/quotient_familial/identite``."""
    token = request.bearer()
    info = authenticate(state, token)
    if isinstance(info, str):
        return v3_error(info, parameter="token")
    if not info.scopes & set(QF_SCOPES):
        return v3_error("00100", parameter="token")
    limited, headers = _throttle(state, token, info)  # type: ignore[arg-type]
    if limited:
        return limited
    params = request.params()
    today = state.today()
    code = (
        _check_recipient(params) or check_identity(params, today) or check_year_month(params, today)
    )
    if code:
        parameter = "recipient" if code in ("00203", "00210") else None
        return v3_error(code, *headers, parameter=parameter)
    book = cases.staging()[cases.V3_IDENTITE]

    def respond() -> Answer:
        matched = {k: v for k, v in params.items() if k in cases.V3_MATCHED}
        extra = cases.CaseBook(book.folder, state.extra_cases.get(book.folder, ()))
        case = extra.match(matched) or book.match(matched) or book.fallback()
        body = mask(case.body, info.scopes, V3_MASKS, v3=True) if case.status == 200 else case.body
        return _qf_answer(case.status, body)

    return Accepted(_lock_key(token, request), respond, headers)  # type: ignore[arg-type]


def _qf_answer(status: int, body: bytes) -> Answer:
    headers = (("X-Response-Cached", "false"), ("X-Cache-Expires-in", ""))
    return Answer(status, body, "application/json; charset=utf-8", headers)


def quotient_familial_france_connect(state: SandboxState, request: Request) -> Answer | Accepted:
    """``GET /v3/dss/quotient_familial/france_connect``: the Bearer is a FranceConnect token."""
    token = request.bearer()
    if not token or any(c.isspace() for c in token):
        return v3_error("50001")
    found = state.france_connect(token)
    if found is None:
        return v3_error("50002")
    scopes, identity, direct_case = found
    if identity is None and direct_case is None:
        return v3_error("50003")
    if not scopes & set(QF_SCOPES):
        return v3_error("00100")
    info = TokenInfo(token, "france_connect", frozenset(scopes), 20, 1.0, 0)
    limited, headers = _throttle(state, token, info)
    if limited:
        return limited
    params = request.params()
    code = _check_recipient(params) or check_year_month(params, state.today())
    if code:
        return v3_error(
            code, *headers, parameter="recipient" if code[2:] in ("203", "210") else None
        )
    book = cases.staging()[cases.V3_FRANCE_CONNECT]

    def respond() -> Answer:
        case = direct_case or cases.match_france_connect(book, identity) or book.fallback()
        body = mask(case.body, info.scopes, V3_MASKS, v3=True) if case.status == 200 else case.body
        return _qf_answer(case.status, body)

    return Accepted(_lock_key(token, request), respond, headers)


_V2_CODES_TEXT = {
    "00420": "Le nom de naissance est manquant ou mal formé",
    "00421": "Les prénoms sont manquants",
    "00367": "Les prénoms sont mal formés",
    "00427": "Le sexe de l'état civil est manquant",
    "00400": "Le code du pays de naissance est mal formé",
    "00425": "La date de naissance est invalide",
    "00363": "La date de naissance doit être entre 1900 et hier",
    "00365": "Le lieu de naissance est manquant ou mal formé",
    "00428": "Le code du département de naissance est mal formé",
    "00356": "L'année demandée doit être l'année en cours (N), N-1 ou N-2.",
    "00354": "Le mois demandé est incorrect ou est dans le futur.",
}


def composition_familiale_v2(state: SandboxState, request: Request) -> Answer | Accepted:
    """``GET /api/v2/composition-familiale-v2`` with ``X-Api-Key`` (deprecated route)."""
    token = request.header("x-api-key")
    info = authenticate(state, token)
    if isinstance(info, str):
        sentence = "Votre token n'est pas valide ou n'est pas renseigné"
        if info in ("00103", "00105"):
            return v2_flat(401, sentence)
        return v2_error(401, "access_denied", sentence)
    if not info.scopes & set(QF_SCOPES):  # v2 answers 401 for missing privileges too
        return v2_error(401, "access_denied", "Vos privilèges sont insuffisants")
    allowed, headers, retry_after = state.rates.hit(token, info.rate_limit, info.rate_period)
    if not allowed:
        return v2_flat(
            429, "Vous avez effectué trop de requêtes", *headers, ("Retry-After", retry_after)
        )
    params = request.params()
    recipient = params.get("recipient")
    if recipient is not None and not is_valid_siret(recipient):
        return v2_error(
            400, "bad_request", "Le paramètre recipient n'est pas un siret valide", *headers
        )
    today = state.today()
    code = check_identity(params, today, v2=True) or check_year_month(params, today)
    if code:
        return v2_error(
            400, "bad_request", _V2_CODES_TEXT.get(code, "Paramètres invalides"), *headers
        )
    book = cases.staging()[cases.V2]

    def respond() -> Answer:
        case = book.match({k: v for k, v in params.items() if k in cases.V2_MATCHED})
        case = case or book.fallback()
        body = mask(case.body, info.scopes, V2_MASKS, v3=False) if case.status == 200 else case.body
        return _qf_answer(case.status, body)

    return Accepted(_lock_key(token, request), respond, headers)  # type: ignore[arg-type]


def introspect(state: SandboxState, request: Request) -> Answer:
    """``GET /api/introspect``: the token in X-Api-Key, Bearer or ``?token=`` (documented)."""
    token = request.header("x-api-key") or request.bearer() or request.params().get("token")
    info = authenticate(state, token)
    if isinstance(info, str):
        return v2_error(401, "access_denied", "Votre token n'est pas valide ou n'est pas renseigné")
    return json_answer(200, {"_id": info.jti, "name": "", "scopes": sorted(info.scopes)})


def qf_ping(state: SandboxState, request: Request) -> Answer:
    """``GET /api/cnaf_msa_quotient_familial/ping``: 200, or 502 when ``bad_gateway``."""
    now = datetime.now(UTC).replace(microsecond=0)
    status = state.ping_status
    body: dict[str, Any] = {
        "status": status,
        "last_update": now.isoformat(),
        "last_ok_status": (now if status == "ok" else now - timedelta(minutes=5)).isoformat(),
    }
    if status == "maintenance":
        body["until"] = (now + timedelta(minutes=45)).isoformat()
    return json_answer(502 if status == "bad_gateway" else 200, body)


def pings(state: SandboxState, request: Request) -> Answer:
    return json_answer(200, {"cnaf_msa_quotient_familial": "/api/cnaf_msa_quotient_familial/ping"})


def api_ping(state: SandboxState, request: Request) -> Answer:
    return text_answer(200, "pong", "text/plain; charset=utf-8")


def retired(state: SandboxState, request: Request) -> Answer:
    """The 410 of the retired routes: plain text and no Content-Type, as production answers."""
    return text_answer(410, RETIRED[request.path], None)


def unsupported_version(state: SandboxState, request: Request) -> Answer:
    return v3_error("00402")
