"""« Nouvelle démarche depuis un modèle »: each model creates a draft démarche (a revision, not
published) through Wagtail's « Ajouter une sous-page » flow; each passes the page's checks."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from wagtail_passfamille.blocks.step_checks import check_steps
from wagtail_passfamille.editor import starters
from wagtail_passfamille.editor.starter_views import build_page, check_page
from wagtail_passfamille.models import DemarchePage

ADD_URL = "/admin/pages/add/wagtail_passfamille/demarchepage/{}/"


@pytest.mark.parametrize("key", list(starters.STARTERS))
def test_each_model_passes_the_page_validation_and_the_reachability_check(portal, key):
    page = build_page(starters.get(key), portal)
    assert check_steps(list(page.steps)) == []
    check_page(page)  # StreamField blocks (reachability included) and the page's clean()
    assert page.tariffs, "a grid to adapt"


def test_add_child_page_shows_the_models_first_then_the_blank_form(superuser_client, portal):
    response = superuser_client.get(ADD_URL.format(portal.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nouvelle démarche depuis un modèle" in html
    for starter in starters.STARTERS.values():
        assert str(starter.label) in html
        assert reverse("wagtail_passfamille_starter_create", args=(portal.pk, starter.key)) in html
    blank = superuser_client.get(ADD_URL.format(portal.pk) + "?vierge=1")
    assert blank.status_code == 200
    assert "Créer le brouillon" not in blank.content.decode()
    assert 'name="reference_prefix"' in blank.content.decode()  # Wagtail's create form


def test_the_portal_header_offers_the_models(superuser_client, portal):
    html = superuser_client.get(f"/admin/pages/{portal.pk}/").content.decode()
    assert reverse("wagtail_passfamille_starters", args=(portal.pk,)) in html


@pytest.mark.parametrize("key", list(starters.STARTERS))
def test_a_model_creates_a_draft_revision_never_published(superuser_client, portal, key):
    before = set(DemarchePage.objects.values_list("pk", flat=True))
    url = reverse("wagtail_passfamille_starter_create", args=(portal.pk, key))
    assert superuser_client.get(url).status_code == 302  # only a POST creates
    assert set(DemarchePage.objects.values_list("pk", flat=True)) == before
    response = superuser_client.post(url)
    (new_pk,) = set(DemarchePage.objects.values_list("pk", flat=True)) - before
    page = DemarchePage.objects.get(pk=new_pk)
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=(page.pk,))
    assert not page.live and page.has_unpublished_changes and page.live_revision is None
    assert page.get_parent().pk == portal.pk
    assert page.revisions.count() == 1 and page.latest_revision.user.username == "root"
    assert PageLogEntry.objects.filter(page=page, action="wagtail.create").exists()
    assert page.steps and page.tariffs
    # The edit view opens on it and the editor's own form accepts it as it is.
    assert superuser_client.get(response["Location"]).status_code == 200


def test_models_take_a_free_prefix_and_slug(superuser_client, portal):
    # The demo already has CANT (the canteen) and its slug « restauration-scolaire… » may differ.
    url = reverse("wagtail_passfamille_starter_create", args=(portal.pk, "restauration-scolaire"))
    superuser_client.post(url)
    superuser_client.post(url)
    prefixes = list(DemarchePage.objects.values_list("reference_prefix", flat=True))
    assert len(prefixes) == len(set(prefixes)), prefixes
    slugs = list(DemarchePage.objects.child_of(portal).values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))


def test_leisure_centre_model_is_the_one_of_the_issue(portal):
    page = build_page(starters.get("accueil-de-loisirs"), portal)
    assert page.title == "Inscription à l'accueil de loisirs — été 2027"
    assert len(page.step_blocks) == 4
    (grid,) = [child.value.as_grid() for child in page.tariffs]
    assert grid.variable == "caf.quotient_familial"
    effort = grid.effort
    assert (effort.rate_percent, effort.minimum, effort.maximum) == (Decimal("0.6"), 3, 18)
    assert effort.price(Decimal(1200)) == Decimal("7.20") and effort.price(200) == 3
    assert grid.child_reductions.percent_for(2) == 10


def test_a_user_who_cannot_add_under_the_portal_is_refused(client, portal, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    url = reverse("wagtail_passfamille_starter_create", args=(portal.pk, "pass-famille"))
    count = DemarchePage.objects.count()
    assert client.post(url).status_code in (302, 403)
    assert DemarchePage.objects.count() == count


def test_an_unknown_model_or_parent_is_refused_without_error(superuser_client, portal, cantine):
    url = reverse("wagtail_passfamille_starter_create", args=(portal.pk, "inconnu"))
    count = DemarchePage.objects.count()
    assert superuser_client.post(url).status_code == 404
    url = reverse("wagtail_passfamille_starter_create", args=(cantine.pk, "pass-famille"))
    assert superuser_client.post(url).status_code in (302, 403)  # Wagtail's permission denied
    assert DemarchePage.objects.count() == count
    assert (
        superuser_client.get(reverse("wagtail_passfamille_starters", args=(99999,))).status_code
        == 404
    )
