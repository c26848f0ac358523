"""Certified-data lookups through the sources' registry, every upstream outcome mapped to a kind.

Nothing here talks to the database: audit events are returned to the caller, which records
them (from the request's thread: lookups of one step may run in worker threads).
"""

from __future__ import annotations

import enum
import json
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from wagtail_passfamille import sources
from wagtail_passfamille.api_particulier import (
    ApiError,
    Conflict,
    EndpointRetired,
    Forbidden,
    IdentityNotMatched,
    InvalidParameters,
    InvalidRecipient,
    NotFound,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.security.cache import CacheUnavailable
from wagtail_passfamille.security.crypto import keyed_hash
from wagtail_passfamille.security.identity import identity_key
from wagtail_passfamille.security.throttle import hit
from wagtail_passfamille.services import clients
from wagtail_passfamille.services.budget import Budget


class Kind(enum.StrEnum):
    VERIFIED = "verified"  # data fetched
    NOT_FOUND = "not_found"  # no CAF/MSA or tax file
    NOT_MATCHED = "not_matched"  # identity not recognised: the citizen checks what was typed
    INVALID = "invalid"  # a parameter the API refused: a field to correct
    DEFERRED = "deferred"  # outage, rate limit, budget: verified later by a task
    CONFIG = "config"  # token, scopes, SIRET: deferred for the citizen, an alert for the town
    LIMITED = "limited"  # too many lookups from this session, address or identity


VERIFICATION = {
    Kind.VERIFIED: "verifie",
    Kind.NOT_FOUND: "non_trouve",
    Kind.DEFERRED: "a_verifier",
    Kind.CONFIG: "a_verifier",
}


@dataclass
class LookupRequest:
    source: str  # a registered source's name (``sources.get``)
    identifiers: dict  # JSON-able: what the source's form section gives its fetch()
    ticked: tuple[str, ...]

    @property
    def memo_key(self) -> str:
        """A keyed hash of what identifies the lookup: same identifiers, same key."""
        canonical = json.dumps(
            {"identifiers": self.identifiers, "ticked": sorted(self.ticked)}, sort_keys=True
        )
        return keyed_hash("lookup", self.source, canonical)


@dataclass
class LookupResult:
    source: str
    kind: Kind
    fields: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    parameter: str | None = None
    reason: str | None = None
    calls: list = field(default_factory=list)

    @property
    def verification(self) -> str:
        return VERIFICATION.get(self.kind, "")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["kind"] = self.kind.value
        data.pop("calls")
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LookupResult:
        return cls(**{**data, "kind": Kind(data["kind"])})


@dataclass
class Backend:
    """Where clients come from: the settings' profiles, or the in-process sandbox (preview)."""

    api_particulier: Callable = clients.api_particulier
    impot_particulier: Callable = clients.impot_particulier
    #: Preview spends no quota and counts no attempt.
    budgeted: bool = True


def _event(source, endpoint, started, *, kind, error=None, provenance=None) -> dict:
    return {
        "source": source,
        "endpoint": endpoint,
        "status_code": getattr(error, "status_code", None) or (None if error else 200),
        "provider_code": (getattr(error, "code", None) or "")[:10],
        "outcome": kind.value,
        "duration_ms": int((time.monotonic() - started) * 1000),
        "request_id": (
            getattr(error, "request_id", None) or getattr(provenance, "request_id", None) or ""
        )[:100],
        "cached": bool(getattr(provenance, "cached", False)),
    }


def _limited(request: LookupRequest, limits: Mapping[str, str]) -> bool:
    """Anti-enumeration: a lookup reveals that a family exists, so attempts are bounded."""
    settings = get_setting("LOOKUP_LIMITS")
    checks = (
        ("SESSION", limits.get("session")),
        ("IP", limits.get("ip")),
        # One person however typed (case, accents, spacing, order of first names): dropping the
        # cookie or retyping « lefebvre » for « LEFEBVRE » does not reset the count.
        ("IDENTIFIER", identity_key(request.source, request.identifiers)),
    )
    return not all(
        hit(f"lookup-{scope.lower()}", key, *settings[scope]) for scope, key in checks if key
    )


def _call(request: LookupRequest, profile: str, recipient: str, backend: Backend):
    return sources.get(request.source).fetch(
        backend, request.identifiers, request.ticked, profile=profile, recipient=recipient
    )


def lookup(
    request: LookupRequest,
    *,
    profile: str,
    recipient: str,
    limits: Mapping[str, str] | None = None,
    backend: Backend | None = None,
    enforce_limits: bool = True,
    fetcher: Callable | None = None,
) -> LookupResult:
    """One lookup. ``enforce_limits=False`` for background verification, which citizens do not
    trigger; the shared budget always applies. ``fetcher(backend)`` replaces the source's
    ``fetch`` (FranceConnect's callback calls ``fetch_france_connect`` with its token)."""
    backend = backend or Backend()
    source = request.source
    if backend.budgeted:
        try:
            if enforce_limits and _limited(request, limits or {}):
                return LookupResult(source, Kind.LIMITED, reason="limits")
        except CacheUnavailable:  # limits cannot be counted: verified later, in the background
            return LookupResult(source, Kind.DEFERRED, reason="cache")
        budget = Budget(profile, source)
        refused = budget.admit()
        if refused:
            return LookupResult(source, Kind.DEFERRED, reason=refused)
    started = time.monotonic()
    endpoint = sources.get(source).endpoint
    try:
        if fetcher is not None:
            fields, provenance = fetcher(backend)
        else:
            fields, provenance = _call(request, profile, recipient, backend)
    except clients.ProfileError:
        return LookupResult(source, Kind.CONFIG, reason="profile")
    except ApiError as error:
        kind, reason = classify(error)
        if backend.budgeted:
            if isinstance(error, RateLimited):
                Budget(profile, source).report("block", error.retry_after)
            elif isinstance(error, ProviderUnavailable):
                Budget(profile, source).report("record_failure")
        return LookupResult(
            source,
            kind,
            parameter=getattr(error, "parameter", None) if kind is Kind.INVALID else None,
            reason=reason,
            calls=[_event(source, error.endpoint or endpoint, started, kind=kind, error=error)],
        )
    if backend.budgeted:
        Budget(profile, source).report("record_success")
    return LookupResult(
        source,
        Kind.VERIFIED,
        fields=fields,
        provenance=provenance,
        calls=[_event(source, provenance["endpoint"], started, kind=Kind.VERIFIED)],
    )


def classify(error: ApiError) -> tuple[Kind, str]:
    """(kind, reason) of an upstream error: the one place deciding what the citizen is told."""
    if isinstance(error, NotFound):
        return Kind.NOT_FOUND, "not_found"
    if isinstance(error, IdentityNotMatched):
        return Kind.NOT_MATCHED, "not_matched"
    if isinstance(error, InvalidRecipient):  # before InvalidParameters: a subclass of it
        return Kind.CONFIG, "recipient"
    if isinstance(error, InvalidParameters):
        return Kind.INVALID, "parameter"
    if isinstance(error, Unauthorized | Forbidden | EndpointRetired):
        return Kind.CONFIG, type(error).__name__
    if isinstance(error, RateLimited):
        return Kind.DEFERRED, "rate_limited"
    if isinstance(error, Conflict):
        return Kind.DEFERRED, "conflict"
    return Kind.DEFERRED, "unavailable"


def lookup_all(requests_: list[LookupRequest], **kwargs) -> list[LookupResult]:
    """Several lookups of one step run concurrently: the step waits for the slowest only."""
    if len(requests_) <= 1:
        return [lookup(r, **kwargs) for r in requests_]
    with ThreadPoolExecutor(max_workers=len(requests_)) as pool:
        return list(pool.map(lambda r: lookup(r, **kwargs), requests_))
