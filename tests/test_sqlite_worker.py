"""SQLite with the README's options: 20 publishes while a real db_worker runs, none fails.

Wagtail 7.3+ enqueues its reference-index updates at every publish; with the README's TASKS the
db_worker runs them in a second process writing to the same SQLite file. Without WAL, IMMEDIATE
transactions and a timeout, about half of the publishes failed with « database is locked » (issue
16). The options are read from the README, so the README stays what is tested.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")), reason="a SQLite test (DATABASE_URL is set)"
    ),
]


def readme_sqlite_options():
    readme = (ROOT / "README.md").read_text()
    block = re.search(
        r'```python\n(DATABASES\["default"\]\["OPTIONS"\] = \{.*?\})\n```', readme, re.S
    )
    assert block, "the README must show the SQLite options"
    namespace = {"DATABASES": {"default": {}}}
    exec(block.group(1), namespace)  # our own README
    return namespace["DATABASES"]["default"]["OPTIONS"]


def test_the_readme_sqlite_options_are_what_check_w004_asks_for():
    from wagtail_passfamille.checks import sqlite_task_warnings

    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert sqlite_task_warnings({"default": database}, tasks)
    database["OPTIONS"] = readme_sqlite_options()
    assert sqlite_task_warnings({"default": database}, tasks) == []


def test_twenty_publishes_succeed_while_a_db_worker_runs(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo.settings.test",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
        "PASSFAMILLE_TEST_TASKS": "db",
        "PASSFAMILLE_TEST_SQLITE": str(tmp_path / "db.sqlite3"),
        "PASSFAMILLE_TEST_SQLITE_OPTIONS": json.dumps(readme_sqlite_options()),
    }
    site = ROOT / "site"
    manage = [sys.executable, "manage.py"]
    migrate = subprocess.run(
        [*manage, "migrate", "--no-input"], cwd=site, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    worker = subprocess.Popen(
        [*manage, "db_worker", "--queue-name", "default,passfamille", "--interval", "0.05",
         "--no-startup-delay", "--no-reload"],
        cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        publisher = subprocess.run(
            [sys.executable, "-m", "tests.sqlite_publisher", "20"],
            cwd=site, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        worker.terminate()
        _out, worker_log = worker.communicate(timeout=30)
    assert publisher.returncode == 0, publisher.stderr[-2000:]
    result = json.loads(publisher.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["tree_problems"] == [0, 0, 0, 0, 0]
    assert (result["live"], result["revised"]) == (10, 10)
    # The worker ran Wagtail's tasks meanwhile, without a lock error.
    assert result["tasks"] >= 20 and result["undone"] == 0 and result["failed_tasks"] == 0
    assert "database is locked" not in worker_log
