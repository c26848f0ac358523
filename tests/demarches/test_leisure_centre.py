"""The leisure-centre démarche walked by a citizen without JavaScript: a PAI document per child
only when that child's PAI is « Oui », a child outside 3–11 refused by name while the others go
on, the refusal on the recap and in the agents' view, files of group items stored like any."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.demarches.helpers import LEFEBVRE, MARTIN, Citizen
from tests.demarches.leisure_centre import (
    AGE_MESSAGE,
    create_leisure_centre,
    leisure_centre_fields,
    rules,
)
from wagtail_passfamille.models import AuditRecord, PortailFamillePage, Submission
from wagtail_passfamille.rules import Outcome

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RESPONSABLE = {
    "nom_demandeur": "Martin",
    "prenom_demandeur": "Pierre",
    "email": "pierre.martin@example.org",
    "telephone": "06 12 34 56 78",
}
ZOE = {"prenom": "Zoé", "nom": "Martin", "date_naissance": "2019-06-20", "pai": "Oui"}
LEA = {"prenom": "Léa", "nom": "Martin", "date_naissance": "2010-03-02", "pai": "Non"}  # 17
NOE = {"prenom": "Noé", "nom": "Martin", "date_naissance": "2021-12-01", "pai": "Non"}  # 5
REFUSED_LEA = f"Inscription de Léa impossible\u00a0: {AGE_MESSAGE}"


@pytest.fixture
def page(db, sandbox, private_dir):
    from django.core.management import call_command

    call_command("seed_demo", "--no-admin", verbosity=0)
    return create_leisure_centre(PortailFamillePage.objects.get())


def pdf(name):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def children(*items, weeks=("Semaine du 5 juillet",)):
    data = {
        "enfants-TOTAL_FORMS": str(len(items)),
        "enfants-INITIAL_FORMS": "0",
        "enfants-MIN_NUM_FORMS": "1",
        "enfants-MAX_NUM_FORMS": "4",
    }
    for index, item in enumerate(items):
        for key, value in {**item, "semaines": list(weeks)}.items():
            data[f"enfants-{index}-{key}"] = value
    return data


def walk(page, items, identity=MARTIN):
    citizen = Citizen(page)
    citizen.start()
    assert citizen.post("etape-1", RESPONSABLE).status_code == 302
    assert citizen.post("etape-2", identity).status_code == 302
    response = citizen.post("etape-3", children(*items))
    assert response.status_code == 302, response.content.decode()[-3000:]
    return citizen


def html(response):
    return unescape(response.content.decode())


def test_the_editors_values_save_without_a_problem(page):
    for name in ("steps", "eligibility", "tariffs"):
        field = page._meta.get_field(name)
        field.stream_block.clean(getattr(page, name))  # what the editor's form runs
    assert page.rules_errors() == {}
    assert page.children_group_name() == "enfants"
    assert page.child_first_name_field() == "prenom"


def test_a_child_outside_3_11_is_refused_by_name_and_the_others_go_on(page, private_dir):
    citizen = walk(page, [{**ZOE, "document_pai": pdf("pai-zoe.pdf")}, LEA, NOE])
    # The anonymous lookup's verdicts stay hidden; the age comes from a typed birth date.
    next_step = html(citizen.client.get(citizen.url("etape-4")))
    assert REFUSED_LEA in next_step and "Les autres enfants restent inscrits" in next_step
    assert citizen.post("etape-4", {"attestation": "on"}).status_code == 302
    recap = html(citizen.client.get(citizen.url("recapitulatif")))
    assert "Non inscrit :" in recap and REFUSED_LEA in recap
    assert "pai-zoe.pdf" in recap
    text = re.sub(r"<[^>]+>", "", recap)
    first, second = text.split("Enfant 2")[0], text.split("Enfant 2")[1].split("Enfant 3")[0]
    assert "Non inscrit" in second and "Non inscrit" not in first.split("Enfant 1")[-1]
    assert "Document PAI" in first and "Document PAI" not in second  # Léa: PAI « Non »
    assert "3,00" not in recap  # the tariff is derived from the CAF lookup: withheld
    assert citizen.post("recapitulatif", {}).status_code == 302

    submission = Submission.objects.get()
    outcome = Outcome.from_dict(submission.outcome)
    assert outcome.refused_children == (1,)
    (tariff,) = outcome.tariffs
    # QF 200 × 0,6 % = 1,20 → the 3 € minimum; Noé, now the 2nd child, 10 % off.
    assert [(c.position, c.amount) for c in tariff.children] == [
        (0, Decimal("3.00")),
        (2, Decimal("2.70")),
    ]
    (stored,) = submission.files.all()
    assert stored.field_name == "enfants.0.document_pai"
    assert submission.answers["enfants"][0]["document_pai"]["nom"] == "pai-zoe.pdf"
    assert "document_pai" not in submission.answers["enfants"][1]
    assert not (private_dir / stored.storage_name).read_bytes().startswith(b"%PDF")


def test_no_pai_document_is_kept_for_a_child_whose_pai_is_non(page, private_dir):
    citizen = walk(
        page,
        [{**ZOE, "document_pai": pdf("pai-zoe.pdf")}, {**NOE, "document_pai": pdf("sent.pdf")}],
    )
    stored = list((private_dir / "wizard").glob("*"))
    assert len(stored) == 1  # Noé's file was posted, never stored
    citizen.post("etape-4", {"attestation": "on"})
    citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    assert [f.field_name for f in submission.files.all()] == ["enfants.0.document_pai"]


def test_the_pai_document_is_required_only_for_the_child_with_a_pai(page):
    citizen = Citizen(page)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", LEFEBVRE)
    response = citizen.post("etape-3", children(NOE, ZOE))
    assert response.status_code == 200
    text = html(response)
    assert "enfants-1-document_pai-error" in text and "enfants-0-document_pai-error" not in text
    # The browser hides it per item: the condition reads the item's own « pai ».
    assert '"variable": "pai"' in text


def test_removing_a_child_moves_the_next_childs_document_with_their_answers(page, private_dir):
    citizen = walk(
        page,
        [
            {**ZOE, "pai": "Oui", "document_pai": pdf("pai-zoe.pdf")},
            {**NOE, "pai": "Oui", "document_pai": pdf("pai-noe.pdf")},
        ],
        identity=LEFEBVRE,
    )
    step = citizen.client.get(citizen.url("etape-3"))
    data = {**children(ZOE, {**NOE, "pai": "Oui"}), "passfamille_remove": "enfants-0"}
    prefixed = citizen.data("etape-3", {k: v for k, v in data.items() if k != "passfamille_remove"})
    response = citizen.client.post(
        citizen.url("etape-3"), {**prefixed, "passfamille_remove": "enfants-0"}
    )
    assert step.status_code == 200 and response.status_code == 200
    text = html(response)
    assert "Fichier joint : pai-noe.pdf" in text and "pai-zoe.pdf" not in text
    assert len(list((private_dir / "wizard").glob("*"))) == 1  # Zoé's copy deleted


def test_agents_open_each_childs_document_and_the_refusal_is_shown(page, client):
    from tests.backoffice.conftest import make_user
    from tests.backoffice.test_second_factor import verified_login

    citizen = walk(page, [{**ZOE, "document_pai": pdf("pai-zoe.pdf")}, LEA])
    citizen.post("etape-4", {"attestation": "on"})
    citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    (stored,) = submission.files.all()

    verified_login(client, make_user("agent", page=page))
    detail = html(client.get(f"/admin/passfamille/demandes/inspect/{submission.pk}/"))
    url = f"/admin/passfamille/fichiers/{stored.pk}/"
    enfant_1 = detail.split("Enfant 1")[1].split("Enfant 2")[0]
    assert url in enfant_1 and "pai-zoe.pdf" in enfant_1
    assert "Document PAI" not in detail.split("Enfant 2")[1]
    assert "Autres éléments" not in detail
    assert "Enfant non inscrit :" in detail and REFUSED_LEA in detail
    response = client.get(url)
    assert b"".join(response.streaming_content) == PDF
    trace = AuditRecord.objects.get(action="download")
    assert trace.detail["field"] == "enfants.0.document_pai"


def test_a_per_child_gate_on_certified_data_is_not_shown_to_an_anonymous_citizen(page):
    gate = page.eligibility[0].value
    gate["condition"] = (
        page.eligibility.stream_block.child_blocks["condition"]
        .child_blocks["condition"]
        .to_python(
            rules(
                ("demarche.age_enfant", "greater_or_equal", "3", "all"),
                ("caf.quotient_familial", "greater_than", "1000", "any"),  # MARTIN: 200
            )
        )
    )
    page.save_revision().publish()
    citizen = walk(page, [NOE, {**ZOE, "pai": "Non"}])  # every child refused, on certified data
    next_step = html(citizen.client.get(citizen.url("etape-4")))
    assert "Inscription de" not in next_step and "ne peut pas aboutir" not in next_step
    citizen.post("etape-4", {"attestation": "on"})
    recap = html(citizen.client.get(citizen.url("recapitulatif")))
    assert "Inscription de" not in recap and "Non inscrit" not in recap
    assert citizen.post("recapitulatif", {}).status_code == 302  # the agents decide
    outcome = Outcome.from_dict(Submission.objects.get().outcome)
    assert outcome.refused_children == (0, 1) and not outcome.can_submit


def test_every_child_refused_on_typed_birth_dates_stops_even_an_anonymous_citizen(page):
    citizen = Citizen(page)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", MARTIN)
    response = citizen.post("etape-3", children(LEA))
    assert response.status_code == 200
    assert "Votre demande ne peut pas aboutir" in html(response) and REFUSED_LEA in html(response)
    assert citizen.client.get(citizen.url("recapitulatif")).status_code == 302  # not reachable
    assert not Submission.objects.exists()


def test_the_fields_are_the_editors_page_fields():
    fields = leisure_centre_fields()
    assert len(fields["steps"]) == 4
    assert fields["eligibility"][0]["value"]["applies_to"] == "enfant"


def test_the_export_names_each_childs_document(page, client):
    import csv
    import io

    from django.contrib.auth import get_user_model

    from wagtail_passfamille.backoffice import exports

    citizen = walk(page, [{**ZOE, "document_pai": pdf("pai-zoe.pdf")}, NOE])
    citizen.post("etape-4", {"attestation": "on"})
    citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    client.force_login(get_user_model().objects.create_superuser("chef", "c@example.org", "x"))
    keys = [c.key for c in exports.available_columns([page], Submission.objects)]
    response = client.post(
        "/admin/passfamille/demandes/export/", {"columns": keys, "format": "csv"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig")), delimiter=";"))
    children_cell = rows[1][rows[0].index("Enfants à inscrire (enfants)")]
    assert children_cell.startswith("Zoé, Martin, 20 juin 2019, Oui, pai-zoe.pdf")
    assert "| Noé, Martin, 1 décembre 2021, Non, Semaine" in children_cell
    assert submission.reference == rows[1][0]


def test_the_refusal_reads_the_same_with_the_dsfr_theme(page, settings):
    from tests.test_theme_dsfr import dsfr_theme

    dsfr_theme.__wrapped__(settings)
    citizen = walk(page, [ZOE_WITHOUT_PAI, LEA])
    next_step = html(citizen.client.get(citizen.url("etape-4")))
    assert "fr-alert fr-alert--warning" in next_step and REFUSED_LEA in next_step
    citizen.post("etape-4", {"attestation": "on"})
    recap = html(citizen.client.get(citizen.url("recapitulatif")))
    assert "Non inscrit :" in recap and REFUSED_LEA in recap


ZOE_WITHOUT_PAI = {**ZOE, "pai": "Non"}
