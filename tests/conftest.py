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
