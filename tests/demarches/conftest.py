import pytest
from django.core.management import call_command

from wagtail_passfamille.citizen.forms import StepForm
from wagtail_passfamille.models import DemarchePage


@pytest.fixture
def cantine(db, sandbox):
    """The demo canteen démarche, as `make demo` seeds it, its APIs served by the sandbox."""
    call_command("seed_demo", "--no-admin", verbosity=0)
    return DemarchePage.objects.get(slug="restauration-scolaire")


@pytest.fixture
def validations(monkeypatch):
    """The step prefixes whose forms were validated, in order."""
    seen = []
    original = StepForm.full_clean

    def full_clean(self):
        seen.append(self.prefix)
        return original(self)

    monkeypatch.setattr(StepForm, "full_clean", full_clean)
    return seen
