"""Fault campaign: complete citizen journeys through a production-like stack, with outages.

Starts on loopback: a fresh PostgreSQL database next to the one ``DATABASE_URL`` names (its
role needs CREATEDB), a throwaway ``redis-server``, gunicorn (gthread, 2 workers x 4 threads,
``benchmarks/campaign_settings.py``), one ``passfamille_worker`` (sweeping every 2 s, RUNNING
timeout 5 s) and the bundled sandbox. Then, per scenario, drives N complete journeys of the demo
canteen démarche (4 at a time, over HTTP, with CSRF; a citizen retries a step answered 5xx up to
3 times) while the fault happens, lets the background work settle (retry delays are brought
forward, as an operator would after an outage), and prints per scenario: journeys, receipts,
rows, duplicates (rows or acknowledgements more than once), 5xx, deferred (lookups deferred at
submission), verified after recovery, stuck (tasks or lookups still pending).

    DATABASE_URL=postgres://passfamille:passfamille@127.0.0.1:5432/passfamille \\
        .venv/bin/python benchmarks/fault_campaign.py --journeys 8
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STEP = re.compile(r"/(?P<instance>[0-9a-f]{32})/(?P<step>[a-z0-9-]+)/$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


class Stack:
    def __init__(self, base_url: str, tmp: Path):
        self.tmp = tmp
        url = urlparse(base_url)
        self.db_name = f"pf_campaign_{os.getpid()}"
        self.admin_url = base_url
        self.db_url = url._replace(path="/" + self.db_name).geturl()
        self.redis_port, self.web_port = free_port(), free_port()
        self.mail_dir = tmp / "mail"
        self.mail_dir.mkdir()
        self.processes: dict[str, subprocess.Popen] = {}

    def env(self, sandbox_url: str) -> dict:
        return {
            **os.environ,
            "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
            "DJANGO_SETTINGS_MODULE": "benchmarks.campaign_settings",
            "DATABASE_URL": self.db_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "PASSFAMILLE_SANDBOX_URL": sandbox_url,
            "PASSFAMILLE_TEST_EMAIL_DIR": str(self.mail_dir),
            "PASSFAMILLE_TEST_RUNNING_TIMEOUT": "5",
            "PASSFAMILLE_TEST_CONN_MAX_AGE": "60",
            "PASSFAMILLE_TEST_TASKS": "db",
        }

    def sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def start_redis(self) -> None:
        self.processes["redis"] = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_port(self.redis_port)

    def stop(self, name: str, sig=signal.SIGKILL) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.send_signal(sig)
            process.wait(timeout=30)

    def start_worker(self, env) -> None:
        self.processes["worker"] = subprocess.Popen(
            [
                *(sys.executable, "manage.py", "passfamille_worker", "--queue-name"),
                *("default,passfamille", "--no-reload", "--no-startup-delay", "--interval"),
                *("0.2", "--sweep-every", "2", "--verbosity", "0"),
            ],
            cwd=ROOT / "site",
            env=env,
            stderr=open(self.tmp / "worker.log", "a"),
        )

    def start(self, sandbox_url: str) -> dict:
        self.sql(f"CREATE DATABASE {self.db_name}")
        env = self.env(sandbox_url)
        self.start_redis()
        for command in (["migrate", "--verbosity", "0"], ["seed_demo", "--no-admin"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT / "site",
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        self.processes["web"] = subprocess.Popen(
            [
                *(str(Path(sys.executable).parent / "gunicorn"), "demo.wsgi", "-k", "gthread"),
                *("--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{self.web_port}"),
                *("--timeout", "30"),
            ],
            cwd=ROOT / "site",
            env=env,
            stderr=open(self.tmp / "web.log", "w"),
        )
        self.start_worker(env)
        wait_port(self.web_port)
        return env

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name, signal.SIGTERM if name == "web" else signal.SIGKILL)
        from django.db import connections

        connections.close_all()
        try:
            self.sql(f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")
        except Exception as error:
            print("could not drop", self.db_name, error)


class Journey:
    """One citizen over HTTP: the demo canteen démarche, from the page to the receipt."""

    def __init__(self, base: str, page, steps: dict, counters: dict, lock):
        self.base, self.page, self.steps = base, page, steps
        self.session = requests.Session()
        self.counters, self.lock = counters, lock
        self.instance = None

    def count(self, key: str) -> None:
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1

    def request(self, method: str, url: str, **kwargs) -> requests.Response | None:
        for _ in range(4):
            try:
                response = self.session.request(
                    method, self.base + url, allow_redirects=False, timeout=30, **kwargs
                )
            except requests.RequestException:
                self.count("errors")
                time.sleep(1)
                continue
            if response.status_code >= 500:
                self.count("5xx")
                time.sleep(1)
                continue
            return response
        return None

    def start(self) -> str:
        first = self.request("GET", self.page.url)
        self.instance = STEP.search(first.headers["Location"])["instance"]
        page = self.request("GET", first.headers["Location"])
        return CSRF.search(page.text)[1]

    def post(self, token: str, slug: str, values: dict) -> requests.Response | None:
        prefix = "s" + self.page.step_name_from_slug(slug)[:8]
        data = {f"{prefix}-{k}": v for k, v in values.items()}
        data["csrfmiddlewaretoken"] = token
        url = self.page.instance_url(self.instance, slug)
        return self.request("POST", url, data=data, headers={"Referer": self.base + url})

    def failed(self, where: str, response) -> None:
        if os.environ.get("CAMPAIGN_DEBUG"):
            status = None if response is None else response.status_code
            print(f"journey stopped at {where}: {status}", file=sys.stderr, flush=True)

    def walk(self, double_submit: bool = False) -> bool:
        token = self.start()
        for slug, values in self.steps.items():
            response = self.post(token, slug, values)
            if response is None or response.status_code != 302:
                self.failed(slug, response)
                return False
        if double_submit:  # a double click, three times over
            with ThreadPoolExecutor(3) as pool:
                answers = list(pool.map(lambda _: self.post(token, "recapitulatif", {}), range(3)))
            done = next((a for a in answers if a is not None and a.status_code == 302), None)
        else:
            done = self.post(token, "recapitulatif", {})
        if done is None or done.status_code != 302:
            self.failed("recapitulatif", done)
            return False
        receipt = self.request("GET", done.headers["Location"])
        return receipt is not None and receipt.status_code == 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=8, help="journeys per scenario")
    parser.add_argument("--only", help="comma-separated scenario names")
    args = parser.parse_args()
    base_url = os.environ.get(
        "DATABASE_URL", "postgres://passfamille:passfamille@127.0.0.1:5432/passfamille"
    )
    if not shutil.which("redis-server"):
        print("redis-server is required")
        return 2

    from wagtail_passfamille.sandbox import start_sandbox

    tmp = Path(tempfile.mkdtemp(prefix="pf-campaign-"))
    stack = Stack(base_url, tmp)
    with start_sandbox() as sandbox:
        try:
            env = stack.start(sandbox.url)
            os.environ.update({k: env[k] for k in env if k.startswith(("DJANGO", "DATABASE"))})
            os.environ.update({k: env[k] for k in env if k.startswith(("REDIS", "PASSFAMILLE"))})
            import django

            django.setup()
            return run(args, stack, sandbox, env)
        finally:
            stack.close()
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, stack: Stack, sandbox, env) -> int:
    from django.db import connection
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from tests.demarches.helpers import ENFANT_LEA, FREQUENTATION, LEFEBVRE, RESPONSABLE, enfants
    from wagtail_passfamille.models import DemarchePage, Submission

    page = DemarchePage.objects.get(slug="restauration-scolaire")
    steps = {
        "etape-1": RESPONSABLE,
        "etape-2": enfants(ENFANT_LEA),
        "etape-3": LEFEBVRE,
        "etape-4": FREQUENTATION,
        "etape-6": {"attestation": "on"},
    }
    base = f"http://127.0.0.1:{stack.web_port}"

    def drop_connections():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )

    def redis_outage():
        time.sleep(0.5)
        stack.stop("redis")
        time.sleep(20)
        stack.start_redis()

    def db_drops():
        for _ in range(10):
            time.sleep(0.5)
            drop_connections()

    def kill_worker_mid_task():
        # A verification hangs upstream, its worker is killed; a new worker comes up.
        sandbox.set_fault("stall=20")
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
        running = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, task_path__endswith="verify_pending"
        )
        deadline = time.monotonic() + 30
        while not running.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        stack.stop("worker")
        sandbox.set_fault(None)
        stack.start_worker(env)

    scenarios = {
        "baseline": dict(),
        "upstream 503": dict(fault="status=503"),
        "redis down 20 s": dict(during=redis_outage),
        "db connections dropped": dict(during=db_drops),
        "worker killed mid-task": dict(fault="status=503", after=kill_worker_mid_task),
        "double submit x3": dict(double_submit=True),
    }
    if args.only:
        scenarios = {k: v for k, v in scenarios.items() if k in args.only.split(",")}
    rows_out = []
    for name, scenario in scenarios.items():
        counters, lock = {}, threading.Lock()
        before = set(Submission.objects.values_list("pk", flat=True))
        sandbox.set_fault(scenario.get("fault"))
        fault_thread = None
        if scenario.get("during"):
            fault_thread = threading.Thread(target=scenario["during"])
            fault_thread.start()

        def one(_, counters=counters, lock=lock, scenario=scenario):
            journey = Journey(base, page, steps, counters, lock)
            try:
                return journey.walk(scenario.get("double_submit", False))
            except Exception as error:
                journey.failed(type(error).__name__, None)
                return False

        with ThreadPoolExecutor(4) as pool:
            receipts = sum(pool.map(one, range(args.journeys)))
        if fault_thread:
            fault_thread.join()
        sandbox.set_fault(None)
        connection.close()
        made = Submission.objects.exclude(pk__in=before)
        deferred = sum(1 for s in made if s.pending_lookups)
        deferred_ids = [s.pk for s in made if s.pending_lookups]
        if scenario.get("after"):
            scenario["after"]()
        # Settle: bring retry delays forward until nothing is pending (at most 120 s).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            connection.close()
            DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
                run_after=timezone.now()
            )
            pending = made.filter(pending_lookups__isnull=False).count()
            unacked = made.filter(acknowledged_at__isnull=True).count()
            live = DBTaskResult.objects.filter(
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
            ).count()
            if not pending and not unacked and not live:
                break
            time.sleep(1)
        connection.close()
        made = list(Submission.objects.exclude(pk__in=before))
        mails = [p.read_text(errors="replace") for p in stack.mail_dir.glob("*.log")]
        acks = {s.reference: sum(s.reference in m for m in mails) for s in made}
        instances = [s.instance_key for s in made]
        duplicates = (len(instances) - len(set(instances))) + sum(n > 1 for n in acks.values())
        verified = Submission.objects.filter(pk__in=deferred_ids, verification="verifie").count()
        stuck = (
            sum(1 for s in made if s.pending_lookups or s.acknowledged_at is None)
            + DBTaskResult.objects.filter(
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
            ).count()
        )
        rows_out.append(
            (
                name,
                args.journeys,
                receipts,
                len(made),
                duplicates,
                counters.get("5xx", 0),
                deferred,
                verified,
                stuck,
                sum(n == 1 for n in acks.values()),
            )
        )
        print(f"{name}: done", file=sys.stderr, flush=True)
    header = (
        "scenario",
        "journeys",
        "receipts",
        "rows",
        "duplicates",
        "5xx",
        "deferred",
        "verified after recovery",
        "stuck",
        "acks sent once",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows_out:
        print("| " + " | ".join(str(v) for v in row) + " |")
    web_log = (stack.tmp / "web.log").read_text(errors="replace")
    print(f"\ntracebacks in the web log: {web_log.count('Traceback')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
