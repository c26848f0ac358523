"""A real ``passfamille_worker`` process on PostgreSQL: killed in the middle of a task, and its
database connections dropped under it. Every submission ends verified, every acknowledgement
is sent exactly once, and the worker keeps running."""

import datetime as dt
import email
import os
import signal
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.demarches.helpers import Citizen
from wagtail_passfamille.citizen.background import sweep
from wagtail_passfamille.models import DemarchePage, Submission

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL shared with a worker process (set DATABASE_URL)",
)


class Worker:
    def __init__(self, sandbox, mail_dir, *, running_timeout=900):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "demo.settings.test",
            "PASSFAMILLE_TEST_TASKS": "db",
            "PASSFAMILLE_SANDBOX_URL": sandbox.url,
            "PASSFAMILLE_TEST_EMAIL_DIR": str(mail_dir),
            "PASSFAMILLE_TEST_RUNNING_TIMEOUT": str(running_timeout),
            "PASSFAMILLE_TEST_CONN_MAX_AGE": "60",
            # Without Django's health checks the dropped connection reaches the worker's loop,
            # whose reconnection is what these tests exercise (production has both).
            "PASSFAMILLE_TEST_CONN_HEALTH_CHECKS": "0",
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
        }
        self.process = None

    def start(self, sweep_every=1):
        self.process = subprocess.Popen(
            [
                *(sys.executable, "manage.py", "passfamille_worker"),
                *("--queue-name", "default,passfamille", "--no-startup-delay", "--no-reload"),
                *("--interval", "0.2", "--sweep-every", str(sweep_every)),
            ],
            cwd=ROOT / "site",
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return self

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.stdout.read() if self.process else ""


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def acknowledgements_sent(mail_dir, reference):
    """Acknowledgements of ``reference`` written by the file e-mail backend (other e-mails,
    such as « votre demande a été vérifiée », name the reference too)."""
    subjects = []
    for log in Path(mail_dir).glob("*.log"):
        for text in log.read_text().split("-" * 79):
            if text.strip():
                message = email.message_from_string(text.strip())
                subjects.append(str(make_header(decode_header(message["Subject"] or ""))))
    return sum(s == f"Accusé de réception de votre demande {reference}" for s in subjects)


def drop_connections():
    """What a PostgreSQL restart or a failover does to every other session."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def journeys(sandbox, settings):
    from django.core.management import call_command

    call_command("seed_demo", "--no-admin", verbosity=0)
    cantine = DemarchePage.objects.get(slug="restauration-scolaire")
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "passfamille"],
        }
    }

    def submit(fault=None):
        sandbox.set_fault(fault)
        citizen = Citizen(cantine)
        citizen.fill_all()
        assert citizen.post("recapitulatif", {}).status_code == 302
        sandbox.set_fault(None)
        return Submission.objects.get(instance_key=f"{cantine.pk}:{citizen.instance}")

    return submit


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_task_loses_nothing(journeys, sandbox, tmp_path):
    submission = journeys(fault="status=503")  # deferred: a verification task
    assert submission.pending_lookups
    # The tasks enqueued on commit are what a real site has; make them due now.
    sweep(timezone.now() + dt.timedelta(minutes=5))
    DBTaskResult.objects.update(run_after=timezone.now())
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() >= 2

    sandbox.set_fault("stall=30")  # the verification hangs upstream…
    worker = Worker(sandbox, tmp_path, running_timeout=3).start(sweep_every=0)
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path__endswith="verify_pending"
    )
    assert wait_for(running.exists), worker.stop()
    worker.kill()  # …and its worker is killed (OOM, SIGKILL, a node lost)
    assert running.exists()  # stuck, as django-tasks leaves it
    sandbox.set_fault(None)

    worker = Worker(sandbox, tmp_path, running_timeout=3).start(sweep_every=1)
    try:

        def settled():
            submission.refresh_from_db()
            return submission.pending_lookups is None and submission.acknowledged_at is not None

        assert wait_for(settled, timeout=90), worker.stop()
    finally:
        output = worker.stop()
    assert submission.verification == "verifie", output
    assert acknowledgements_sent(tmp_path, submission.reference) == 1
    assert not DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        run_after__lte=timezone.now(),
    ).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_survives_its_database_dropped(journeys, sandbox, tmp_path):
    worker = Worker(sandbox, tmp_path).start(sweep_every=1)
    try:
        # Its connections (polling, sweeping) dropped as soon as they exist, then again.
        assert wait_for(lambda: drop_connections() >= 1, timeout=60), worker.stop()
        time.sleep(1.5)
        assert wait_for(lambda: drop_connections() >= 1, timeout=30), worker.stop()
        time.sleep(1.5)
        assert worker.process.poll() is None, worker.stop()  # still alive
        submissions = [journeys(fault="status=503"), journeys()]
        DBTaskResult.objects.update(run_after=timezone.now())

        def settled():
            return all(
                s.pending_lookups is None and s.acknowledged_at is not None
                for s in Submission.objects.all()
            )

        assert wait_for(settled, timeout=90), worker.stop()
        assert worker.process.poll() is None
    finally:
        output = worker.stop()
    assert "Database unavailable" in output or "Sweep not run" in output, output
    for submission in submissions:
        assert acknowledgements_sent(tmp_path, submission.reference) == 1
    assert not any(s.verification == "a_verifier" for s in Submission.objects.all())
