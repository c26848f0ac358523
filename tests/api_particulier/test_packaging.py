"""The pure package imports without Django, and the packaged cases still match their source."""

import json
import os
import subprocess
import sys
from importlib import util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_CASES = ROOT.parent / "shared" / "reference" / "api-particulier" / "staging-cases"


def test_the_clients_and_the_sandbox_import_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys, wagtail_passfamille.api_particulier, wagtail_passfamille.sandbox; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_no_module_of_the_pure_packages_imports_django():
    for package in ("api_particulier", "sandbox"):
        for path in (ROOT / "wagtail_passfamille" / package).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "import django" not in text and "from django" not in text, path
            assert "wagtail." not in text.replace("wagtail_passfamille.", ""), path


def _build_script():
    spec = util.spec_from_file_location(
        "build_sandbox_cases", ROOT / "scripts" / "build_sandbox_cases.py"
    )
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not SHARED_CASES.is_dir(),
    reason="../shared/reference/api-particulier/staging-cases is absent: cannot compare the "
    "packaged cases with their source (the packaged copy is used as is)",
)
def test_packaged_cases_match_the_shared_staging_cases():
    script = _build_script()
    packaged = (ROOT / "wagtail_passfamille" / "sandbox" / "data" / "staging_cases.json").read_text(
        "utf-8"
    )
    assert packaged == script.render(script.build(SHARED_CASES)), (
        "run: .venv/bin/python scripts/build_sandbox_cases.py"
    )
    schemas = (
        ROOT / "tests" / "api_particulier" / "data" / "impot_particulier_schemas.json"
    ).read_text("utf-8")
    assert schemas == script.render(script.build_schemas(script.DGFIP_OPENAPI))


def test_packaged_cases_cover_every_served_folder():
    data = json.loads(
        (ROOT / "wagtail_passfamille" / "sandbox" / "data" / "staging_cases.json").read_text(
            "utf-8"
        )
    )
    counts = {folder: len(cases) for folder, cases in data["endpoints"].items()}
    assert counts == {
        "api_particulier_v3_cnav_quotient_familial_with_civility": 24,
        "api_particulier_v3_cnav_quotient_familial_with_france_connect": 12,
        "api_particulier_v2_cnav_quotient_familial_v2": 38,
        "france_connect": 9,
    }


def test_the_sandbox_data_ships_in_the_wheel():
    """pyproject.toml's package-data globs ``sandbox/data/*``: both files must sit right there."""
    data = ROOT / "wagtail_passfamille" / "sandbox" / "data"
    assert sorted(p.name for p in data.iterdir()) == [
        "impot_particulier_cases.json",
        "staging_cases.json",
    ]
