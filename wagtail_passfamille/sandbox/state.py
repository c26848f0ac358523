"""The sandbox's shared state: tokens, rate windows, in-flight locks, faults and statistics.

Endpoints run in the server's threads; every mutation here goes through a lock.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wagtail_passfamille.api_particulier.validation import today as paris_today

from . import cases
from .faults import FaultPlan
from .franceconnect import FranceConnect, Introspection
from .impot import AccessToken, OAuthClient
from .tokens import (
    DEFAULT_BLACKLIST,
    DEFAULT_OAUTH_CLIENT_ID,
    DEFAULT_OAUTH_CLIENT_SECRET,
    DGFIP_SCOPES,
    QF_SCOPES,
    TokenInfo,
    read_token,
)


class RateLimiter:
    """Fixed windows per token, as rack-attack counts: ``limit`` requests per ``period``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, int], int] = {}

    def hit(
        self, key: str, limit: int | None, period: float
    ) -> tuple[bool, tuple[tuple[str, str], ...], str]:
        """(allowed, RateLimit-* headers, Retry-After seconds)."""
        if limit is None:
            return True, (), "0"
        now = time.time()
        window = int(now // period)
        reset = (window + 1) * period
        with self._lock:
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
            if len(self._counts) > 10_000:  # forget old windows
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
        headers = (
            ("RateLimit-Limit", str(limit)),
            ("RateLimit-Remaining", str(max(limit - count, 0))),
            ("RateLimit-Reset", str(math.ceil(reset))),
        )
        return count <= limit, headers, str(max(math.ceil(reset - now), 0))

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


@dataclass(frozen=True)
class Received:
    """A request as the sandbox received it (for tests asserting what a client sent)."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    endpoint: str


@dataclass(frozen=True)
class SandboxStats:
    """Counts since the last reset (Counters: an endpoint never called counts 0)."""

    requests: Counter[str]
    responses: Counter[tuple[str, int]]
    in_flight: int
    max_in_flight: int

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": dict(self.requests),
            "responses": {f"{e} {s}": n for (e, s), n in self.responses.items()},
            "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
            "total": self.total,
        }


@dataclass
class SandboxState:
    """Everything the endpoints share; every mutation goes through a lock."""

    extra_tokens: dict[str, TokenInfo] = field(default_factory=dict)
    blacklist: set[str] = field(default_factory=lambda: set(DEFAULT_BLACKLIST))
    oauth_clients: dict[str, OAuthClient] = field(default_factory=dict)
    ping_status: str = "ok"
    rates: RateLimiter = field(default_factory=RateLimiter)
    faults: FaultPlan = field(default_factory=FaultPlan)
    franceconnect: FranceConnect = field(default_factory=FranceConnect)
    #: Cases added at run time (a staging case the packaged data do not have yet), by folder;
    #: matched before the packaged ones, forgotten by reset().
    extra_cases: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._access_tokens: dict[str, AccessToken] = {}
        self._in_flight_keys: set[tuple[Any, ...]] = set()
        self._requests: Counter[str] = Counter()
        self._responses: Counter[tuple[str, int]] = Counter()
        self._in_flight = 0
        self._max_in_flight = 0
        # reset() starts a new epoch: requests of an older one (a 20 s stall left by a test) stop
        # waiting, and count no more in the statistics nor in the 409 locks.
        self.epoch = 0
        self.interrupt = threading.Event()
        self.received: deque[Received] = deque(maxlen=500)
        self.oauth_clients.setdefault(
            DEFAULT_OAUTH_CLIENT_ID,
            OAuthClient(DEFAULT_OAUTH_CLIENT_SECRET, frozenset(DGFIP_SCOPES)),
        )
        self._france_connect = france_connect_tokens()

    @staticmethod
    def today() -> date:
        return paris_today()

    def token_info(self, token: str) -> TokenInfo | None:
        return self.extra_tokens.get(token) or read_token(token)

    def france_connect(
        self, token: str
    ) -> tuple[frozenset[str], dict[str, Any] | None, cases.Case | None] | None:
        """A FranceConnect token as API Particulier resolves it: (scopes, identity pivot, case).

        Staging's fake tokens first; else the stand-in's checktoken: None when inactive (50002),
        no identity when the token lacks the pivot scopes (50003)."""
        found = self._france_connect.get(token)
        if found is not None:
            return found
        checked = self.franceconnect.introspect(token)
        if checked is None:
            return None
        identity = cases.identity_from_claims(checked.claims) if checked.has_pivot else None
        return checked.scopes, identity, None

    def france_connect_checked(self, token: str) -> Introspection | None:
        """The stand-in's checktoken answer for a token (API Impôt particulier's FC routes)."""
        return self.franceconnect.introspect(token)

    # -- DGFiP access tokens
    def issue(self, token: str, access: AccessToken) -> None:
        with self._lock:
            self._access_tokens[token] = access

    def revoke_access_tokens(self) -> None:
        """Forget every issued DGFiP access token: the next data call gets a 401."""
        with self._lock:
            self._access_tokens.clear()

    def access_token(self, token: str | None) -> AccessToken | None:
        with self._lock:
            access = self._access_tokens.get(token or "")
        return access if access and access.expires_at > time.time() else None

    # -- 409: the same parameters in flight for the same token
    def acquire(self, key: tuple[Any, ...] | None, epoch: int) -> bool:
        if key is None:
            return True
        with self._lock:
            if (epoch, key) in self._in_flight_keys:
                return False
            self._in_flight_keys.add((epoch, key))
            return True

    def release(self, key: tuple[Any, ...] | None, epoch: int) -> None:
        if key is not None:
            with self._lock:
                self._in_flight_keys.discard((epoch, key))

    # -- statistics
    def started(self, received: Received) -> tuple[int, threading.Event]:
        """Count a request; its epoch and the event that interrupts its waits."""
        with self._lock:
            self._requests[received.endpoint] += 1
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            self.received.append(received)
            return self.epoch, self.interrupt

    def finished(self, endpoint: str, status: int | None, epoch: int) -> None:
        with self._lock:
            if epoch != self.epoch:
                return
            self._in_flight -= 1
            if status is not None:
                self._responses[(endpoint, status)] += 1

    def stats(self) -> SandboxStats:
        with self._lock:
            return SandboxStats(
                Counter(self._requests),
                Counter(self._responses),
                self._in_flight,
                self._max_in_flight,
            )

    def reset(self) -> None:
        """Forget counts, received requests, faults, rate windows and issued DGFiP tokens."""
        with self._lock:
            self.epoch += 1
            self.interrupt.set()
            self.interrupt = threading.Event()
            self._requests.clear()
            self._responses.clear()
            self._in_flight = self._max_in_flight = 0
            self.received.clear()
            self._access_tokens.clear()
        self.extra_cases.clear()
        self.rates.reset()
        self.franceconnect.reset()
        self.faults.set(None)
        self.ping_status = "ok"


def france_connect_tokens() -> dict[str, tuple[frozenset[str], dict[str, Any] | None, Any]]:
    """Fake FranceConnect tokens: staging's own (``cnaf_qfv2``, ``all_fc``…), resolved to their
    identity pivot, plus one ``fc_<case>`` per FranceConnect case (whose identities staging only
    reaches with real FranceConnect integration accounts) and ``fc_inconnu`` (no case: 404)."""
    tokens: dict[str, tuple[frozenset[str], dict[str, Any] | None, Any]] = {}
    for case in cases.staging()[cases.FRANCE_CONNECT].cases:
        claims = case.json().get("token_introspection", {})
        scopes = frozenset(str(claims.get("scope", "")).split())
        tokens[str(case.params["token"])] = (scopes, cases.france_connect_identity(case), None)
    qf = frozenset(QF_SCOPES)
    for case in cases.staging()[cases.V3_FRANCE_CONNECT].cases:
        if case.name != "404":
            tokens[f"fc_{case.name}"] = (qf, None, case)
    unknown = {"nomNaissance": "INCONNU", "prenoms": ["PERSONNE"], "sexeEtatCivil": "F"}
    tokens["fc_inconnu"] = (qf, unknown, None)
    return tokens
