"""``manage.py passfamille_check`` and check_profiles() against the sandbox."""

import io
import logging
import time

import pytest
from django.core.management import CommandError, call_command

from wagtail_passfamille.editor.habilitation import (
    ERROR,
    check_profiles,
    introspect,
    scope_warnings,
)
from wagtail_passfamille.models import DemarchePage, PassFamilleSettings
from wagtail_passfamille.sandbox import EXPIRED_TOKEN, QF_ONLY_TOKEN, make_token

CANTINE = "Inscription à la restauration scolaire 2026-2027"


def run(*args):
    """(exit status, stdout, stderr) of the command, as cron would see them."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("passfamille_check", *args, stdout=out, stderr=err)
        status = 0
    except CommandError as error:
        status = error.returncode
        err.write(f"CommandError: {error}\n")
    return status, out.getvalue(), err.getvalue()


def test_all_good_with_a_full_scope_token(seeded):
    status, out, _err = run()
    assert status == 0, out
    assert "[ERREUR]" not in out and "[ATTENTION]" not in out
    assert "Profil « demo »" in out
    assert "API Particulier accepte le jeton" in out
    assert "API Impôt particulier accepte les identifiants" in out
    assert "SIRET 21990999900019 valide." in out
    assert "Bilan — erreurs : 0, avertissements : 0." in out


def test_a_missing_scope_names_the_demarche_and_the_scope(seeded, set_profile):
    set_profile(TOKEN=QF_ONLY_TOKEN)
    status, out, _err = run()
    assert status == 1
    line = next(line for line in out.splitlines() if "cnaf_enfants" in line)
    assert line.startswith("  [ERREUR]")
    assert f"« {CANTINE} » demande cnaf_enfants (Identités enfants)" in line


def test_an_expired_token_is_an_error(seeded, set_profile):
    set_profile(TOKEN=EXPIRED_TOKEN)
    status, out, _err = run()
    assert status == 1
    assert "[ERREUR] Le jeton a expiré le 01/01/2024." in out
    assert "[ERREUR] API Particulier refuse les identifiants (HTTP 401" in out


def test_expiry_within_30_days_warns_and_fails_only_when_strict(seeded, set_profile):
    soon = int(time.time()) + 20 * 86400
    set_profile(TOKEN=make_token("bientot-expire", rate_limit=None, exp=soon))
    status, out, _err = run()
    assert status == 0
    assert "[ATTENTION] Le jeton expire le" in out
    assert "dans 20 jours (moins de 30 jours)" in out
    assert "Bilan — erreurs : 0, avertissements : 1." in out
    assert run("--strict")[0] == 1


@pytest.mark.parametrize(("days", "threshold"), [(5, 7), (60, 90)])
def test_expiry_thresholds(seeded, set_profile, days, threshold):
    soon = int(time.time()) + days * 86400
    set_profile(TOKEN=make_token(f"expire-{days}", rate_limit=None, exp=soon))
    _status, out, _err = run()
    assert f"dans {days} jours (moins de {threshold} jours)" in out


def test_an_unreachable_profile_is_an_error_without_traceback(seeded, set_profile, closed_port_url):
    set_profile(URL=closed_port_url)
    set_profile("IMPOT_PARTICULIER", URL=closed_port_url, TOKEN_URL=f"{closed_port_url}/token")
    status, out, err = run()
    assert status == 1
    assert "[ERREUR] API Particulier est injoignable" in out
    assert "[ERREUR] API Impôt particulier est injoignable" in out
    assert "Traceback" not in out + err
    assert closed_port_url.split("//")[1] not in out + err


def test_refused_dgfip_credentials(seeded, set_profile):
    set_profile("IMPOT_PARTICULIER", CLIENT_SECRET="not-the-secret")
    status, out, _err = run()
    assert status == 1
    assert "[ERREUR] API Impôt particulier refuse les identifiants" in out
    assert "not-the-secret" not in out


def test_no_secret_in_output_or_logs(seeded, set_profile, sandbox, caplog):
    token = make_token("secret-check", ["cnaf_quotient_familial"], rate_limit=None)
    set_profile(TOKEN=token)
    caplog.set_level(logging.DEBUG)
    _status, out, err = run()
    shown = out + err + caplog.text
    assert token not in shown and token.split(".")[1] not in shown
    assert "demo-secret" not in shown
    assert sandbox.url.split("//")[1] not in out + err


@pytest.mark.parametrize(
    ("siret", "message"),
    [("", "SIRET de la collectivité non renseigné."), ("21990999900018", "invalide")],
)
def test_a_missing_or_invalid_siret_is_an_error(seeded, siret, message):
    PassFamilleSettings.objects.update(siret=siret)  # past the form's validation, as in a dump
    status, out, _err = run()
    assert status == 1
    line = next(line for line in out.splitlines() if "SIRET" in line)
    assert line.startswith("  [ERREUR]") and message in line


def test_missing_contacts_are_warnings(seeded):
    PassFamilleSettings.objects.update(technical_contact_email="", dpo_email="")
    status, out, _err = run()
    assert status == 0
    assert "[ATTENTION] Aucun contact technique" in out
    assert "[ATTENTION] Aucune adresse de DPO" in out


def test_certified_data_without_a_profile_is_an_error(seeded):
    page = DemarchePage.objects.get(slug="restauration-scolaire")
    page.credential_profile = ""
    page.save_revision().publish()
    status, out, _err = run()
    assert status == 1
    assert f"[ERREUR] « {CANTINE} » utilise des données certifiées sans profil" in out


def test_a_profile_missing_from_the_settings_is_an_error(seeded, settings):
    DemarchePage.objects.filter(slug="pass-famille-2027").update(credential_profile="fantome")
    status, out, _err = run()
    assert status == 1
    assert "Profil « fantome »" in out
    assert "[ERREUR] Ce profil est absent de WAGTAIL_PASSFAMILLE_CREDENTIALS." in out


def test_the_provider_status_is_reported(seeded, sandbox):
    sandbox.set_ping("bad_gateway")
    status, out, _err = run()
    assert status == 0
    assert "[ATTENTION] Fournisseur CAF/MSA indisponible (bad_gateway)" in out


def test_introspection_is_cached_for_an_hour(seeded, sandbox):
    cantine = DemarchePage.objects.get(slug="restauration-scolaire")
    for _ in range(3):
        assert check_profiles().errors == 0
        assert scope_warnings(cantine) == []
    assert sandbox.stats.requests["introspect"] == 1
    assert sandbox.stats.requests["ping"] == 1
    assert sandbox.stats.requests["dgfip_token"] == 1
    check_profiles(refresh=True)  # "Vérifier maintenant", and the command
    assert sandbox.stats.requests["introspect"] == 2


def test_failures_are_cached_too(seeded, sandbox, set_profile):
    set_profile(TOKEN=EXPIRED_TOKEN)
    for _ in range(3):
        assert introspect("demo").status == "refused"
    assert sandbox.stats.requests["introspect"] == 1


def test_a_rotated_token_is_probed_afresh(seeded, sandbox, set_profile):
    assert introspect("demo").scopes >= {"cnaf_enfants"}
    set_profile(TOKEN=QF_ONLY_TOKEN)
    assert introspect("demo").scopes == {"cnaf_quotient_familial"}
    assert sandbox.stats.requests["introspect"] == 2


def test_the_report_levels(seeded, set_profile):
    set_profile(TOKEN=QF_ONLY_TOKEN)
    report = check_profiles()
    assert report.level == ERROR and report.errors == 1


def test_a_profile_without_the_api_a_demarche_needs(seeded, settings):
    profiles = {"demo": dict(settings.WAGTAIL_PASSFAMILLE_CREDENTIALS["demo"])}
    del profiles["demo"]["IMPOT_PARTICULIER"]
    settings.WAGTAIL_PASSFAMILLE_CREDENTIALS = profiles
    status, out, _err = run()
    assert status == 1
    assert (
        "[ERREUR] API Impôt particulier : rien dans ce profil, alors que ces démarches en ont "
        "besoin : « Pass Famille 2027 »." in out
    )


def test_an_english_project_reads_the_whole_report_in_english(seeded, set_profile, settings):
    # LANGUAGE_CODE = "en-us" (wagtail start's default): no French marker left among English lines.
    settings.LANGUAGE_CODE = "en-us"
    set_profile(TOKEN=EXPIRED_TOKEN)
    status, out, _err = run()
    assert status == 1
    assert "[ERROR]" in out and "[ERREUR]" not in out and "[ATTENTION]" not in out
    assert "Bilan" not in out and "erreurs" not in out
