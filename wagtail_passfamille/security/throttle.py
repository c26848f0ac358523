"""Fixed-window counters in the Django cache (Redis in production), shared by all workers."""

from __future__ import annotations

import time

from django.core.cache import cache

from wagtail_passfamille.security.crypto import keyed_hash


def hit(scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit; False when ``limit`` hits were already counted in the current window.

    The key is hashed: IP addresses and identities never appear in cache keys.
    """
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
