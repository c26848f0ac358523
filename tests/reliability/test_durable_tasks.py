"""Background work that is never dropped: retries after any error, acknowledgements sent once,
the sweep putting back what a killed worker or a dropped database left behind (idempotent), the
queue's age and its alert."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks_db.models import DBTaskResult

from tests.demarches.helpers import Citizen
from wagtail_passfamille.citizen import acknowledgement
from wagtail_passfamille.citizen.alerts import current_alerts
from wagtail_passfamille.citizen.background import queue_age, sweep
from wagtail_passfamille.citizen.verification import verify_pending
from wagtail_passfamille.models import Submission
from wagtail_passfamille.tasks import send_acknowledgement

LATER = dt.timedelta(minutes=5)  # past the sweep's grace period


def submitted(cantine, sandbox, *, fault=None):
    if fault:
        sandbox.set_fault(fault)
    citizen = Citizen(cantine)
    citizen.fill_all()
    assert citizen.post("recapitulatif", {}).status_code == 302
    sandbox.set_fault(None)
    return Submission.objects.get(instance_key=f"{cantine.pk}:{citizen.instance}")


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "passfamille"],
        }
    }


def run_ready_tasks():
    """What a db_worker does, in this process: every task due, in order."""
    results = []
    while task := DBTaskResult.objects.ready().order_by("enqueued_at").first():
        task.claim("test")
        task.set_successful(task.task.call(*task.task_result.args))
        results.append((task.task_name, task.return_value))
    return results


def test_an_acknowledgement_is_sent_once_whoever_runs_it(cantine, sandbox):
    submission = submitted(cantine, sandbox)
    assert submission.acknowledged_at is None
    assert send_acknowledgement.call(submission.pk, 1) == "sent"
    assert send_acknowledgement.call(submission.pk, 1) == "already-sent"
    assert len(mail.outbox) == 1
    submission.refresh_from_db()
    assert submission.acknowledged_at is not None


def test_any_error_re_enqueues_the_acknowledgement(cantine, sandbox):
    submission = submitted(cantine, sandbox)
    default_task_backend.clear()
    with mock.patch.object(acknowledgement, "_message", side_effect=RuntimeError("bug")):
        assert send_acknowledgement.call(submission.pk, 1) == "retry"
    (retry,) = default_task_backend.results
    assert retry.args == [submission.pk, 2] and retry.task.run_after > timezone.now()
    submission.refresh_from_db()
    assert submission.acknowledged_at is None  # not sent: the retry will send it
    assert send_acknowledgement.call(submission.pk, 6) == "sent"


def test_any_error_re_enqueues_a_deferred_verification(cantine, sandbox):
    submission = submitted(cantine, sandbox, fault="status=503")
    assert submission.pending_lookups
    default_task_backend.clear()
    with mock.patch(
        "wagtail_passfamille.citizen.verification.resolve_pending",
        side_effect=RuntimeError("database dropped"),
    ):
        assert verify_pending.call(submission.pk, 3) == "retry"
    (retry,) = default_task_backend.results
    assert retry.args == [submission.pk, 4]


def test_the_sweep_puts_back_lost_work_exactly_once(cantine, sandbox, db_tasks):
    # Two submissions whose tasks were lost (made while no task reached the database).
    deferred = submitted(cantine, sandbox, fault="status=503")
    plain = submitted(cantine, sandbox)
    DBTaskResult.objects.all().delete()
    now = timezone.now() + LATER

    first = sweep(now)
    assert (first.verifications, first.acknowledgements) == (1, 2)
    again = sweep(now)  # idempotent: the live tasks are found
    assert (again.verifications, again.acknowledgements, again.running_reset) == (0, 0, 0)

    # A worker killed mid-task: its row stays RUNNING; the sweep runs it again after the timeout.
    task = DBTaskResult.objects.filter(task_path__endswith="send_acknowledgement").first()
    task.claim("killed-worker")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=now - dt.timedelta(hours=1))
    assert sweep(now).running_reset == 1
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.READY

    done = run_ready_tasks()
    assert sorted(done) == [
        ("send_acknowledgement", "sent"),
        ("send_acknowledgement", "sent"),
        ("verify_pending", "resolved"),
    ]
    assert len(mail.outbox) == 2  # one acknowledgement per submission
    for submission in (deferred, plain):
        submission.refresh_from_db()
        assert submission.acknowledged_at is not None and not submission.pending_lookups
    assert deferred.verification == "verifie"
    final = sweep(timezone.now() + LATER)
    assert (final.verifications, final.acknowledgements, final.running_reset) == (0, 0, 0)
    assert run_ready_tasks() == [] and len(mail.outbox) == 2


def test_a_late_queue_is_measured_and_alerted(cantine, sandbox, db_tasks, admin_client):
    assert queue_age() is None
    submission = submitted(cantine, sandbox)
    send_acknowledgement.using(queue_name="passfamille").enqueue(submission.pk, 1)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=20))
    assert 19 * 60 < queue_age() < 21 * 60
    report = sweep()
    assert report.alert
    (alert,) = current_alerts()
    assert alert["kind"] == "queue" and alert["minutes"] == 20
    from wagtail_passfamille.editor.habilitation_views import alert_rows

    (row,) = alert_rows()
    assert "20 minutes" in str(row["reason"])
