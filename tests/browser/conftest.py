"""A real browser: Playwright's sync API driving Debian's Chromium against Django's live server.

Never ``playwright install``: the Python package ships its driver, the browser is the system one
(``apt-get install chromium``, see ../shared/TESTING.md). Where Chromium or Playwright is missing
the browser tests skip, loudly; with ``PASSFAMILLE_REQUIRE_BROWSER=1`` (set by ``.ci/run`` after
installing Chromium) they fail instead.

Playwright's sync API runs an asyncio loop in the test's thread, so Django would refuse ORM calls
made there meanwhile (checking the submission, sending the acknowledgement) as "async-unsafe":
``DJANGO_ALLOW_ASYNC_UNSAFE`` is set while the browser is up, and only then. The browser starts
after the database is ready and stops before it is flushed: while the loop runs, Django hands out
other connection objects (asgiref's Local), which would lose the serialized rollback's data.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PASSFAMILLE_CHROMIUM", "/usr/bin/chromium")
#: The password of the accounts the browser tests log in to Wagtail's admin with.
ADMIN_PASSWORD = "un mot de passe long"
# ../shared/TESTING.md: --no-sandbox because tests run as root; the networking flags stop Chromium
# from calling home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-extensions",
]

_skipped: list[str] = []


def browser_unavailable(reason: str):
    """Skip loudly, or fail when the environment says a browser must be there."""
    if os.environ.get("PASSFAMILLE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PASSFAMILLE_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    message = (
        f"BROWSER TESTS SKIPPED: {reason}. Install Debian's chromium (apt-get install chromium; "
        "never `playwright install`) or set PASSFAMILLE_REQUIRE_BROWSER=1 to make this a failure."
    )
    if message not in _skipped:
        _skipped.append(message)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter):
    for message in _skipped:
        terminalreporter.write_sep("!", "browser tests skipped", red=True, bold=True)
        terminalreporter.write_line(message, red=True, bold=True)


@pytest.fixture(scope="session")
def browser_available():
    """Playwright importable and a Chromium executable: checked before the database is set up."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        browser_unavailable(f"the playwright package cannot be imported ({error})")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        browser_unavailable(f"no Chromium executable at {CHROMIUM}")


@pytest.fixture
def chromium(browser_available):
    """Headless Chromium for one test; async-unsafe ORM calls allowed meanwhile."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        try:
            playwright = sync_playwright().start()
        except Exception as error:  # the driver shipped with the package does not run
            browser_unavailable(f"Playwright's driver does not start ({error})")
        try:
            try:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
            except PlaywrightError as error:
                browser_unavailable(f"Chromium at {CHROMIUM} does not start ({error})")
            try:
                yield browser
            finally:
                browser.close()
        finally:
            playwright.stop()


@pytest.fixture
def screenshots(request, tmp_path_factory):
    """Where this test's screenshots go: $PASSFAMILLE_SCREENSHOTS/<test> or a pytest tmp dir."""
    root = os.environ.get("PASSFAMILLE_SCREENSHOTS")
    name = request.node.name
    folder = Path(root) / name if root else tmp_path_factory.mktemp(name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def enqueued_tasks():
    """Tasks enqueued by any thread (the dummy backend keeps its results per thread)."""
    from django_tasks.signals import task_enqueued

    results = []

    def record(sender, task_result, **kwargs):
        results.append(task_result)

    task_enqueued.connect(record, weak=False)
    yield results
    task_enqueued.disconnect(record)


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback, live_server, sandbox, settings, tmp_path):
    """The demo site seeded and committed (the live server reads it from another thread), its
    certified data served by the API sandbox (tests/conftest.py), on loopback.

    A transactional test empties the tables afterwards, Wagtail's root page included (made by a
    migration): the serialized rollback puts it back for the next test.
    """
    from django.core.management import call_command

    from wagtail_passfamille.models import DemarchePage

    settings.WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")},
    }
    call_command("seed_demo", "--no-admin", verbosity=0)
    return DemarchePage.objects.get(slug="restauration-scolaire")


def new_page(chromium, live_server, *, javascript=True):
    context = chromium.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1024, "height": 900},
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def admin_login(page, username, password=ADMIN_PASSWORD):
    """Log in through Wagtail's admin login form, as a person types it."""
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.fixture
def editor(browser_available, demo, chromium, live_server):
    """A page logged in to Wagtail's admin as a superuser (« editrice »), in a wide window."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("editrice", "editrice@example.org", ADMIN_PASSWORD)
    context, page = new_page(chromium, live_server)
    page.set_viewport_size({"width": 1300, "height": 1000})
    admin_login(page, "editrice")
    yield page
    context.close()


# ``demo`` before ``chromium``: the database is set up before the browser starts and flushed
# after it stops.
@pytest.fixture
def citizen_page(browser_available, demo, chromium, live_server):
    context, page = new_page(chromium, live_server)
    yield page
    context.close()


@pytest.fixture
def citizen_page_without_js(browser_available, demo, chromium, live_server):
    context, page = new_page(chromium, live_server, javascript=False)
    yield page
    context.close()
