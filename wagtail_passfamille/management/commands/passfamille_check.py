"""``manage.py passfamille_check``: the configuration check of the admin status panel, in French.

Per credential profile: the API Particulier token (accepted, its scopes against what the live
démarches need, its expiry date, the provider's status) and the API Impôt particulier
credentials; per site: the SIRET and the contacts. Prints profile names, never a token or a
secret. Exit status 0 when all is well, 1 on an error (1 on a warning too with ``--strict``).
Run it weekly from cron::

    0 7 * * 1  cd /srv/site && .venv/bin/python manage.py passfamille_check
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_passfamille.editor.habilitation import ERROR, WARNING, check_profiles

# Lazy: the command's language (settings.LANGUAGE_CODE) is known when it runs, not at import.
MARKS = {ERROR: gettext_lazy("[ERREUR]"), WARNING: gettext_lazy("[ATTENTION]")}
OK_MARK = gettext_lazy("[OK]")


class Command(BaseCommand):
    @property
    def help(self):  # read when the parser is made, in the command's language
        return _(
            "Vérifie les profils d'accès aux API (jetons, droits, expiration) et le SIRET de "
            "chaque site ; code de sortie 1 en cas d'erreur."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--strict",
            action="store_true",
            help=_("sortir en erreur aussi sur un avertissement"),
        )
        parser.add_argument(
            "--cache",
            action="store_true",
            help=_("réutiliser les réponses des API gardées moins d'une heure"),
        )

    def handle(self, *args, strict=False, cache=False, **options):
        report = check_profiles(refresh=not cache)
        self.stdout.write(
            _("Vérification Pass Famille du %(date)s")
            % {"date": f"{timezone.localtime(report.checked_at):%d/%m/%Y %H:%M}"}
        )
        for section in report.sections:
            self.stdout.write("")
            self.stdout.write(section.title)
            for finding in section.findings:
                mark = MARKS.get(finding.level, OK_MARK)
                self.stdout.write(f"  {mark} {finding.message}")
        # No ngettext: French says "0 erreur", gettext's default plural rule "0 erreurs".
        summary = _("erreurs : %(errors)d, avertissements : %(warnings)d") % {
            "errors": report.errors,
            "warnings": report.warnings,
        }
        self.stdout.write("")
        self.stdout.write(_("Bilan — %(summary)s.") % {"summary": summary})
        if report.errors or (strict and report.warnings):
            raise CommandError(
                _("La configuration Pass Famille demande une intervention (%(summary)s).")
                % {"summary": summary},
                returncode=1,
            )
