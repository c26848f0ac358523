"""Durable background work: retries after any error, the sweep, the queue's age.

django-tasks has no retries and a worker that dies leaves its task RUNNING forever. Here:

- :func:`retry_later` re-enqueues a task that raised, whatever the error, with a growing delay;
- :func:`sweep` (``manage.py passfamille_sweep``, run by a systemd timer or cron, and every
  few minutes by ``manage.py passfamille_worker`` itself) puts back RUNNING tasks whose worker
  died, re-enqueues the deferred verifications and acknowledgements of receipt that have no
  live task (a worker killed, a database dropped while a task re-enqueued itself), and raises
  an admin alert when the oldest waiting task is too old. Running it twice, or on two nodes at
  once, changes nothing more: a database lock serialises it and live tasks are looked up first.

Tasks receive ids, never personal data; logs name the error's type only.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends

from wagtail_passfamille.citizen.acknowledgement import send_acknowledgement
from wagtail_passfamille.citizen.alerts import store_alert
from wagtail_passfamille.citizen.verification import enqueue_verification, verify_pending
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.models import Submission
from wagtail_passfamille.security.cache import CacheUnavailable, counters

try:
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult
except ImportError:  # pragma: no cover - another backend (e.g. django-tasks-rq)
    DatabaseBackend = DBTaskResult = None

logger = logging.getLogger(__name__)

_SWEEP_LOCK = 0x70660001  # pg_advisory_xact_lock key: one sweep at a time across nodes
#: Submissions older than this are not re-acknowledged by the sweep.
ACKNOWLEDGEMENT_WINDOW = dt.timedelta(days=7)
#: Let the normal path (enqueue on commit) act before the sweep does.
GRACE = dt.timedelta(minutes=2)


def tasks_in_database() -> bool:
    """Whether the default task backend is django-tasks-db (the sweep reads its table)."""
    return DatabaseBackend is not None and isinstance(task_backends["default"], DatabaseBackend)


def _live_ids(task) -> set[int]:
    """Ids (first argument) of the READY or RUNNING rows of ``task``."""
    rows = DBTaskResult.objects.filter(
        task_path=task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    return {row["args"][0] for row in rows if row.get("args")}


@dataclass
class SweepReport:
    running_reset: int = 0
    verifications: int = 0
    acknowledgements: int = 0
    queue_age: float | None = None
    alert: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def reset_stale_running(now=None) -> int:
    """RUNNING tasks older than TASK_RUNNING_TIMEOUT lost their worker: run them again."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=get_setting("TASK_RUNNING_TIMEOUT"))
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)


def requeue_verifications(now=None) -> int:
    """Submissions with pending lookups and no live verification task get one."""
    now = now or timezone.now()
    live = _live_ids(verify_pending)
    pending = Submission.objects.filter(
        pending_lookups__isnull=False, submitted_at__lt=now - GRACE
    ).values_list("pk", "pending_lookups")
    count = 0
    for pk, lookups in pending:
        if lookups and pk not in live:
            enqueue_verification(pk, 1, delay=0)
            count += 1
    return count


def requeue_acknowledgements(now=None) -> int:
    """Recent submissions with a contact e-mail, no acknowledgement sent and no live task."""
    now = now or timezone.now()
    live = _live_ids(send_acknowledgement)
    missing = Submission.objects.filter(
        acknowledged_at__isnull=True,
        contact_email__isnull=False,
        submitted_at__gt=now - ACKNOWLEDGEMENT_WINDOW,
        submitted_at__lt=now - GRACE,
    ).values_list("pk", "contact_email")
    count = 0
    for pk, email in missing:
        if email and pk not in live:
            send_acknowledgement.using(queue_name=get_setting("TASK_QUEUE")).enqueue(pk, 1)
            count += 1
    return count


def queue_age(now=None) -> float | None:
    """Seconds the oldest task due to run has waited (None: nothing waits). A metric for
    monitoring, and the health endpoint's worker check."""
    if not tasks_in_database():
        return None
    now = now or timezone.now()
    oldest = (
        DBTaskResult.objects.ready()
        .filter(queue_name__in=["default", get_setting("TASK_QUEUE")])
        .order_by("enqueued_at")
        .values_list("enqueued_at", "run_after")
        .first()
    )
    if oldest is None:
        return None
    enqueued_at, run_after = oldest
    due = max(enqueued_at, run_after) if run_after.year < 9999 else enqueued_at
    return max((now - due).total_seconds(), 0.0)


def sweep(now=None) -> SweepReport:
    """One pass of the sweep (see the module's docstring); idempotent."""
    report = SweepReport()
    if not tasks_in_database():
        return report
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SWEEP_LOCK])
        report.running_reset = reset_stale_running(now)
        report.verifications = requeue_verifications(now)
        report.acknowledgements = requeue_acknowledgements(now)
    report.queue_age = queue_age(now)
    if report.queue_age is not None and report.queue_age > get_setting("QUEUE_ALERT_AGE"):
        report.alert = True
        minutes = int(report.queue_age // 60)
        logger.error("Background tasks waiting for %s minutes: check the workers", minutes)
        store_alert("queue", {"kind": "queue", "minutes": minutes}, "queue")
    if report.running_reset or report.verifications or report.acknowledgements:
        logger.warning("Sweep: %s", report.as_dict())
    return report


HEARTBEAT_KEY = "passfamille:worker-heartbeat"


def beat(worker_id: str) -> None:
    """A worker is alive (health endpoint); skipped while the counters' cache is down."""
    try:
        counters().set(HEARTBEAT_KEY, timezone.now().timestamp(), timeout=24 * 3600)
    except CacheUnavailable:
        pass


def heartbeat_age() -> float | None:
    """Seconds since a worker last swept (None: unknown)."""
    try:
        last = counters().get(HEARTBEAT_KEY)
    except CacheUnavailable:
        return None
    return None if last is None else max(timezone.now().timestamp() - last, 0.0)
