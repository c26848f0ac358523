import pytest
from django.core.management import call_command

from wagtail_passfamille.models import DemarchePage, PortailFamillePage


@pytest.fixture
def portal(db):
    call_command("seed_demo", "--no-admin", verbosity=0)
    return PortailFamillePage.objects.get()


@pytest.fixture
def cantine(portal):
    return DemarchePage.objects.get(slug="restauration-scolaire")


@pytest.fixture
def superuser_client(client, portal):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


def publish(portal, slug, steps, **extra):
    page = DemarchePage(
        title=f"Démarche {slug}", slug=slug, reference_prefix="TEST", steps=steps, **extra
    )
    portal.add_child(instance=page)
    page.save_revision().publish()
    return DemarchePage.objects.get(pk=page.pk)
