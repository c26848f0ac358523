"""The app's counters, and a cache that survives a Redis outage.

The counters (throttles, lookup limits, the upstream budget and circuit breaker, the town's
configuration alerts) live in the cache alias named by ``WAGTAIL_PASSFAMILLE_CACHE``
(``"default"`` when absent): Redis in production, shared by every web node and worker. They go
through :func:`counters`, which turns any cache failure into :class:`CacheUnavailable`, so that
each caller applies the documented choice of an outage:

- a citizen's lookup is **deferred** (neither the lookup limits nor the upstream budget can be
  counted: no upstream call is sent, the background task verifies later);
- a final submit is **accepted** (its per-IP limit is not counted meanwhile);
- alerts are skipped (logged instead).

:class:`FaultTolerantRedisCache` is for the *default* cache (Wagtail's own caches, cached_db
sessions, django-axes): during an outage reads miss and writes are dropped, so pages keep being
served from the database instead of failing with a 500.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from wagtail_passfamille.conf import get_setting

try:  # redis is an optional dependency (the ``redis`` extra)
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - without redis only local caches are possible
    RedisError = OSError

logger = logging.getLogger(__name__)

#: What a cache backend raises when its server is down, slow or unreachable.
CACHE_ERRORS = (RedisError, OSError)
_LOG_EVERY = 10.0  # seconds: an outage logs a line now and then, not one per request
_last_logged = {"at": 0.0}


class CacheUnavailable(Exception):
    """The counters' cache did not answer; the caller applies the outage choice."""


def _log_outage(where: str, error: BaseException) -> None:
    now = time.monotonic()
    if now - _last_logged["at"] >= _LOG_EVERY:
        _last_logged["at"] = now
        logger.warning("Cache unavailable (%s): %s", where, type(error).__name__)


class _Counters:
    """The counters' cache; every failure becomes :class:`CacheUnavailable`."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        method = getattr(self._cache, name)

        def call(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except CACHE_ERRORS as error:
                _log_outage(name, error)
                raise CacheUnavailable(name) from None

        return call


def counters() -> _Counters:
    """The cache of the app's counters (``WAGTAIL_PASSFAMILLE_CACHE``)."""
    return _Counters(caches[get_setting("CACHE")])


class FaultTolerantRedisCache(RedisCache):
    """Django's Redis cache that misses instead of failing when Redis is down.

    Use it for the default cache in production with short socket timeouts, e.g.
    ``OPTIONS: {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}``.
    """

    def _tolerant(self, name, fallback, *args, **kwargs):
        try:
            return getattr(super(), name)(*args, **kwargs)
        except CACHE_ERRORS as error:
            _log_outage(f"default cache {name}", error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._tolerant("get", default, key, default, version)

    def get_many(self, *args, **kwargs):
        return self._tolerant("get_many", {}, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._tolerant("has_key", False, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._tolerant("set", None, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._tolerant("add", False, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._tolerant("touch", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._tolerant("delete", False, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._tolerant("set_many", list(data), data, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._tolerant("delete_many", None, *args, **kwargs)

    def clear(self):
        return self._tolerant("clear", None)
