"""The fiche habilitation: what the town types into DataPass, derived from the démarche."""

import pytest
from wagtail.models import Site

from wagtail_passfamille.editor.habilitation import fiche
from wagtail_passfamille.models import AuditRecord, DemarchePage, PortailFamillePage

from .conftest import make_user
from .helpers import fiche_url, tick


def api_scopes(data):
    return {api["name"]: [row["name"] for row in api["scopes"]] for api in data["apis"]}


def test_the_canteen_asks_for_the_quotient_and_the_children_only(cantine):
    data = fiche(cantine, Site.objects.get(is_default_site=True))
    assert data["scopes"] == {"cnaf_quotient_familial", "cnaf_enfants"}
    assert api_scopes(data) == {"API Particulier": ["cnaf_enfants", "cnaf_quotient_familial"]}
    assert data["siret"] == "21990999900019" and data["siret_valid"]
    assert data["profile"] == "demo"
    assert data["canteen"]


def test_ticking_the_address_adds_cnaf_adresse(cantine):
    tick(cantine, "donnees_caf", ["quotient_familial", "enfants", "adresse"])
    data = fiche(cantine, Site.objects.get(is_default_site=True))
    assert data["scopes"] == {"cnaf_quotient_familial", "cnaf_enfants", "cnaf_adresse"}


def test_the_dgfip_block_asks_for_its_fields_and_the_income_years(pass_famille):
    data = fiche(pass_famille, Site.objects.get(is_default_site=True))
    assert data["scopes"] == pass_famille.certified_scopes()
    assert api_scopes(data) == {
        "API Impôt particulier": ["dgfip_aft", "dgfip_nbpart", "dgfip_pac_nbPac", "dgfip_rfr"]
    }
    (impot,) = data["apis"]
    # "Dernier avis disponible": N-1 once published, else N-2.
    assert [name for name, _label in impot["years"]] == [
        "dgfip_annee_n_moins_1",
        "dgfip_annee_n_moins_2_si_indispo_n_moins_1",
    ]
    assert not data["canteen"]


def test_a_demarche_without_certified_blocks_asks_for_nothing(seeded):
    portal = PortailFamillePage.objects.get()
    page = DemarchePage(title="Garderie", slug="garderie", steps=[])
    portal.add_child(instance=page)
    data = fiche(page, Site.objects.get(is_default_site=True))
    assert data["scopes"] == set() and data["apis"] == []


def test_the_page_shows_scopes_siret_contacts_and_prints(superuser_client, cantine):
    response = superuser_client.get(fiche_url(cantine))
    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        "cnaf_quotient_familial",
        "Quotient familial CAF &amp; MSA",
        "cnaf_enfants",
        "Identités enfants",
        "21990999900019",
        "Ville de Démoville",
        "dpo@demoville.example",
        "informatique@demoville.example",
        "demo",
        "L114-8",
        "R531-52",
        "12 mois",
        "Imprimer",
        "window.print()",
        "@media print",
    ):
        assert expected in html, expected
    assert "cnaf_adresse" not in html
    assert "cnaf_allocataires" not in html
    assert "no-store" in response["Cache-Control"]  # Wagtail's admin views are never cached


def test_the_page_describes_the_latest_draft(superuser_client, cantine):
    tick(cantine, "donnees_caf", ["quotient_familial", "enfants", "adresse"])
    cantine.save_revision()
    html = superuser_client.get(fiche_url(cantine)).content.decode()
    assert "cnaf_adresse" in html
    assert "modifications non publiées" in html


def test_retention_beyond_36_months_shows_its_justification(superuser_client, cantine):
    cantine.retention_months = 48
    cantine.retention_justification = "Tarif appliqué sur quatre années scolaires."
    cantine.save_revision().publish()
    html = superuser_client.get(fiche_url(cantine)).content.decode()
    assert "48 mois" in html and "Tarif appliqué sur quatre années scolaires." in html


def test_one_audit_record_per_view(client, cantine):
    editor = make_user("redactrice", page_editor=True)
    client.force_login(editor)
    assert client.get(fiche_url(cantine)).status_code == 200
    (record,) = AuditRecord.objects.exclude(action=AuditRecord.Action.LOGIN)
    assert record.action == AuditRecord.Action.FICHE
    assert record.page_id == cantine.pk
    assert record.user == editor and record.username == "redactrice"


def test_an_instructor_without_page_rights_is_refused(client, cantine):
    client.force_login(make_user("agent", instructs=cantine))
    response = client.get(fiche_url(cantine))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"  # Wagtail's "permission denied"
    assert not AuditRecord.objects.filter(action=AuditRecord.Action.FICHE).exists()


def test_anonymous_users_go_to_the_login_page(client, cantine):
    response = client.get(fiche_url(cantine))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not AuditRecord.objects.filter(action=AuditRecord.Action.FICHE).exists()


@pytest.mark.parametrize("other", ["portal", "missing"])
def test_only_demarches_have_a_fiche(superuser_client, other):
    pk = PortailFamillePage.objects.get().pk if other == "portal" else 999999
    response = superuser_client.get(f"/admin/passfamille/demarches/{pk}/fiche-habilitation/")
    assert response.status_code == 404


def test_buttons_in_the_page_header_and_the_listing(superuser_client, cantine, pass_famille):
    edit = superuser_client.get(f"/admin/pages/{cantine.pk}/edit/").content.decode()
    assert fiche_url(cantine) in edit
    portal = PortailFamillePage.objects.get()
    listing = superuser_client.get(f"/admin/pages/{portal.pk}/").content.decode()
    assert fiche_url(cantine) in listing and fiche_url(pass_famille) in listing
    assert f"/passfamille/demarches/{portal.pk}/fiche-habilitation/" not in listing


def test_no_button_for_a_user_who_cannot_edit(cantine):
    from wagtail_passfamille.editor.habilitation_views import fiche_button

    agent = make_user("agent", instructs=cantine)
    assert list(fiche_button(cantine, agent, priority=1)) == []
    editor = make_user("redacteur", page_editor=True)
    (button,) = fiche_button(cantine, editor, priority=1)
    assert button.url == fiche_url(cantine)
