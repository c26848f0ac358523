"""django-tasks-db's ``db_worker`` that survives a dropped database and sweeps.

``manage.py passfamille_worker --queue-name default,passfamille`` takes every option of
``db_worker`` (except ``--reload``) and:

- when the database drops (``OperationalError``, ``InterfaceError``), closes its connections
  and tries again with a growing pause (1 s, 2 s… 30 s) instead of exiting; a task cut off
  mid-run stays RUNNING and the sweep runs it again after ``TASK_RUNNING_TIMEOUT``;
- runs the sweep (``passfamille_sweep``) at start and every ``--sweep-every`` seconds in a
  thread of its own, and records a heartbeat for the health endpoint.

Run it under systemd with ``Restart=always`` (``deploy/passfamille-worker.service``).
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from wagtail_passfamille.citizen.background import beat, sweep

logger = logging.getLogger("wagtail_passfamille.worker")

MAX_PAUSE = 30.0


def close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # a connection already broken may fail to close: it is dropped
            conn.connection = None


class ResilientWorker(Worker):
    def __init__(self, *, sweep_every: float, **kwargs):
        super().__init__(**kwargs)
        self.sweep_every = sweep_every
        self.stopped = threading.Event()

    def run(self) -> None:
        if self.sweep_every:
            threading.Thread(target=self.sweeper, name="passfamille-sweep", daemon=True).start()
        pause = 1.0
        try:
            while True:
                try:
                    return super().run()
                except (OperationalError, InterfaceError) as error:
                    logger.warning(
                        "Database unavailable (%s): worker retries in %.0f s",
                        type(error).__name__,
                        pause,
                    )
                    close_connections()
                    time.sleep(pause)
                    pause = min(pause * 2, MAX_PAUSE)
                    self.running_task = False
        finally:
            self.stopped.set()

    def sweeper(self) -> None:
        while not self.stopped.is_set():
            try:
                report = sweep()
                beat(self.worker_id)
                logger.debug("Sweep: %s", report.as_dict())
            except Exception as error:  # the database or the cache is down: next time
                logger.warning("Sweep not run: %s", type(error).__name__)
            finally:
                close_connections()
            self.stopped.wait(self.sweep_every)


class Command(DbWorkerCommand):
    help = (
        "Worker des tâches de fond (db_worker de django-tasks-db) qui survit à une coupure de "
        "la base et relance les tâches perdues."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-every",
            type=float,
            default=300.0,
            help="secondes entre deux passages du balayage (0 : jamais)",
        )

    def handle(self, *, verbosity, queue_name, exclude_queues, sweep_every, **options):
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            sweep_every=sweep_every,
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        worker.configure_signals()
        worker.run()
