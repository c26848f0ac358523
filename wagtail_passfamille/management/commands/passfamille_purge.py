"""Delete what the démarches may no longer keep; run it daily from cron or a systemd timer.

Prints and logs counts only, never a name or a reference; writes one audit record (purge)
listing the submissions deleted.
"""

from django.core.management.base import BaseCommand

from wagtail_passfamille.backoffice import audit
from wagtail_passfamille.backoffice.retention import purge
from wagtail_passfamille.models import AuditRecord


class Command(BaseCommand):
    help = (
        "Supprime les demandes dont la durée de conservation est écoulée (avec leurs pièces "
        "jointes), les données certifiées après décision quand la démarche le demande, les "
        "fichiers orphelins et les restes des démarches abandonnées."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien supprimer")

    def handle(self, *args, dry_run=False, **options):
        report = purge(dry_run=dry_run)
        counts = report.counts()
        if not dry_run:
            audit.record(
                None,
                AuditRecord.Action.PURGE,
                submission_ids=[pk for pk, _ref in report.purged],
                references=[ref for _pk, ref in report.purged],
                detail=counts,
                username="passfamille_purge",
            )
        prefix = "Simulation (rien n'est supprimé) : " if dry_run else ""
        self.stdout.write(
            f"{prefix}{counts['submissions']} demande(s) expirée(s) supprimée(s), "
            f"{counts['files']} pièce(s) jointe(s), {counts['kept_open']} demande(s) expirée(s) "
            f"encore en cours conservée(s), {counts['certified_dropped']} donnée(s) certifiée(s) "
            f"effacée(s) après décision, {counts['orphan_files']} fichier(s) orphelin(s), "
            f"{counts['wizard_files']} fichier(s) de démarches abandonnées."
        )
