"""The wheel installs into a brand-new `wagtail start` project with the apps the README lists.

Slow (a fresh virtualenv, dependencies from PyPI): CI runs it once per run, not on every database
pass, by setting PASSFAMILLE_PACKAGING_TEST=1.
"""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("PASSFAMILLE_PACKAGING_TEST") != "1",
        reason="PASSFAMILLE_PACKAGING_TEST=1 builds the wheel and installs it in a new project",
    ),
]


def run(*args, cwd=None, env=None, check=True):
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def readme_installed_apps():
    """The INSTALLED_APPS lines of the README's install section, so the README stays true."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n(INSTALLED_APPS = \[.*?\])\n```", readme, re.S)
    assert block, "the README must show the INSTALLED_APPS to add"
    return re.findall(r'"([\w.]+)"', block.group(1))


def test_wheel_installs_into_a_new_wagtail_project(tmp_path):
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT)
    (wheel,) = dist.glob("wagtail_passfamille-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "wagtail_passfamille/migrations/0001_initial.py",
        "wagtail_passfamille/locale/en/LC_MESSAGES/django.mo",
        "wagtail_passfamille/templates/",
        "wagtail_passfamille/static/",
    ):
        assert any(name.startswith(expected) for name in names), f"{expected} not in the wheel"
    assert not any(name.startswith(("tests/", "demo/", "site/")) for name in names)

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", wheel)
    run(venv / "bin" / "wagtail", "start", "townsite", cwd=tmp_path)
    project = tmp_path / "townsite"
    settings_file = project / "townsite" / "settings" / "base.py"
    base = settings_file.read_text()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "townsite.settings.dev"}
    env.pop("DATABASE_URL", None)

    # Only the package: the check names what else is needed.
    settings_file.write_text(
        base.replace("INSTALLED_APPS = [\n", 'INSTALLED_APPS = [\n    "wagtail_passfamille",\n')
    )
    result = run(python, "manage.py", "check", cwd=project, env=env, check=False)
    assert result.returncode != 0
    for app in ("wagtail.contrib.settings", "wagtail_modeladmin", "formtools", "django_tasks"):
        assert f"'{app}' is missing from INSTALLED_APPS" in result.stderr

    # Everything the README lists: migrate and check pass.
    apps = "".join(f'    "{app}",\n' for app in readme_installed_apps())
    settings_file.write_text(
        base.replace("INSTALLED_APPS = [\n", "INSTALLED_APPS = [\n" + apps)
        + '\nTASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",'
        ' "QUEUES": ["default", "passfamille"]}}\n'
    )
    run(python, "manage.py", "migrate", "--no-input", cwd=project, env=env)
    result = run(python, "manage.py", "check", "--fail-level", "ERROR", cwd=project, env=env)
    assert "wagtail_passfamille.E" not in result.stderr
