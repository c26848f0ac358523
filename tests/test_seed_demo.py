import pytest
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


def names(stream):
    """Every input's machine name (groups' sub-fields included), gates' and grids' names."""
    from wagtail_passfamille.blocks.schema import all_inputs

    if stream and stream[0].block_type == "step":
        return {item.name for _index, _step, item in all_inputs(stream)}
    return {child.value["name"] for child in stream}


@pytest.mark.parametrize(
    "slug, key",
    [("restauration-scolaire", "restauration-scolaire"), ("pass-famille-2027", "pass-famille")],
)
def test_the_demo_demarches_are_their_models_plus_the_demo_s_own(db, slug, key):
    """Built from the models: whatever a model has (fields, gates, grids), the demo has too."""
    from wagtail_passfamille.editor import starters
    from wagtail_passfamille.models import DemarchePage

    call_command("seed_demo", "--no-admin", verbosity=0)
    demo = DemarchePage.objects.get(slug=slug)
    model = DemarchePage(**starters.get(key).fields())
    for stream in ("steps", "eligibility", "tariffs"):
        assert names(getattr(model, stream)) <= names(getattr(demo, stream)), stream
    assert demo.reference_prefix == model.reference_prefix


def test_the_demo_stores_the_children_group_as_the_editor_s_save_does(db):
    """The recap's « Nous vérifierons le rattachement des enfants » reads the stored name."""
    from wagtail_passfamille.blocks.schema import all_inputs
    from wagtail_passfamille.models import DemarchePage

    call_command("seed_demo", "--no-admin", verbosity=0)
    demo = DemarchePage.objects.get(slug="restauration-scolaire")
    (caf,) = [i for _x, _s, i in all_inputs(demo.steps) if i.block_type == "donnees_caf"]
    assert caf.value.children_group == "enfants"
    assert caf.value["child_first_name_field"] == "prenom"
    assert caf.value["child_birth_date_field"] == "date_naissance"
