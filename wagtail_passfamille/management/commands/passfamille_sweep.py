"""Put background work back on its feet; run it every few minutes from a systemd timer or cron
(``deploy/passfamille-sweep.timer``). ``passfamille_worker`` runs it too.

Resets RUNNING tasks whose worker died, re-enqueues deferred verifications and missing
acknowledgements of receipt that have no live task, and alerts when the queue is late. It is
idempotent: a second run (or one on another node) finds the live tasks and does nothing more.
Prints counts only.
"""

from django.core.management.base import BaseCommand

from wagtail_passfamille.citizen.background import sweep


class Command(BaseCommand):
    help = (
        "Relance les tâches de fond perdues (worker arrêté, base coupée) : tâches bloquées, "
        "vérifications différées et accusés de réception manquants."
    )

    def handle(self, *args, **options):
        report = sweep()
        age = "-" if report.queue_age is None else f"{report.queue_age:.0f} s"
        self.stdout.write(
            f"tâches relancées : {report.running_reset} ; vérifications : {report.verifications}"
            f" ; accusés de réception : {report.acknowledgements} ; plus ancienne tâche en "
            f"attente : {age}" + (" (alerte)" if report.alert else "")
        )
