"""Command line: try a token against API Particulier (or the sandbox) without Django.

Configured by the environment, so that tokens and secrets never appear in the process list or the
shell history::

    API_PARTICULIER_URL, API_PARTICULIER_TOKEN, API_PARTICULIER_RECIPIENT
    IMPOT_PARTICULIER_URL, IMPOT_PARTICULIER_TOKEN_URL,
    IMPOT_PARTICULIER_CLIENT_ID, IMPOT_PARTICULIER_CLIENT_SECRET, IMPOT_PARTICULIER_SCOPE (optional)

It prints the result as JSON (API v3 keys for the quotient familial) and exits 0; on error it
prints ``{"error": <class>, "status", "code", "title"}`` and exits 1 (not found or not matched),
2 (bad input), 3 (upstream unavailable, rate limited or busy) or 4 (auth or configuration).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from .client import ApiParticulierClient
from .errors import ApiError, InvalidParameters
from .impot import ImpotParticulierClient
from .types import Identite, PartialDate

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD_INPUT, EXIT_UNAVAILABLE, EXIT_CONFIG = 0, 1, 2, 3, 4

API_ENV = ("API_PARTICULIER_URL", "API_PARTICULIER_TOKEN", "API_PARTICULIER_RECIPIENT")
IMPOT_ENV = (
    "IMPOT_PARTICULIER_URL",
    "IMPOT_PARTICULIER_TOKEN_URL",
    "IMPOT_PARTICULIER_CLIENT_ID",
    "IMPOT_PARTICULIER_CLIENT_SECRET",
)


# The command line's help in English: this module is pure Python (no Django, no gettext), so the
# English of each French help text is here. English when PASSFAMILLE_LANGUAGE, or else the first
# of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set, starts with "en".
HELP_EN = {
    "Interroge API Particulier / API Impôt particulier (configuration par variables "
    "d'environnement, voir docs/api-clients.md).": "Queries API Particulier / API Impôt "
    "particulier (configured by environment variables, see docs/api-clients.md).",
    "COMMANDE": "COMMAND",
    "scopes et date d'expiration du jeton (introspect)": "the token's scopes and expiry date "
    "(introspect)",
    "état du fournisseur CNAF & MSA": "status of the CNAF & MSA provider",
    "quotient familial par identité (v3)": "quotient familial by identity (v3)",
    "quotient familial par identité (v2, dépréciée)": "quotient familial by identity (v2, "
    "deprecated)",
    "quotient familial par jeton FranceConnect": "quotient familial by FranceConnect token",
    "jeton d'accès FranceConnect": "FranceConnect access token",
    "situation IR (API Impôt particulier)": "income tax situation (API Impôt particulier)",
    "numéro fiscal (13 chiffres)": "tax number (13 digits)",
    "année des revenus": "income year",
    "dernière situation de l'année (par numéro fiscal)": "the year's latest situation (by tax "
    "number)",
    "répéter, 1 à 3 fois": "repeat, 1 to 3 times",
    "M ou F": "M or F",
    "AAAA, AAAA-MM ou AAAA-MM-JJ": "YYYY, YYYY-MM or YYYY-MM-DD",
    "code COG du pays (France : 99100)": "COG code of the country (France: 99100)",
    "code COG de la commune de naissance": "COG code of the commune of birth",
    "nom de la commune (avec --departement)": "name of the commune (with --departement)",
    "code du département de naissance": "code of the département of birth",
    "ignorer le cache de 24 h": "ignore the 24 h cache",
    "année du QF (N-2 à N)": "year of the QF (N-2 to N)",
    "mois du QF (1 à 12)": "month of the QF (1 to 12)",
}
LANGUAGE_VARIABLES = ("PASSFAMILLE_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def cli_language(environ: Mapping[str, str]) -> str:
    """ "en" or "fr", from the environment (French unless it asks for English)."""
    for name in LANGUAGE_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return "en" if value.lower().startswith("en") else "fr"
    return "fr"


class ConfigurationError(Exception):
    """A variable of the environment is missing; the message names it, never a value."""


def build_parser(
    prog: str = "python -m wagtail_passfamille.api_particulier", language: str = "fr"
) -> argparse.ArgumentParser:
    def tr(text: str) -> str:
        return HELP_EN.get(text, text) if language == "en" else text

    parser = argparse.ArgumentParser(
        prog=prog,
        description=tr(
            "Interroge API Particulier / API Impôt particulier (configuration par "
            "variables d'environnement, voir docs/api-clients.md)."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar=tr("COMMANDE"))
    commands.add_parser("scopes", help=tr("scopes et date d'expiration du jeton (introspect)"))
    commands.add_parser("ping", help=tr("état du fournisseur CNAF & MSA"))
    for name, help_text in (
        ("quotient-familial", "quotient familial par identité (v3)"),
        ("composition-familiale-v2", "quotient familial par identité (v2, dépréciée)"),
    ):
        _identity_arguments(commands.add_parser(name, help=tr(help_text)), tr)
    fc = commands.add_parser(
        "quotient-familial-france-connect", help=tr("quotient familial par jeton FranceConnect")
    )
    fc.add_argument("--access-token", required=True, help=tr("jeton d'accès FranceConnect"))
    _year_month_arguments(fc, tr)
    ir = commands.add_parser("situation-ir", help=tr("situation IR (API Impôt particulier)"))
    who = ir.add_mutually_exclusive_group(required=True)
    who.add_argument("--numero-fiscal", help=tr("numéro fiscal (13 chiffres)"))
    who.add_argument("--france-connect-token", help=tr("jeton d'accès FranceConnect"))
    ir.add_argument("--annee-revenus", type=int, required=True, help=tr("année des revenus"))
    ir.add_argument(
        "--derniere",
        action="store_true",
        help=tr("dernière situation de l'année (par numéro fiscal)"),
    )
    return parser


def _identity_arguments(parser: argparse.ArgumentParser, tr: Callable[[str], str]) -> None:
    parser.add_argument("--nom-naissance", required=True)
    parser.add_argument("--nom-usage")
    parser.add_argument("--prenom", action="append", required=True, help=tr("répéter, 1 à 3 fois"))
    parser.add_argument("--sexe", required=True, help=tr("M ou F"))
    parser.add_argument("--date-naissance", help=tr("AAAA, AAAA-MM ou AAAA-MM-JJ"))
    parser.add_argument("--pays", required=True, help=tr("code COG du pays (France : 99100)"))
    parser.add_argument("--commune", help=tr("code COG de la commune de naissance"))
    parser.add_argument("--nom-commune", help=tr("nom de la commune (avec --departement)"))
    parser.add_argument("--departement", help=tr("code du département de naissance"))
    parser.add_argument("--no-cache", action="store_true", help=tr("ignorer le cache de 24 h"))
    _year_month_arguments(parser, tr)


def _year_month_arguments(parser: argparse.ArgumentParser, tr: Callable[[str], str]) -> None:
    parser.add_argument("--annee", type=int, help=tr("année du QF (N-2 à N)"))
    parser.add_argument("--mois", type=int, help=tr("mois du QF (1 à 12)"))


def _env(environ: Mapping[str, str], names: Sequence[str]) -> list[str]:
    missing = [name for name in names if not environ.get(name, "").strip()]
    if missing:
        raise ConfigurationError(f"Variables d'environnement manquantes : {', '.join(missing)}")
    return [environ[name].strip() for name in names]


def _identite(args: argparse.Namespace, endpoint: str) -> Identite:
    birth = _birth_date(args.date_naissance) if args.date_naissance else None
    if args.date_naissance and birth is None:
        raise InvalidParameters(
            endpoint=endpoint,
            parameter="anneeDateNaissance",
            title="Date de naissance attendue au format AAAA, AAAA-MM ou AAAA-MM-JJ.",
        )
    return Identite(
        nom_naissance=args.nom_naissance,
        nom_usage=args.nom_usage,
        prenoms=tuple(args.prenom),
        sexe=args.sexe,
        date_naissance=birth,
        code_pays_naissance=args.pays,
        code_commune_naissance=args.commune,
        nom_commune_naissance=args.nom_commune,
        code_departement_naissance=args.departement,
    )


def _birth_date(text: str) -> PartialDate | None:
    try:
        return PartialDate.parse(text)
    except ValueError:
        return None


def run(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """Run one subcommand and return what to print."""
    if args.command == "situation-ir":
        url, token_url, client_id, secret = _env(environ, IMPOT_ENV)
        impot = ImpotParticulierClient(
            url, token_url, client_id, secret, scope=environ.get("IMPOT_PARTICULIER_SCOPE") or None
        )
        if args.france_connect_token:
            situation = impot.situation_ir_france_connect(
                args.france_connect_token, args.annee_revenus
            )
        elif args.derniere:
            situation = impot.derniere_situation_ir(args.numero_fiscal, args.annee_revenus)
        else:
            situation = impot.situation_ir(args.numero_fiscal, args.annee_revenus)
        return situation.to_dict()
    url, token, recipient = _env(environ, API_ENV)
    client = ApiParticulierClient(url, token, recipient)
    if args.command == "scopes":
        expires = client.token_expires_at
        return {
            "scopes": sorted(client.scopes()),
            "token_expires_at": expires.isoformat() if expires else None,
        }
    if args.command == "ping":
        return client.ping().to_dict()
    if args.command == "quotient-familial-france-connect":
        return client.quotient_familial_france_connect(
            args.access_token, args.annee, args.mois
        ).to_dict()
    if args.command == "composition-familiale-v2":
        identite = _identite(args, "composition_familiale_v2")
        return client.composition_familiale_v2(
            identite, args.annee, args.mois, no_cache=args.no_cache
        ).to_dict()
    identite = _identite(args, "quotient_familial")
    return client.quotient_familial(
        identite, args.annee, args.mois, no_cache=args.no_cache
    ).to_dict()


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    prog: str | None = None,
) -> int:
    """Entry point of ``python -m wagtail_passfamille.api_particulier`` and ``passfamille-api``."""
    out = stdout or sys.stdout
    environ = os.environ if environ is None else environ
    language = cli_language(environ)
    parser = build_parser(prog, language) if prog else build_parser(language=language)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # usage errors (2) and --help (0), already printed by argparse
        return exit_.code if isinstance(exit_.code, int) else EXIT_BAD_INPUT
    try:
        result = run(args, environ)
    except ApiError as error:
        return _print(out, _error(error), error.exit_code)
    except (ConfigurationError, ValueError) as error:  # ValueError: a client refused its setup
        return _print(out, configuration_error(str(error)), EXIT_CONFIG)
    return _print(out, result, EXIT_OK)


def configuration_error(title: str) -> dict[str, Any]:
    """The JSON printed when the configuration (environment, profile) is at fault."""
    return {"error": "ConfigurationError", "status": None, "code": None, "title": title}


def _error(error: ApiError) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "error": type(error).__name__,
        "status": error.status_code,
        "code": error.code,
        "title": error.title,
    }
    if error.parameter:
        payload["parameter"] = error.parameter
    if error.retry_after is not None:
        payload["retry_after"] = error.retry_after
    if error.request_id:
        payload["request_id"] = error.request_id
    return payload


def _print(out: TextIO, payload: dict[str, Any], code: int) -> int:
    out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return code
