"""Re-encrypt every encrypted column and citizens' file with the first key of
WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS; encrypt files stored in clear before 0.2.

Idempotent; prints counts only. See docs/back-office.md for the rotation procedure.
"""

from django.core.management.base import BaseCommand, CommandError

from wagtail_passfamille.backoffice.rotation import rotate_all, rotate_stored_files


class Command(BaseCommand):
    help = (
        "Rechiffre toutes les colonnes chiffrées et les pièces jointes avec la première clé de "
        "WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS (par lots, sans rien réécrire deux fois) ; "
        "chiffre les pièces jointes encore en clair."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien réécrire")

    def handle(self, *args, dry_run=False, **options):
        reports = rotate_all(dry_run=dry_run)
        unreadable = 0
        for report in reports:
            unreadable += report.unreadable
            self.stdout.write(
                f"{report.model}.{report.field} : {report.rotated} rechiffrée(s), "
                f"{report.current} déjà à jour, {report.unreadable} illisible(s)"
            )
        files = rotate_stored_files(dry_run=dry_run)
        unreadable += files.unreadable
        self.stdout.write(
            f"Pièces jointes : {files.rotated} rechiffrée(s), {files.encrypted} chiffrée(s) "
            f"(en clair jusqu'ici), {files.current} déjà à jour, {files.unreadable} illisible(s)"
        )
        if dry_run:
            self.stdout.write("Simulation : rien n'a été réécrit.")
        if unreadable:
            raise CommandError(
                f"{unreadable} valeur(s) illisible(s) avec les clés actuelles : une ancienne clé "
                "manque dans WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS."
            )
