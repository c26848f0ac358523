"""The one place that talks HTTP: deadline, body cap, error mapping, one log line, redaction.

Every call runs under a wall-clock deadline enforced on each socket read (see :mod:`.deadline`).

Nothing that leaves this module names the URL: our exceptions carry the endpoint label, are raised
outside any ``except`` block (so ``__context__`` holds no requests exception, whose text embeds the
full URL), and urllib3's own debug records are rewritten while one of our calls runs.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
import urllib3

from .deadline import Timeout, call_state, ensure_deadline_adapter, new_session
from .errors import ApiError, FranceConnectTokenRejected, ProviderUnavailable, error_from_response
from .types import Provenance

logger = logging.getLogger("wagtail_passfamille.api_particulier")

#: Answers are a few kilobytes; a bigger one is a broken or hostile upstream (a gzip bomb).
MAX_BODY_BYTES = 1024 * 1024
_CHUNK = 64 * 1024
_FAILURE_TITLES = {
    "deadline": "Pas de réponse complète dans le délai imparti.",
    "network": "Erreur de connexion au fournisseur.",
    "response_too_large": "Réponse trop volumineuse.",
}


# -- Redaction of urllib3's records ---------------------------------------------------------------
class _RedactUrllib3(logging.Filter):
    """urllib3 logs request lines with their query string (the identity) and paths (the SPI).

    Only records made while one of our calls runs in this thread are rewritten; other users of
    urllib3 in the process are untouched.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        label = call_state.label
        if label is not None:
            record.msg = "urllib3 record during %s (details redacted)"
            record.args = (label,)
            record.exc_info = None
            record.exc_text = None
        return True


_REDACT = _RedactUrllib3()
for _name in (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
):
    _logger = logging.getLogger(_name)
    if _REDACT not in _logger.filters:
        _logger.addFilter(_REDACT)


# -- The call -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reply:
    """A successful answer: status, headers, decoded JSON, and where it came from."""

    status: int
    headers: Mapping[str, str]
    data: Any
    request_id: str | None
    cached: bool
    fetched_at: datetime

    def provenance(self, endpoint: str) -> Provenance:
        return Provenance(
            endpoint=endpoint,
            fetched_at=self.fetched_at,
            request_id=self.request_id,
            cached=self.cached,
        )


@dataclass(frozen=True)
class _Parsed:
    value: Any
    reply: Reply


@dataclass(frozen=True)
class _Raw:
    status: int
    headers: Mapping[str, str]
    body: bytes


