"""The town's upstream budget, shared by every worker through the app's counters cache.

- A fixed-window counter per credential profile and source at 80 % of the quota (API
  Particulier: 20 requests/s per token, about 1000/min per IP; API Impôt particulier: as low as
  50/min), so that a burst of citizens never earns the town a 429 — ignored 429s get the
  server's IP banned for 12 hours.
- A ``Retry-After`` answered by the upstream stops every worker until it expires.
- A circuit breaker opened by a streak of failures (5xx, timeouts) or a ``bad_gateway`` ping:
  while it is open, lookups go straight to deferred verification; after ``cooldown`` seconds one
  probe is let through.

What does not fit goes to deferred verification: the citizen is never blocked. The counters
live in the app's counters cache (``WAGTAIL_PASSFAMILLE_CACHE``); when it is down, ``admit()``
answers "cache" (nothing is sent upstream: fail closed) and the records are skipped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from wagtail_passfamille import sources
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.security.cache import CacheUnavailable, counters

FAILURE_STREAK = 5
COOLDOWN = 60
MAX_RETRY_AFTER = 12 * 60 * 60  # a clock-skewed or absurd Retry-After is capped


@dataclass(frozen=True)
class Quota:
    rate: int
    per: float


def quotas(source: str) -> list[Quota]:
    """The windows that apply to a source, from WAGTAIL_PASSFAMILLE_UPSTREAM_BUDGET."""
    section = sources.get(source).credential_section
    config = get_setting("UPSTREAM_BUDGET").get(section, {})
    windows = [Quota(int(config.get("RATE", 16)), float(config.get("PER", 1.0)))]
    if config.get("PER_MINUTE"):
        windows.append(Quota(int(config["PER_MINUTE"]), 60.0))
    return windows


def _key(kind: str, profile: str, source: str, *extra) -> str:
    return ":".join(["passfamille", kind, profile or "-", source, *map(str, extra)])


class Budget:
    def __init__(self, profile: str, source: str):
        self.profile, self.source = profile, source
        self.cache = counters()

    # Retry-After ---------------------------------------------------------------------------

    def blocked_until(self) -> float:
        return self.cache.get(_key("retry_after", self.profile, self.source)) or 0.0

    def block(self, seconds: float | None) -> None:
        seconds = min(max(seconds or 1.0, 1.0), MAX_RETRY_AFTER)
        until = time.time() + seconds
        if until > self.blocked_until():
            key = _key("retry_after", self.profile, self.source)
            self.cache.set(key, until, timeout=seconds + 1)

    # Circuit breaker -----------------------------------------------------------------------

    def circuit_open(self) -> bool:
        opened = self.cache.get(_key("circuit", self.profile, self.source))
        if opened is None:
            return False
        if time.time() - opened < COOLDOWN:
            return True
        # Half-open: one worker gets the probe, the others keep deferring.
        return not self.cache.add(_key("probe", self.profile, self.source), 1, timeout=COOLDOWN)

    def open_circuit(self) -> None:
        self.cache.set(_key("circuit", self.profile, self.source), time.time(), timeout=24 * 3600)

    def record_failure(self) -> None:
        key = _key("failures", self.profile, self.source)
        self.cache.add(key, 0, timeout=10 * 60)
        try:
            streak = self.cache.incr(key)
        except ValueError:
            self.cache.set(key, 1, timeout=10 * 60)
            streak = 1
        if streak >= FAILURE_STREAK:
            self.open_circuit()

    def record_success(self) -> None:
        self.cache.delete_many(
            [
                _key("failures", self.profile, self.source),
                _key("circuit", self.profile, self.source),
                _key("probe", self.profile, self.source),
            ]
        )

    # Rate ----------------------------------------------------------------------------------

    def acquire(self) -> bool:
        """Take one request from every window; False (and nothing sent) when one is spent."""
        now = time.time()
        for quota in quotas(self.source):
            window = int(now // quota.per)
            key = _key("rate", self.profile, self.source, quota.per, window)
            self.cache.add(key, 0, timeout=int(quota.per) + 2)
            try:
                count = self.cache.incr(key)
            except ValueError:  # expired between add and incr
                self.cache.add(key, 1, timeout=int(quota.per) + 2)
                count = 1
            if count > quota.rate:
                return False
        return True

    def admit(self) -> str | None:
        """None when a request may be sent now, else why not ("retry_after", "circuit", "rate",
        or "cache" when the counters cannot be read: no call without a budget)."""
        try:
            if self.blocked_until() > time.time():
                return "retry_after"
            if self.circuit_open():
                return "circuit"
            if not self.acquire():
                return "rate"
        except CacheUnavailable:
            return "cache"
        return None

    def report(self, what: str, *args) -> None:
        """``block``, ``record_failure`` or ``record_success``, skipped when the cache is down."""
        try:
            getattr(self, what)(*args)
        except CacheUnavailable:
            pass
