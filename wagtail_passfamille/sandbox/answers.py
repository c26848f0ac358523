"""Requests as the sandbox's endpoints see them, and the answers they give.

Also the canned error bodies of each family of endpoints (v3 JSON:API-like, v2, DGFiP), used by
the endpoints themselves and by forced-status faults, so that a forced 503 looks like a real one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]  # keys lower-cased
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def bearer(self) -> str | None:
        value = self.header("authorization") or ""
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def params(self) -> dict[str, Any]:
        """The query as staging reads it: ``prenoms[]`` gathered in ``prenoms``, else last wins."""
        params: dict[str, Any] = {}
        for key, value in self.query:
            if key.endswith("[]"):
                params.setdefault(key[:-2], []).append(value)
            else:
                params[key] = value
        return params


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str | None = JSON
    headers: tuple[tuple[str, str], ...] = ()

    def with_headers(self, *headers: tuple[str, str]) -> Answer:
        return Answer(self.status, self.body, self.content_type, self.headers + tuple(headers))


@dataclass(frozen=True)
class Accepted:
    """A request that passed its checks: ``respond()`` is run under the in-flight lock."""

    lock_key: tuple[Any, ...] | None
    respond: Callable[[], Answer]
    headers: tuple[tuple[str, str], ...] = field(default=())


def json_answer(status: int, payload: Any, *headers: tuple[str, str]) -> Answer:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Answer(status, body, JSON, tuple(headers))


def text_answer(status: int, text: str, content_type: str | None = None) -> Answer:
    return Answer(status, text.encode("utf-8"), content_type)


# -- API Particulier v3 errors --------------------------------------------------------------------
# code: (status, title, detail). Titles and details as REFERENCE.md §2.8 quotes the API, or the
# sandbox's own wording for the identity checks whose exact text is not published.
_UNPROCESSABLE = "Entité non traitable"
V3_CODES: dict[str, tuple[int, str, str]] = {
    "00100": (
        403,
        "Privilèges insuffisants",
        "Votre token est valide mais vos privilèges sont insuffisants. "
        "Listez vos privilèges sur /api/introspect",
    ),
    "00101": (401, "Interdit", "Votre token n'est pas valide ou n'est pas renseigné"),
    "00103": (401, "Jeton expiré", "Votre token est expiré. Vous devez refaire une demande"),
    "00105": (401, "Jeton sur liste noire", "Votre jeton est sur liste noire."),
    "00107": (403, "Adresse IP non autorisée", "Votre adresse IP n'est pas autorisée."),
    "50001": (401, "Accès non autorisé", "Le jeton d'accès est mal formé."),
    "50002": (401, "Accès non autorisé", "Le jeton d'accès n'a pas été trouvé ou est expiré."),
    "50003": (401, "Accès non autorisé", "L'identité pivot est absente du jeton d'accès."),
    "00015": (
        409,
        "Conflit",
        "Une requête associé à votre jeton est déjà en cours de traitement pour ces paramètres. "
        "Veuillez attendre la fin du traitement avant d'effectuer une nouvelle requête.",
    ),
    "00203": (422, _UNPROCESSABLE, "Le paramètre recipient est obligatoire"),
    "00210": (422, _UNPROCESSABLE, "Le paramètre recipient n'est pas un siret valide"),
    "00354": (422, _UNPROCESSABLE, "Le mois demandé est incorrect ou est dans le futur."),
    "00355": (
        422,
        "Impossible d'identifier l'allocataire",
        "Les paramètres fournis ne permettent pas d'identifier un allocataire.",
    ),
    "00356": (422, _UNPROCESSABLE, "L'année demandée doit être l'année en cours (N), N-1 ou N-2."),
    "00363": (422, _UNPROCESSABLE, "La date de naissance doit être entre 1900 et hier."),
    "00365": (422, _UNPROCESSABLE, "Le lieu de naissance est absent ou mal formé."),
    "00366": (
        422,
        _UNPROCESSABLE,
        "Un ou plusieurs paramètres de civilité ne sont pas correctement formatés",
    ),
    "00367": (422, _UNPROCESSABLE, "Les prénoms contiennent des caractères non autorisés."),
    "00400": (422, _UNPROCESSABLE, "Le code COG du pays de naissance est mal formé."),
    "00402": (404, "Version non supportée", "Cette version n'est pas supportée pour cet endpoint"),
    "00420": (422, _UNPROCESSABLE, "Le nom de naissance est absent ou mal formé."),
    "00421": (422, _UNPROCESSABLE, "Il faut de 1 à 3 prénoms."),
    "00425": (422, _UNPROCESSABLE, "La date de naissance n'est pas une date valide."),
    "00427": (422, _UNPROCESSABLE, "Le sexe de l'état civil doit être M ou F."),
    "00428": (422, _UNPROCESSABLE, "Le code du département de naissance est mal formé."),
    "00429": (429, "Trop de requêtes", "Vous avez effectué trop de requêtes"),
    "00500": (500, "Erreur interne", "Une erreur interne est survenue."),
    "00501": (
        502,
        "Erreur réseau",
        "Problème de connexion au serveur distant. L'erreur peut venir soit du fournisseur, "
        "soit de API Entreprise. Il s'agit souvent d'une erreur temporaire.",
    ),
    "37999": (
        502,
        "Erreur inconnue du fournisseur de données",
        "La réponse retournée par le fournisseur de données est invalide et inconnue de notre "
        "service. L'équipe technique a été notifiée de cette erreur pour investigation.",
    ),
    "35020": (503, "Maintenance du fournisseur de données", "Le fournisseur est en maintenance."),
    "37002": (
        504,
        "Intermédiaire hors-délai",
        "Temps d’attente d’une réponse du fournisseur de données écoulé.",
    ),
    "37003": (
        404,
        "Dossier allocataire absent CNAV",
        "Le dossier allocataire n'a pas été trouvé auprès de la CNAV.",
    ),
}
# The code a forced status uses when the fault names none.
V3_DEFAULT_CODE = {
    400: "00366",
    401: "00101",
    403: "00100",
    404: "37003",
    409: "00015",
    422: "00366",
    429: "00429",
    500: "00500",
    502: "37999",
    503: "35020",
    504: "37002",
}
_V3_META = {
    "37999": {"provider": "CNAV"},
    "37002": {"provider": "CNAV"},
    "37003": {"provider": "CNAV"},
    "35020": {"provider": "CNAF & MSA", "retry_in": 2700},
    "00501": {"retry_in": 10},
}


def v3_error(code: str, *headers: tuple[str, str], parameter: str | None = None) -> Answer:
    status, title, detail = V3_CODES.get(code, (422, _UNPROCESSABLE, "Erreur."))
    error: dict[str, Any] = {"code": code, "title": title, "detail": detail}
    error["source"] = {"parameter": parameter} if parameter else None
    error["meta"] = _V3_META.get(code, {})
    return json_answer(status, {"errors": [error]}, *headers)


def v3_forced(status: int, code: str | None) -> Answer:
    code = code or V3_DEFAULT_CODE.get(status, "00500")
    answer = v3_error(code)
    return Answer(status, answer.body, answer.content_type)


# -- API Particulier v2 errors --------------------------------------------------------------------
_V2_FORCED = {
    400: ("bad_request", "Les paramètres fournis sont incorrects."),
    401: ("access_denied", "Votre token n'est pas valide ou n'est pas renseigné"),
    403: ("access_denied", "Votre adresse IP n'est pas autorisée."),
    404: ("not_found", "Le dossier allocataire n'a pas été trouvé auprès de la CNAF."),
    422: ("bad_request", "Les paramètres fournis sont incorrects."),
    500: ("error", "Erreur interne"),
    502: ("network_error", "Erreur réseau"),
    503: (
        "provider_unknown_error",
        "La réponse retournée par le fournisseur de données est invalide et inconnue de notre "
        "service. L'équipe technique a été notifiée de cette erreur pour investigation.",
    ),
    504: ("timeout_error", "Temps d’attente d’une réponse du fournisseur de données écoulé."),
}


def v2_error(status: int, error: str, reason: str, *headers: tuple[str, str]) -> Answer:
    return json_answer(status, {"error": error, "reason": reason, "message": reason}, *headers)


def v2_flat(status: int, sentence: str, *headers: tuple[str, str]) -> Answer:
    """The middleware errors of v2 (429, 409, expired or blacklisted token): a list of sentences."""
    return json_answer(status, {"errors": [sentence]}, *headers)


def v2_forced(status: int, code: str | None) -> Answer:
    if status in (409, 429):
        return v2_flat(status, V3_CODES[V3_DEFAULT_CODE[status]][2])
    error, reason = _V2_FORCED.get(status, ("error", "Erreur"))
    return v2_error(status, code or error, reason)


# -- API Impôt particulier errors (shape assumed: the OpenAPI documents none) ---------------------
_DGFIP_FORCED = {
    400: ("4000", "Requête mal formée"),
    401: ("4010", "Jeton d'accès invalide ou expiré"),
    403: ("4031", "L'utilisateur n'a pas accès à la ressource"),
    404: ("4101", "La requête avec le spi et l'année ne renvoie aucun résultat"),
    410: ("4102", "Le spi envoyé ne correspond à aucun usager"),
    429: ("4290", "Trop de requêtes"),
    500: ("5000", "Erreur technique"),
    502: ("5020", "Erreur technique"),
    503: ("5030", "Service indisponible"),
    504: ("5040", "Délai dépassé"),
}


def dgfip_error(status: int, code: str | None = None, message: str | None = None) -> Answer:
    default_code, default_message = _DGFIP_FORCED.get(status, ("5000", "Erreur technique"))
    return json_answer(
        status, {"codeapp": code or default_code, "message": message or default_message}
    )


RETIRED_NOTICE = (
    "Cette URL n'existe plus sur API Particulier depuis le 8 janvier 2024. "
    "Veuillez mettre à jour votre application."
)


def forced(family: str, status: int, code: str | None) -> Answer:
    """The answer of a forced-status fault, in the endpoint's own error format."""
    if status == 410:  # what a retired route answers: plain text, no Content-Type
        return text_answer(410, RETIRED_NOTICE, None)
    if family == "v3":
        return v3_forced(status, code)
    if family == "v2":
        return v2_forced(status, code)
    if family == "dgfip":
        return dgfip_error(status, code)
    return json_answer(status, {"error": code or str(status)})
