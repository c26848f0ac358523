"""Public JSON endpoints of the citizen pages (no personal data in or out)."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wagtail_passfamille import geo
from wagtail_passfamille.citizen.background import heartbeat_age, queue_age
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.security.cache import CacheUnavailable, counters


@require_GET
def communes(request):
    """Birthplace search for the autocomplete: what the "Rechercher" button does without JS."""
    query = request.GET.get("q", "")[:100]
    results = geo.search_communes(query, limit=21) if len(query.strip()) >= 2 else []
    response = JsonResponse(
        {
            "results": [{"code": c.code, "label": c.label} for c in results[:20]],
            # More than 20 match: the citizen is told to refine the search.
            "truncated": len(results) > 20,
        }
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except DatabaseError:
        connection.close()  # the next request reconnects
        return "down"


def _cache() -> str:
    try:
        cache = counters()
        cache.set("passfamille:health", 1, timeout=10)
        return "ok" if cache.get("passfamille:health") == 1 else "down"
    except CacheUnavailable:
        return "down"


@never_cache
@require_GET
def health(request):
    """For the load balancer and monitoring: database, counters' cache, background worker.

    200 while this node can take submissions (database up), even with Redis down (lookups are
    deferred) or a late queue (``"status": "degraded"``); 503 when the database is down.
    ``?strict=1`` answers 503 on anything not ok, for monitoring. No personal data: states,
    ages in seconds.
    """
    database = _database()
    cache = _cache()
    worker = {"status": "unknown", "queue_age": None, "heartbeat_age": None}
    if database == "ok":
        try:
            age = queue_age()
            late = age is not None and age > get_setting("QUEUE_ALERT_AGE")
            worker = {
                "status": "late" if late else "ok",
                "queue_age": None if age is None else round(age),
                "heartbeat_age": None if (beat := heartbeat_age()) is None else round(beat),
            }
        except DatabaseError:
            database = "down"
    ok = database == "ok" and cache == "ok" and worker["status"] == "ok"
    status = "ok" if ok else ("down" if database != "ok" else "degraded")
    failing = status == "down" or (request.GET.get("strict") and status != "ok")
    return JsonResponse(
        {"status": status, "database": database, "cache": cache, "worker": worker},
        status=503 if failing else 200,
    )