class Transport:
    """Sends the requests of one client: base URL, session, timeouts, retries, log line."""

    def __init__(
        self,
        *,
        api: str,
        base_url: str,
        timeout: Timeout,
        session: requests.Session | None,
        retries: int = 0,
    ) -> None:
        if not isinstance(timeout, Timeout):
            raise TypeError("timeout must be a Timeout")
        if not isinstance(retries, int) or retries < 0:
            raise ValueError("retries must be a non-negative integer")
        self.api = api
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.session = session if session is not None else new_session()
        ensure_deadline_adapter(self.session, self.base_url + "/")

    def call(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        params: Sequence[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        ok: frozenset[int] = frozenset({200}),
        url: str | None = None,
        request_id: str | None = None,
        parse: Callable[[Reply], Any] | None = None,
    ) -> Any:
        """One API call: ``parse(reply)`` of an ``ok`` answer (the Reply itself without ``parse``).

        Raises an ApiError for anything else, including a body ``parse`` rejects (ValueError or
        TypeError: an answer that does not fit the schema is an upstream failure, not a crash).
        ``url`` replaces ``base_url + path`` (the DGFiP token endpoint lives elsewhere);
        ``request_id`` is the id we sent (X-Correlation-ID) when the answer brings none.
        """
        target = url or self.base_url + path
        if url is not None:
            ensure_deadline_adapter(self.session, url)
        start = time.monotonic()
        deadline = start + self.timeout.deadline
        attempts = 0
        while True:
            attempts += 1
            raw = self._send(method, target, endpoint, deadline, params, headers, data, auth)
            outcome = self._outcome(raw, endpoint=endpoint, ok=ok, request_id=request_id)
            if parse is not None and isinstance(outcome, Reply):
                outcome = self._parsed(outcome, parse, endpoint)
            if (
                isinstance(outcome, ApiError)
                and attempts <= self.retries
                and _retryable(outcome)
                and deadline - time.monotonic() > 0.1 * attempts
            ):
                time.sleep(0.1 * attempts)  # a short pause; longer waits belong to background work
                continue
            break
        self._log(endpoint, raw, outcome, (time.monotonic() - start) * 1000, attempts)
        if isinstance(outcome, ApiError):
            raise outcome
        return outcome.value if isinstance(outcome, _Parsed) else outcome

    def _parsed(self, reply: Reply, parse: Callable[[Reply], Any], endpoint: str) -> Any:
        try:
            return _Parsed(parse(reply), reply)
        except (ValueError, TypeError):
            pass  # raised below, outside the handler: the parser's message is not ours to carry
        return ProviderUnavailable(
            endpoint=endpoint,
            api=self.api,
            status_code=reply.status,
            code="invalid_answer",
            title="Réponse non conforme au schéma publié.",
            request_id=reply.request_id,
        )

    def _send(
        self,
        method: str,
        url: str,
        endpoint: str,
        deadline: float,
        params: Sequence[tuple[str, str]] | None,
        headers: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        auth: tuple[str, str] | None,
    ) -> _Raw | str:
        """The raw answer, or the name of what went wrong; never raises a transport exception."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "deadline"
        call_state.deadline, call_state.label = deadline, f"{self.api} {endpoint}"
        failure: str | None = None
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                headers=headers,
                data=data,
                auth=auth,
                timeout=(min(self.timeout.connect, remaining), remaining),
                stream=True,
                allow_redirects=False,  # a redirect is not part of either API; never follow a token
            )
            try:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_content(_CHUNK):
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        failure = "response_too_large"
                        break
                    chunks.append(chunk)
            finally:
                response.close()
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, ValueError):
            # requests' messages embed the full URL: keep only the kind of failure.
            failure = "deadline" if time.monotonic() >= deadline else "network"
        finally:
            call_state.deadline = call_state.label = None
        if failure is not None:
            return failure
        return _Raw(response.status_code, response.headers, b"".join(chunks))

    def _outcome(
        self, raw: _Raw | str, *, endpoint: str, ok: frozenset[int], request_id: str | None
    ) -> Reply | ApiError:
        if isinstance(raw, str):
            return ProviderUnavailable(
                endpoint=endpoint,
                api=self.api,
                code=raw,
                title=_FAILURE_TITLES[raw],
                request_id=request_id,
            )
        # The id we sent (X-Correlation-ID) is the one both sides can trace; else the API's own.
        rid = request_id or raw.headers.get("X-Request-Id")
        data = _json_or_none(raw.body)
        if raw.status not in ok:
            text = raw.body[:500].decode("utf-8", "replace") if data is None else None
            return error_from_response(
                api=self.api,
                endpoint=endpoint,
                status=raw.status,
                body=data,
                text=text,
                retry_after_header=raw.headers.get("Retry-After"),
                request_id=rid,
            )
        if data is None:
            return ProviderUnavailable(
                endpoint=endpoint,
                api=self.api,
                status_code=raw.status,
                code="invalid_json",
                title="Réponse illisible (pas du JSON).",
                request_id=rid,
            )
        return Reply(
            status=raw.status,
            headers=raw.headers,
            data=data,
            request_id=rid,
            cached=raw.headers.get("X-Response-Cached", "").strip().lower() == "true",
            fetched_at=datetime.now(UTC),
        )

    def _log(
        self,
        endpoint: str,
        raw: _Raw | str,
        outcome: Reply | _Parsed | ApiError,
        duration_ms: float,
        attempts: int,
    ) -> None:
        status = raw.status if isinstance(raw, _Raw) else None
        if isinstance(outcome, ApiError):
            code, request_id, cached = outcome.code, outcome.request_id, False
            result = type(outcome).__name__
        else:
            reply = outcome.reply if isinstance(outcome, _Parsed) else outcome
            code, request_id, cached, result = None, reply.request_id, reply.cached, "ok"
        fields = {
            "api": self.api,
            "endpoint": endpoint,
            "status": status,
            "provider_code": code,
            "duration_ms": round(duration_ms, 1),
            "request_id": request_id,
            "cached": cached,
            "attempts": attempts,
            "result": result,
        }
        failed = status is None or status >= 500 or result == "ProviderUnavailable"
        logger.log(
            logging.WARNING if failed else logging.INFO,
            "%(api)s %(endpoint)s status=%(status)s code=%(provider_code)s "
            "duration_ms=%(duration_ms)s request_id=%(request_id)s cached=%(cached)s "
            "attempts=%(attempts)s result=%(result)s",
            fields,
            extra={"api_call": fields},
        )


class BaseClient:
    """What the two clients share: their Transport, a repr that shows no secret, and the check
    of a citizen's FranceConnect access token."""

    api: str

    def _open_transport(
        self,
        base_url: str,
        *,
        timeout: Timeout | None,
        session: requests.Session | None,
        retries: int,
    ) -> None:
        self._transport = Transport(
            api=self.api,
            base_url=base_url,
            timeout=timeout or Timeout(),
            session=session,
            retries=retries,
        )

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _france_connect_token(self, access_token: str, endpoint: str) -> str:
        """The token, stripped; an absent one is refused before any call."""
        if not isinstance(access_token, str) or not access_token.strip():
            raise FranceConnectTokenRejected(
                endpoint=endpoint,
                api=self.api,
                title="Jeton FranceConnect absent.",
                parameter="access_token",
            )
        return access_token.strip()


def _json_or_none(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:  # also UnicodeDecodeError; the document itself must not travel further
        return None


def _retryable(error: ApiError) -> bool:
    """Retries are for 502, 504 and network failures only; never after the deadline."""
    if not isinstance(error, ProviderUnavailable) or error.code == "deadline":
        return False
    return error.status_code in (502, 504) or error.code == "network"
