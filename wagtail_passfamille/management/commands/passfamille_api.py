"""``manage.py passfamille_api``: the API command line (api_particulier/cli.py) inside a project.

Same subcommands, same JSON, same exit codes. It reads the same environment variables; with
``--profile NAME`` (before the subcommand), whatever the environment does not set is taken from
that profile of ``WAGTAIL_PASSFAMILLE_CREDENTIALS``::

    manage.py passfamille_api --profile cantine scopes
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from wagtail_passfamille.api_particulier.cli import EXIT_CONFIG, configuration_error, main

# Profile keys (conf.py's documented shape) -> the command line's environment variables.
PROFILE_KEYS = {
    ("API_PARTICULIER", "URL"): "API_PARTICULIER_URL",
    ("API_PARTICULIER", "TOKEN"): "API_PARTICULIER_TOKEN",
    ("API_PARTICULIER", "RECIPIENT"): "API_PARTICULIER_RECIPIENT",
    ("IMPOT_PARTICULIER", "URL"): "IMPOT_PARTICULIER_URL",
    ("IMPOT_PARTICULIER", "TOKEN_URL"): "IMPOT_PARTICULIER_TOKEN_URL",
    ("IMPOT_PARTICULIER", "CLIENT_ID"): "IMPOT_PARTICULIER_CLIENT_ID",
    ("IMPOT_PARTICULIER", "CLIENT_SECRET"): "IMPOT_PARTICULIER_CLIENT_SECRET",
    ("IMPOT_PARTICULIER", "SCOPE"): "IMPOT_PARTICULIER_SCOPE",
}


def profile_environ(profile: dict[str, Any]) -> dict[str, str]:
    """The environment variables a credential profile provides."""
    environ = {}
    for (section, key), name in PROFILE_KEYS.items():
        value = (profile.get(section) or {}).get(key)
        if isinstance(value, str) and value:
            environ[name] = value
    return environ


class Command(BaseCommand):
    @property
    def help(self):  # read when the parser is made, in the command's language
        return _(
            "Interroge API Particulier / API Impôt particulier (scopes, ping, quotient-familial, "
            "quotient-familial-france-connect, composition-familiale-v2, situation-ir) et affiche "
            "le résultat en JSON."
        )

    requires_system_checks: list[str] = []  # it talks to the APIs, not to the database

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--profile", help=_("profil de WAGTAIL_PASSFAMILLE_CREDENTIALS"))
        parser.add_argument("args", nargs=argparse.REMAINDER, help=_("sous-commande et options"))

    def handle(self, *args: str, profile: str | None = None, **options: Any) -> None:
        # The subcommands' help in the project's language, unless the environment says otherwise.
        environ = {"PASSFAMILLE_LANGUAGE": translation.get_language() or "fr", **os.environ}
        if profile:
            profiles = getattr(settings, "WAGTAIL_PASSFAMILLE_CREDENTIALS", None) or {}
            if profile not in profiles:
                title = _("Profil inconnu dans WAGTAIL_PASSFAMILLE_CREDENTIALS : %(profile)s") % {
                    "profile": profile
                }
                error = configuration_error(title)
                self.stdout.write(json.dumps(error, ensure_ascii=False, indent=2))
                raise CommandError(title, returncode=EXIT_CONFIG)
            environ = {**profile_environ(profiles[profile]), **environ}  # the environment wins
        code = main(
            list(args), environ=environ, stdout=self.stdout, prog="manage.py passfamille_api"
        )
        if code:
            raise CommandError(
                _("passfamille_api : code de sortie %(code)d") % {"code": code}, returncode=code
            )
