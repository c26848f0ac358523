"""Remove the files of abandoned démarches; run it from cron or a systemd timer.

Files of unfinished wizards live under ``wizard/`` in the private storage; the wizard deletes
them once a démarche is submitted, but a citizen who leaves halfway leaves them behind.
Prints counts only: file names are personal data.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.security.private_storage import delete_stale_wizard_files


class Command(BaseCommand):
    @property
    def help(self):  # read when the parser is made, in the command's language
        return _(
            "Supprime les fichiers des démarches abandonnées (wizard/) plus anciens que "
            "WAGTAIL_PASSFAMILLE_WIZARD_LIFETIME."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("compter les fichiers sans les supprimer"),
        )
        parser.add_argument(
            "--older-than",
            type=int,
            metavar=_("SECONDES"),
            help=_(
                "âge minimal d'un fichier supprimé (par défaut : la durée de vie d'une démarche)"
            ),
        )

    def handle(self, *args, dry_run=False, older_than=None, **options):
        seconds = get_setting("WIZARD_LIFETIME") if older_than is None else older_than
        if seconds < 0:
            raise CommandError(_("--older-than doit être positif."))
        count = delete_stale_wizard_files(seconds, dry_run=dry_run)
        # "(s)" rather than ngettext: French says "0 fichier", gettext's default rule "0 fichiers".
        if dry_run:
            message = _("%(count)d fichier(s) à supprimer (simulation : rien n'est supprimé).")
        else:
            message = _("%(count)d fichier(s) supprimé(s).")
        self.stdout.write(message % {"count": count})
