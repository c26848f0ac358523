import pytest


@pytest.fixture
def site(db):
    """The default Wagtail site with the demo's home page, as `make demo` seeds it."""
    from django.core.management import call_command
    from wagtail.models import Site

    call_command("seed_demo", "--no-admin", verbosity=0)
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def admin_client(client, site):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and budgets live in the cache: every test starts with none spent."""
    from django.conf import settings

    if not settings.configured:  # pure tests run with -p no:django too
        yield
        return
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def running_sandbox():
    """The bundled API sandbox on a free loopback port, for the whole test session."""
    from wagtail_passfamille.sandbox import start_sandbox

    with start_sandbox() as sandbox:
        yield sandbox


SANDBOX_TOKEN_NAME = "tests-demarches"


@pytest.fixture
def sandbox(running_sandbox, settings):
    """The sandbox, reset, with the démarches' credential profile "demo" pointing at it."""
    from wagtail_passfamille.sandbox import make_token
    from wagtail_passfamille.services import forget_clients

    running_sandbox.reset()
    settings.WAGTAIL_PASSFAMILLE_CREDENTIALS = {
        "demo": {
            "API_PARTICULIER": {
                "URL": running_sandbox.url,
                "TOKEN": make_token(SANDBOX_TOKEN_NAME, rate_limit=None),
            },
            "IMPOT_PARTICULIER": {
                "URL": running_sandbox.impot_url,
                "TOKEN_URL": running_sandbox.token_url,
                "CLIENT_ID": "demo",
                "CLIENT_SECRET": "demo-secret",
            },
        }
    }
    forget_clients()
    yield running_sandbox
    forget_clients()
    running_sandbox.reset()


@pytest.fixture
def private_dir(settings, tmp_path):
    """Citizens' files stored under the test's own directory (returned)."""
    settings.WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)},
    }
    return tmp_path
