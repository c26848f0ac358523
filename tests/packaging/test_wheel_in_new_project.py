"""The wheel installs into a brand-new `wagtail start` project with the apps the README lists.

Slow (a fresh virtualenv, dependencies from PyPI): CI runs it once per run, not on every database
pass, by setting PASSFAMILLE_PACKAGING_TEST=1.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
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


def readme_block(starting_with, containing=""):
    """The README's ```python block starting with ``starting_with`` and holding ``containing``."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)\n```", readme, re.S)
    found = [b for b in blocks if b.startswith(starting_with) and containing in b]
    assert len(found) == 1, f"the README must show one block starting with {starting_with!r}"
    return found[0]


def follow_the_readme(project, sandbox_port):
    """Apply the README's install section to a `wagtail start` project, literally (the
    sandbox's port aside: the test's own free port)."""
    settings_file = project / "townsite" / "settings" / "base.py"
    base = settings_file.read_text()
    apps = "".join(f'    "{app}",\n' for app in readme_installed_apps())
    base = base.replace("INSTALLED_APPS = [\n", "INSTALLED_APPS = [\n" + apps)
    middleware = re.findall(r'"([\w.]+)"', readme_block("MIDDLEWARE = [", "UploadLimit"))
    ours = [m for m in middleware if m.startswith(("wagtail_passfamille", "django_otp"))]
    upload, after_messages = ours[0], ours[1:]
    assert upload.endswith("UploadLimitMiddleware")
    csrf = '    "django.middleware.csrf.CsrfViewMiddleware",\n'
    messages = '    "django.contrib.messages.middleware.MessageMiddleware",\n'
    base = base.replace(csrf, f'    "{upload}",\n' + csrf)
    base = base.replace(messages, messages + "".join(f'    "{m}",\n' for m in after_messages))
    last = [m for m in middleware if m.startswith("axes")]  # "# last", says the README
    redirects = '    "wagtail.contrib.redirects.middleware.RedirectMiddleware",\n'
    base = base.replace(redirects, redirects + "".join(f'    "{m}",\n' for m in last))
    # The security headers: their middlewares right after SecurityMiddleware, then the policy.
    headers_block = readme_block("MIDDLEWARE = [", "ContentSecurityPolicyMiddleware")
    headers = re.findall(r'"(wagtail_passfamille[\w.]+)"', headers_block)
    security = '    "django.middleware.security.SecurityMiddleware",\n'
    base = base.replace(security, security + "".join(f'    "{m}",\n' for m in headers))
    base += "\n" + headers_block[headers_block.index("\n]\n") + 3 :] + "\n"
    base = "import os\nfrom datetime import timedelta\n" + base + "\n"
    base += readme_block("AUTHENTICATION_BACKENDS = [") + "\n"
    base += readme_block("# Citizens read") + "\n"
    base += readme_block('DATABASES["default"]["OPTIONS"]') + "\n"
    credentials = readme_block("# Before the habilitation")
    assert "http://127.0.0.1:8765" in credentials
    base += credentials.replace(":8765", f":{sandbox_port}") + "\n"
    settings_file.write_text(base)

    urls_file = project / "townsite" / "urls.py"
    urls = urls_file.read_text()
    (line,) = [
        line
        for line in readme_block("urlpatterns = [").splitlines()
        if "wagtail_passfamille" in line
    ]
    documents = '    path("documents/", include(wagtaildocs_urls)),\n'
    assert documents in urls
    urls_file.write_text(urls.replace(documents, documents + line + "\n"))
    assert urls_file.read_text().count('path("", include(wagtail_urls))') == 1


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

    # The sdist: the docs the command line and the README point to, no test it cannot run.
    run(sys.executable, "-m", "build", "--sdist", "--outdir", dist, ROOT)
    (sdist,) = dist.glob("wagtail_passfamille-*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for expected in ("docs/api-clients.md", "CHANGELOG.md", "SECURITY.md", "mkdocs.yml",
                     "scripts/mkdocs_hooks.py", "wagtail_passfamille/py.typed"):  # fmt: skip
        assert expected in members, f"{expected} not in the sdist"
    assert not any(name.startswith(("tests/", "site/", "benchmarks/")) for name in members)

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
    named = ("wagtail.contrib.settings", "wagtail.contrib.routable_page", "wagtail_modeladmin",
             "formtools", "django_tasks", "django_otp", "django_otp.plugins.otp_totp")  # fmt: skip
    for app in named:
        assert f"'{app}' is missing from INSTALLED_APPS" in result.stderr

    # Everything the README's install section says: migrate, then no message of ours at all.
    settings_file.write_text(base)
    sandbox_port = free_port()
    follow_the_readme(project, sandbox_port)
    env["PASSFAMILLE_ENCRYPTION_KEYS"] = "rDf3vVh5I1HdDhdUzg0hOUqT1dFDvwR2pq8yWnJTw7U="
    run(python, "manage.py", "migrate", "--no-input", cwd=project, env=env)
    result = run(python, "manage.py", "check", cwd=project, env=env)
    assert "wagtail_passfamille" not in result.stderr + result.stdout
    assert "axes.W001" not in result.stderr + result.stdout  # the README's handler fits any cache

    # On SQLite, with the worker running: 20 publishes succeed (issue 16), then the town's
    # first démarche from a model, completed by a citizen against the sandbox over HTTP.
    worker = subprocess.Popen(
        [python, "manage.py", "db_worker", "--queue-name", "default,passfamille",
         "--no-startup-delay", "--no-reload"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    sandbox = subprocess.Popen(
        [python, "-m", "wagtail_passfamille.sandbox", "--port", str(sandbox_port)],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # Copies beside manage.py: run from tests/, its "packaging" folder would shadow the
        # library of that name.
        for name in ("sqlite_publisher.py", "packaging/first_demarche.py"):
            (project / Path(name).name).write_text((ROOT / "tests" / name).read_text())
        publisher = run(python, project / "sqlite_publisher.py", "20", cwd=project, env=env)
        wait_for(f"http://127.0.0.1:{sandbox_port}/")
        first = run(python, project / "first_demarche.py", cwd=project, env=env)
    finally:
        sandbox.terminate()
        worker.terminate()
        _out, worker_log = worker.communicate(timeout=30)
        sandbox.wait(timeout=30)
    outcome = json.loads(publisher.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == [] and outcome["failed_tasks"] == 0, outcome
    assert "database is locked" not in worker_log

    citizen = json.loads(first.stdout.strip().splitlines()[-1])
    assert citizen["caf"] == "verifie", citizen  # LEFEBVRE's quotient familial, certified
    assert "Tranche F" in citizen["tariff"], citizen  # QF 2550: the top bracket
    assert citizen["acknowledged"], citizen  # the worker sent the acknowledgement
    assert citizen["reference"].startswith("CANT-"), citizen


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
