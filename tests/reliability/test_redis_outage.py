"""Redis stopped in the middle of citizens' journeys: pages are still served, lookups are
deferred, submissions accepted, and the deferred lookups verified once Redis is back."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.demarches.helpers import (
    ENFANT_LEA,
    FREQUENTATION,
    LEFEBVRE,
    RESPONSABLE,
    Citizen,
    enfants,
)
from wagtail_passfamille.citizen.verification import resolve_pending
from wagtail_passfamille.models import Submission
from wagtail_passfamille.security.cache import CacheUnavailable, counters
from wagtail_passfamille.services import Budget


def test_redis_stopped_mid_journey_still_gives_a_receipt(cantine, redis_server, sandbox):
    citizen = Citizen(cantine)
    citizen.start()
    assert citizen.post("etape-1", RESPONSABLE).status_code == 302
    assert citizen.post("etape-2", enfants(ENFANT_LEA)).status_code == 302

    redis_server.stop()
    assert Client().get("/").status_code == 200  # Wagtail's caches miss, the page is served
    calls = len(sandbox.received)
    step = citizen.post("etape-3", LEFEBVRE)
    assert step.status_code == 302  # the lookup is deferred, the citizen goes on
    assert citizen.post("etape-4", FREQUENTATION).status_code == 302
    assert citizen.post("etape-6", {"attestation": "on"}).status_code == 302
    receipt = citizen.post("recapitulatif", {})
    assert receipt.status_code == 302  # accepted: the per-IP limit is not counted meanwhile
    assert citizen.client.get(receipt["Location"]).status_code == 200
    assert len(sandbox.received) == calls  # no upstream call without a budget

    submission = Submission.objects.get()
    assert submission.verification == "a_verifier"
    assert set(submission.pending_lookups) == {"caf"}
    assert resolve_pending(submission.pk, 1) == "retry"  # still down: tried again later

    redis_server.start()
    assert resolve_pending(submission.pk, 2) == "resolved"
    submission.refresh_from_db()
    assert submission.verification == "verifie" and not submission.pending_lookups


def test_counters_raise_cache_unavailable_and_the_budget_fails_closed(redis_server):
    redis_server.stop()
    with pytest.raises(CacheUnavailable):
        counters().get("anything")
    budget = Budget("demo", "caf")
    assert budget.admit() == "cache"
    budget.report("record_failure")  # skipped, no error


def test_alerts_are_logged_not_stored_while_redis_is_down(cantine, redis_server, caplog):
    from wagtail_passfamille.citizen.alerts import current_alerts, raise_alert

    redis_server.stop()
    raise_alert(cantine, "caf", "Unauthorized")
    assert current_alerts() == []
    assert "Alert not stored" in caplog.text
    assert not mail.outbox


def test_the_health_endpoint_reports_without_failing_the_node(redis_server, db, settings):
    from django_tasks_db.models import DBTaskResult

    client = Client()
    url = "/passfamille/health/"
    body = client.get(url).json()
    assert body == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "worker": {"status": "ok", "queue_age": None, "heartbeat_age": None},
    }
    redis_server.stop()
    response = client.get(url)
    assert response.status_code == 200  # Redis down: degraded, the node still takes citizens
    assert response.json()["status"] == "degraded" and response.json()["cache"] == "down"
    assert client.get(url + "?strict=1").status_code == 503

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    from wagtail_passfamille.tasks import send_acknowledgement

    send_acknowledgement.enqueue(1, 1)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(hours=1))
    worker = client.get(url).json()["worker"]
    assert worker["status"] == "late" and worker["queue_age"] >= 3600
