"""One exception hierarchy for both upstream APIs, and the single table that maps answers to it.

Callers branch on the class and read the attributes (``status_code``, ``code``, ``title``,
``retry_after``, ``provider``, ``parameter``); they never parse messages. Messages, ``repr()`` and
pickled forms carry the endpoint label, the HTTP status and the provider code: never a URL, a query
string, an identity, a numéro fiscal or a token (REFERENCE.md §5.6, code-style-anchors §4.11).

The table is keyed on the HTTP status *and* the provider code (REFERENCE.md §2.8), never on the
code alone. API Particulier codes are five digits whose two-digit prefix names the provider and
varies for the same error (``37003``, ``23003``, ``10003``, ``35003``), so codes are compared on
their last three digits, within a status.
"""

from __future__ import annotations

import email.utils
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

API_PARTICULIER = "api_particulier"
IMPOT_PARTICULIER = "impot_particulier"

# Upstream titles are short static sentences; anything longer is not a title, and control
# characters would let an upstream forge log lines.
_TITLE_MAX = 200
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
# A Retry-After further than this is clock skew or nonsense (reliability A7, F15).
RETRY_AFTER_MAX = 24 * 60 * 60.0


class ApiError(Exception):
    """Base class: something went wrong with a call to API Particulier or API Impôt particulier."""

    #: Exit status of the command line for this kind of error.
    exit_code: ClassVar[int] = 3

    def __init__(
        self,
        *,
        endpoint: str,
        api: str = API_PARTICULIER,
        status_code: int | None = None,
        code: str | None = None,
        title: str | None = None,
        retry_after: float | None = None,
        provider: str | None = None,
        parameter: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.api = api
        self.status_code = status_code
        self.code = code
        self.title = clean_title(title)
        self.retry_after = retry_after
        self.provider = provider
        self.parameter = parameter
        self.request_id = request_id
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [self.endpoint]
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}")
        if self.code:
            parts.append(f"code {self.code}")
        if self.parameter:
            parts.append(f"parameter {self.parameter}")
        message = ", ".join(parts)
        return f"{message}: {self.title}" if self.title else message

    def _kwargs(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "api": self.api,
            "status_code": self.status_code,
            "code": self.code,
            "title": self.title,
            "retry_after": self.retry_after,
            "provider": self.provider,
            "parameter": self.parameter,
            "request_id": self.request_id,
        }

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._kwargs().items() if v is not None)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive pickle's default (args-based) protocol;
        # task queues pickle exceptions.
        return (_rebuild, (type(self), self._kwargs()))


def _rebuild(cls: type[ApiError], kwargs: dict[str, Any]) -> ApiError:
    return cls(**kwargs)


class NotFound(ApiError):
    """No CAF/MSA file for this identity (404), or no tax file for this numéro fiscal."""

    exit_code = 1


class IdentityNotMatched(ApiError):
    """The national directory did not identify the person (422 ``00355``, v2: 400 ``not_found``)."""

    exit_code = 1


class InvalidParameters(ApiError):
    """A parameter was refused, upstream (other 400/422) or locally before any request.

    ``parameter`` names the API parameter (``nomNaissance``, ``prenoms[]``, ``annee``…).
    """

    exit_code = 2


class InvalidRecipient(InvalidParameters):
    """The ``recipient`` SIRET is missing or invalid (422 ``00210``/``00203``, or refused locally).

    A configuration problem of the town, not of the citizen: catch it before InvalidParameters.
    """

    exit_code = 4


class Unauthorized(ApiError):
    """Our token was refused (401): invalid ``00101``, expired ``00103``, blacklisted ``00105``."""

    exit_code = 4


class FranceConnectTokenRejected(ApiError):
    """The citizen's FranceConnect access token was refused (401 ``50001``–``50003``).

    Not a sibling of Unauthorized by accident: the citizen must reconnect, no admin alert is due.
    """

    exit_code = 4


class Forbidden(ApiError):
    """Valid token, not allowed: missing scope ``00100``, calling IP not allowed ``00107`` (403)."""

    exit_code = 4


class Conflict(ApiError):
    """The same parameters are already being processed for this token (409 ``00015``)."""


