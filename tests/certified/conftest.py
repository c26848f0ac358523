import pytest
from django.core.management import call_command

from wagtail_passfamille.models import DemarchePage


@pytest.fixture
def seeded(db, sandbox):
    call_command("seed_demo", "--no-admin", verbosity=0)


@pytest.fixture
def cantine(seeded):
    return DemarchePage.objects.get(slug="restauration-scolaire")


@pytest.fixture
def pass_famille(seeded):
    return DemarchePage.objects.get(slug="pass-famille-2027")
