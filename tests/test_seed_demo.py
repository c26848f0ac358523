from django.core.management import call_command
from django.test import Client
from wagtail.models import Page, Site

from demo.models import HomePage
from wagtail_passfamille.models import PassFamilleSettings


def snapshot():
    return (
        list(Page.objects.order_by("path").values_list("path", "title", "live")),
        list(Site.objects.values_list("hostname", "root_page_id", "is_default_site")),
        list(PassFamilleSettings.objects.values_list("site_id", "collectivite", "siret")),
    )


def test_seeding_is_idempotent_and_serves_the_home_page(db):
    call_command("seed_demo", verbosity=0)
    first = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first
    assert HomePage.objects.count() == 1
    assert PassFamilleSettings.objects.get().siret == "21990999900019"

    response = Client().get("/")
    assert response.status_code == 200
    assert "Ville de Démoville" in response.content.decode()


def test_seeding_keeps_what_an_editor_changed(db):
    call_command("seed_demo", "--no-admin", verbosity=0)
    settings = PassFamilleSettings.objects.get()
    settings.collectivite = "Démoville-sur-Mer"
    settings.save()
    call_command("seed_demo", "--no-admin", verbosity=0)
    assert PassFamilleSettings.objects.get().collectivite == "Démoville-sur-Mer"