class RateLimited(ApiError):
    """Too many requests (429); ``retry_after`` gives the seconds to wait when the API said so."""


class ProviderUnavailable(ApiError):
    """The data cannot be had now: 5xx, network error, deadline, unreadable or invalid answer."""


class EndpointRetired(ApiError):
    """The route is gone (410, plain-text notice) or its version is not served (404 ``00402``)."""

    exit_code = 4


# -- The table ------------------------------------------------------------------------------------
# Key: (HTTP status, code key). A code key is the last three digits of a five-digit code, or the
# lower-cased string code of v2 (``not_found``); ``None`` is the status's default.
_UNAVAILABLE = {(status, None): ProviderUnavailable for status in (500, 502, 503, 504)}

API_PARTICULIER_TABLE: Mapping[tuple[int, str | None], type[ApiError]] = {
    (400, "not_found"): IdentityNotMatched,  # v2: the SNGI did not identify the allocataire
    (400, None): InvalidParameters,  # v2 parameter errors
    (401, "101"): Unauthorized,
    (401, "103"): Unauthorized,
    (401, "105"): Unauthorized,
    (401, "001"): FranceConnectTokenRejected,  # 50001 malformed FranceConnect token
    (401, "002"): FranceConnectTokenRejected,  # 50002 not found or expired
    (401, "003"): FranceConnectTokenRejected,  # 50003 identity pivot missing
    (401, None): Unauthorized,
    (403, None): Forbidden,
    (404, "402"): EndpointRetired,  # version not supported for this endpoint
    (404, None): NotFound,
    (409, None): Conflict,
    (410, None): EndpointRetired,
    (422, "355"): IdentityNotMatched,
    (422, "210"): InvalidRecipient,
    (422, "203"): InvalidRecipient,
    (422, None): InvalidParameters,
    (429, None): RateLimited,
    **_UNAVAILABLE,
}

# API Impôt particulier: its OpenAPI documents only 200, 400 ("Requête mal formée") and 403
# ("Accès refusé") for the situation IR routes. Every other line below is an assumption, listed in
# DGFIP_ASSUMPTIONS and in docs/api-clients.md, to be checked against the real API.
IMPOT_PARTICULIER_TABLE: Mapping[tuple[int, str | None], type[ApiError]] = {
    # The token endpoint answers in RFC 6749 §5.2 terms: a refused client is a configuration
    # problem (Unauthorized), not a citizen's bad input.
    (400, "invalid_client"): Unauthorized,
    (400, "invalid_grant"): Unauthorized,
    (400, "unauthorized_client"): Unauthorized,
    (400, "invalid_scope"): Forbidden,
    (400, None): InvalidParameters,  # documented
    (403, None): Forbidden,  # documented
    (401, None): Unauthorized,  # UNVERIFIED
    (404, None): NotFound,  # UNVERIFIED
    (410, None): NotFound,  # UNVERIFIED, by analogy with the LEP route's 410 codeapp 4101/4102
    (429, None): RateLimited,  # UNVERIFIED
    **_UNAVAILABLE,  # 500 documented on some routes, the rest UNVERIFIED
}

#: What this package assumes about API Impôt particulier without a source to confirm it.
DGFIP_ASSUMPTIONS: tuple[str, ...] = (
    "The OAuth2 token endpoint takes grant_type=client_credentials (plus an optional scope) as a "
    "form body with the client credentials in HTTP Basic auth (RFC 6749 §2.3.1), and answers "
    '{"access_token", "token_type", "expires_in"}; a token without expires_in is kept 5 minutes.',
    "401 on a data route means the access token is no longer valid: the client fetches a new one "
    "and retries once, then raises Unauthorized.",
    "404 means no tax file for this numéro fiscal and year (NotFound).",
    "410 on a situation IR route means no result, as the LEP route documents with codeapp "
    "4101/4102 (NotFound).",
    "429 means rate limited, with an optional Retry-After (RateLimited); 502/503/504 mean "
    "unavailable (ProviderUnavailable).",
    'Error bodies, when JSON, carry a code in "codeapp" (or "code") and a message in "message" '
    '(or "libelle"); anything else is ignored.',
    "sitFam holds the declaration's letter (M, C, D, V, O) and datRec/datEtab are dd/mm/yyyy "
    "strings: both are returned as given, never interpreted.",
    "The numéro fiscal is 13 ASCII digits (checked locally); the first-digit and check-key rules "
    "of python-stdnum's fr.nif are not applied by the client.",
)

