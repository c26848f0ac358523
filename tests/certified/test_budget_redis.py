"""The upstream budget across processes, on Redis as in production (CI's PostgreSQL pass)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

SITE = Path(__file__).resolve().parents[2] / "site"

pytestmark = pytest.mark.skipif(
    "RedisCache" not in settings.CACHES["default"]["BACKEND"],
    reason="needs Redis (set REDIS_URL): the budget is shared between processes through it",
)

WORKER = """
import django, sys
django.setup()
from django.test.utils import override_settings
from wagtail_passfamille.services import Budget
budget = {"API_PARTICULIER": {"RATE": 7, "PER": 3600}}
with override_settings(WAGTAIL_PASSFAMILLE_UPSTREAM_BUDGET=budget):
    if sys.argv[1] == "acquire":
        print(sum(Budget("redis-test", "caf").acquire() for _ in range(10)))
    elif sys.argv[1] == "block":
        Budget("redis-test", "caf").block(120)
        print("blocked")
    else:
        print(Budget("redis-test", "caf").admit())
"""


def run_workers(command, count):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "demo.settings.test"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, command],
            cwd=SITE,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    return [worker.communicate(timeout=60)[0].strip() for worker in workers]


def test_four_processes_never_exceed_the_bucket():
    if 3600 - time.time() % 3600 < 30:  # not across an hour's window
        time.sleep(31)
    granted = run_workers("acquire", 4)
    assert sum(int(g) for g in granted) == 7


def test_a_retry_after_seen_by_one_process_stops_the_others():
    assert run_workers("block", 1) == ["blocked"]
    assert run_workers("admit", 2) == ["retry_after", "retry_after"]
