"""User-facing text is French through gettext, with a complete English translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wagtail_passfamille"
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_message_has_an_english_translation():
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    assert missing == []
    assert [e.msgid for e in po if "fuzzy" in e.flags] == []


def test_the_compiled_catalogue_matches_the_po_file():
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.pofile(str(PO))}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(MO))}
    po.pop((None, ""), None)
    mo.pop((None, ""), None)
    assert mo == po, "run `make messages` to recompile django.mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is absent")
def test_the_catalogue_holds_every_message_of_the_code(tmp_path):
    copy = tmp_path / "wagtail_passfamille"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale=en",
            "--no-obsolete",
            "--settings=demo.settings.test",
            f"--pythonpath={root / 'site'}",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / PO.relative_to(PACKAGE)))}
    current = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert fresh - current == set(), "new messages: run `make messages` and translate them"
    assert current - fresh == set(), "stale messages: run `make messages`"
