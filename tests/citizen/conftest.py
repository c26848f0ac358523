import pytest
from django.core.management import call_command

from wagtail_passfamille.models import DemarchePage


@pytest.fixture
def cantine(db, sandbox):
    """The demo canteen démarche, as `make demo` seeds it, its APIs served by the sandbox."""
    call_command("seed_demo", "--no-admin", verbosity=0)
    return DemarchePage.objects.get(slug="restauration-scolaire")