_TABLES: Mapping[str, Mapping[tuple[int, str | None], type[ApiError]]] = {
    API_PARTICULIER: API_PARTICULIER_TABLE,
    IMPOT_PARTICULIER: IMPOT_PARTICULIER_TABLE,
}


def code_key(code: str | None) -> str | None:
    """The part of a provider code that the table compares."""
    if code is None:
        return None
    if len(code) == 5 and code.isascii() and code.isdigit():
        return code[-3:]
    return code.lower()


def error_class(api: str, status: int, code: str | None) -> type[ApiError]:
    """The exception class for an HTTP status and provider code of ``api``.

    Unknown statuses (3xx, an unexpected 4xx) mean the upstream is not behaving as documented:
    the data cannot be had, so ProviderUnavailable, which every caller already handles.
    """
    table = _TABLES[api]
    key = code_key(code)
    if key is not None and (status, key) in table:
        return table[(status, key)]
    return table.get((status, None), ProviderUnavailable)


def clean_title(title: object) -> str | None:
    if not isinstance(title, str):
        return None
    cleaned = _CONTROL_RE.sub(" ", title).strip()
    if not cleaned:
        return None
    return cleaned if len(cleaned) <= _TITLE_MAX else cleaned[: _TITLE_MAX - 1] + "…"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP-date (RFC 9110)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    seconds: float
    if value.isascii() and value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_MAX)


def _first_error(body: object) -> dict[str, Any]:
    """The fields we keep from an error body; never the ``detail`` (it could echo an input)."""
    if not isinstance(body, dict):
        return {}
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0]
        if isinstance(first, dict):  # v3 JSON:API-like
            meta = first.get("meta") if isinstance(first.get("meta"), dict) else {}
            source = first.get("source") if isinstance(first.get("source"), dict) else {}
            return {
                "code": first.get("code"),
                "title": first.get("title"),
                "provider": meta.get("provider"),
                "retry_in": meta.get("retry_in"),
                "parameter": source.get("parameter"),
            }
        return {}  # v2 "flat" middleware errors: a list of sentences, nothing to keep
    if "error" in body:  # v2 controller errors {error, reason, message}
        return {"code": body.get("error"), "title": body.get("message") or body.get("reason")}
    if "codeapp" in body or "code" in body:  # API Impôt particulier, assumed shape
        return {
            "code": body.get("codeapp", body.get("code")),
            "title": body.get("message") or body.get("libelle"),
        }
    return {}


def error_from_response(
    *,
    api: str,
    endpoint: str,
    status: int,
    body: object,
    text: str | None = None,
    retry_after_header: str | None = None,
    request_id: str | None = None,
) -> ApiError:
    """Build the exception for a non-2xx answer.

    ``body`` is the decoded JSON (or None when the body was not JSON); ``text`` is the body as
    text, used only for the plain-text notice of a 410.
    """
    fields = _first_error(body)
    raw_code = fields.get("code")
    code = (
        str(raw_code)
        if isinstance(raw_code, str | int) and not isinstance(raw_code, bool)
        else None
    )
    title = fields.get("title")
    if status == 410 and title is None and text and not text.lstrip().startswith("<"):
        title = text  # the retired routes explain themselves in plain text (never HTML pages)
    retry_after = parse_retry_after(retry_after_header)
    retry_in = fields.get("retry_in")
    if retry_after is None and isinstance(retry_in, int | float) and not isinstance(retry_in, bool):
        retry_after = min(max(float(retry_in), 0.0), RETRY_AFTER_MAX)
    provider = fields.get("provider")
    if not isinstance(provider, str):
        provider = "DGFiP" if api == IMPOT_PARTICULIER else None
    parameter = fields.get("parameter")
    cls = error_class(api, status, code)
    return cls(
        endpoint=endpoint,
        api=api,
        status_code=status,
        code=code,
        title=title,
        retry_after=retry_after,
        provider=provider,
        parameter=parameter if isinstance(parameter, str) else None,
        request_id=request_id,
    )
