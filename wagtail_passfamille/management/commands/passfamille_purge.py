"""Delete what the démarches may no longer keep; run it daily from cron or a systemd timer.

Prints and logs counts only, never a name or a reference; writes one audit record (purge)
listing the submissions deleted.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_passfamille.backoffice.retention import purge
from wagtail_passfamille.models import AuditRecord, audit_trail


class Command(BaseCommand):
    @property
    def help(self):  # read when the parser is made, in the command's language
        return _(
            "Supprime les demandes dont la durée de conservation est écoulée (avec leurs pièces "
            "jointes), les données certifiées après décision quand la démarche le demande, les "
            "fichiers orphelins, les restes des démarches abandonnées et les démarches "
            "enregistrées expirées."
        )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("compter sans rien supprimer"))

    def handle(self, *args, dry_run=False, **options):
        report = purge(dry_run=dry_run)
        counts = report.counts()
        if not dry_run:
            audit_trail.record(
                None,
                AuditRecord.Action.PURGE,
                submission_ids=[pk for pk, _ref in report.purged],
                references=[ref for _pk, ref in report.purged],
                detail=counts,
                username="passfamille_purge",
            )
        # Counts only: names and references are personal data. "(s)" rather than ngettext:
        # one sentence holds seven counts.
        message = (
            _(
                "%(submissions)d demande(s) expirée(s) supprimée(s), %(files)d pièce(s) jointe(s), "
                "%(kept_open)d demande(s) expirée(s) encore en cours conservée(s), "
                "%(certified_dropped)d donnée(s) certifiée(s) effacée(s) après décision, "
                "%(orphan_files)d fichier(s) orphelin(s), %(wizard_files)d fichier(s) de démarches "
                "abandonnées, %(drafts)d démarche(s) enregistrée(s) expirée(s)."
            )
            % counts
        )
        if dry_run:
            message = _("Simulation (rien n'est supprimé) : %(message)s") % {"message": message}
        self.stdout.write(message)
