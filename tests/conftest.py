import pytest


@pytest.fixture
def site(db):
    """The default Wagtail site with the demo's home page, as `make demo` seeds it."""
    from django.core.management import call_command
    from wagtail.models import Site

    call_command("seed_demo", "--no-admin", verbosity=0)
    return Site.objects.get(is_default_site=True)
