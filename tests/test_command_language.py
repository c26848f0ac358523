"""Management commands speak the project's language: output and --help, French and English."""

import io

import pytest
from django.core.management import call_command, load_command_class
from django.utils import translation

COMMANDS = [
    "passfamille_api",
    "passfamille_check",
    "passfamille_cleanup_uploads",
    "passfamille_purge",
    "passfamille_rotate_keys",
]


def run(name, *args):
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("name", COMMANDS)
def test_help_in_french_and_in_english(name):
    command = load_command_class("wagtail_passfamille", name)
    with translation.override("fr"):
        french = command.create_parser("manage.py", name).format_help()
    with translation.override("en"):
        english = command.create_parser("manage.py", name).format_help()
    assert french != english
    # The command's own description, in each language.
    for word in ("Supprime", "Vérifie", "Rechiffre", "Interroge"):
        assert word not in english
    assert any(word in french for word in ("Supprime", "Vérifie", "Rechiffre", "Interroge"))


def test_cleanup_counts_in_both_languages(settings, tmp_path):
    settings.WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)},
    }
    with translation.override("fr"):
        assert run("passfamille_cleanup_uploads") == "0 fichier(s) supprimé(s).\n"
        assert "simulation" in run("passfamille_cleanup_uploads", "--dry-run")
    with translation.override("en"):
        assert run("passfamille_cleanup_uploads") == "0 file(s) deleted.\n"
        assert "dry run" in run("passfamille_cleanup_uploads", "--dry-run")


@pytest.mark.django_db
def test_purge_and_rotation_report_in_both_languages():
    with translation.override("en"):
        purge = run("passfamille_purge", "--dry-run")
        rotation = run("passfamille_rotate_keys", "--dry-run")
    assert purge.startswith("Dry run (nothing is deleted): 0 expired application(s) deleted")
    assert "re-encrypted" in rotation and "Dry run: nothing was rewritten." in rotation
    with translation.override("fr"):
        assert "demande(s) expirée(s)" in run("passfamille_purge", "--dry-run")
        assert "rechiffrée(s)" in run("passfamille_rotate_keys", "--dry-run")


def test_the_api_command_line_helps_in_the_projects_language(capsys, monkeypatch):
    for name in ("PASSFAMILLE_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    with translation.override("en"):
        call_command("passfamille_api", "quotient-familial", "--help", stdout=io.StringIO())
    assert "COG code of the country" in capsys.readouterr().out
    with translation.override("fr"):
        call_command("passfamille_api", "quotient-familial", "--help", stdout=io.StringIO())
    assert "code COG du pays" in capsys.readouterr().out
