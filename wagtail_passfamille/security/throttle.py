"""Fixed-window counters in the app's counters cache (Redis in production), shared by all
workers. When that cache is down, :func:`hit` raises ``security.cache.CacheUnavailable`` and the
caller applies the outage choice (lookups deferred, submissions accepted)."""

from __future__ import annotations

import time

from wagtail_passfamille.security.cache import counters
from wagtail_passfamille.security.crypto import keyed_hash


def hit(scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit; False when ``limit`` hits were already counted in the current window.

    The key is hashed: IP addresses and identities never appear in cache keys.
    """
    cache = counters()
    bucket = int(time.time() // window)
    cache_key = f"passfamille:{scope}:{keyed_hash(scope, key)[:32]}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 1):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 1)
        return True
    return count <= limit
