"""Re-encrypt every encrypted column and citizens' file with the first key of
WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS; encrypt files stored in clear before 0.2.

Idempotent; prints counts only. See docs/back-office.md for the rotation procedure.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wagtail_passfamille.backoffice.rotation import rotate_all, rotate_stored_files


class Command(BaseCommand):
    @property
    def help(self):  # read when the parser is made, in the command's language
        return _(
            "Rechiffre toutes les colonnes chiffrées et les pièces jointes avec la première clé "
            "de WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS (par lots, sans rien réécrire deux fois) ; "
            "chiffre les pièces jointes encore en clair."
        )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("compter sans rien réécrire"))

    def handle(self, *args, dry_run=False, **options):
        reports = rotate_all(dry_run=dry_run)
        unreadable = 0
        for report in reports:
            unreadable += report.unreadable
            self.stdout.write(
                _(
                    "%(column)s : %(rotated)d rechiffrée(s), %(current)d déjà à jour, "
                    "%(unreadable)d illisible(s)"
                )
                % {
                    "column": f"{report.model}.{report.field}",
                    "rotated": report.rotated,
                    "current": report.current,
                    "unreadable": report.unreadable,
                }
            )
        files = rotate_stored_files(dry_run=dry_run)
        unreadable += files.unreadable
        self.stdout.write(
            _(
                "Pièces jointes : %(rotated)d rechiffrée(s), %(encrypted)d chiffrée(s) (en clair "
                "jusqu'ici), %(current)d déjà à jour, %(unreadable)d illisible(s)"
            )
            % {
                "rotated": files.rotated,
                "encrypted": files.encrypted,
                "current": files.current,
                "unreadable": files.unreadable,
            }
        )
        if dry_run:
            self.stdout.write(_("Simulation : rien n'a été réécrit."))
        if unreadable:
            raise CommandError(
                _(
                    "%(count)d valeur(s) illisible(s) avec les clés actuelles : une ancienne clé "
                    "manque dans WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS."
                )
                % {"count": unreadable}
            )
