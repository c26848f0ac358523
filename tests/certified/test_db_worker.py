"""Deferred verification resolved by a real `db_worker` process (PostgreSQL only).

The worker is another process: it needs a database both can see, so this test runs in the
PostgreSQL pass of CI (DATABASE_URL) and is skipped on SQLite's in-memory test database.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.demarches.helpers import Citizen
from wagtail_passfamille.models import Submission

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL shared with a worker process (set DATABASE_URL)",
)


# serialized_rollback: tests with a live server flush the database; this one seeds again.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_db_worker_resolves_a_deferred_verification(sandbox, settings):
    from django.core.management import call_command

    from wagtail_passfamille.models import DemarchePage

    call_command("seed_demo", "--no-admin", verbosity=0)
    cantine = DemarchePage.objects.get(slug="restauration-scolaire")
    sandbox.set_fault("status=503; times=1")
    citizen = Citizen(cantine)
    citizen.fill_all()
    citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    assert submission.verification == "a_verifier"

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "passfamille"],
        }
    }
    from wagtail_passfamille.tasks import enqueue_verification

    enqueue_verification(submission.pk, 1, delay=0)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo.settings.test",
        "PASSFAMILLE_TEST_TASKS": "db",
        "PASSFAMILLE_SANDBOX_URL": sandbox.url,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--queue-name",
            "passfamille",
            "--no-startup-delay",
            "--no-reload",
        ],
        cwd=ROOT / "site",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    submission.refresh_from_db()
    assert submission.verification == "verifie"
    assert submission.pending_lookups is None
