"""What the final submit (the recap's POST) costs, counted: steps validated, SQL statements,
rules contexts built; and the guarantees it keeps while doing less."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_passfamille.blocks.rules import GateValue, GridValue
from wagtail_passfamille.citizen import final_forms
from wagtail_passfamille.editor.starters.raw import field
from wagtail_passfamille.models import DemarchePage, ReferenceCounter, Submission, outcomes

from .helpers import ENFANT_LEA, FREQUENTATION, LEFEBVRE, RESPONSABLE, Citizen, enfants

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUBMISSION_TABLE = Submission._meta.db_table
COUNTER_TABLE = ReferenceCounter._meta.db_table


@pytest.fixture
def contexts(monkeypatch):
    """The rules contexts built (for conditions and outcomes), counted."""
    built = []
    original = outcomes.build_context

    def build_context(*args, **kwargs):
        built.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(outcomes, "build_context", build_context)
    return built


def at_recap(page, *, pai_file=None):
    citizen = Citizen(page)
    citizen.start()
    frequentation = dict(FREQUENTATION)
    if pai_file is not None:
        frequentation.update({"allergie": "on", "precision_allergie": "Gluten"})
    for slug, values in (
        ("etape-1", RESPONSABLE),
        ("etape-2", enfants(ENFANT_LEA)),
        ("etape-3", LEFEBVRE),
        ("etape-4", frequentation),
        *((("etape-5", {"certificat_medical": pai_file}),) if pai_file is not None else ()),
        ("etape-6", {"attestation": "on"}),
    ):
        assert citizen.post(slug, values).status_code == 302
    assert citizen.client.get(citizen.url("recapitulatif")).status_code == 200
    return citizen


def submit(citizen):
    response = citizen.post("recapitulatif", {})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{citizen.instance}/confirmation/")
    return Submission.objects.get(instance_key=f"{citizen.page.pk}:{citizen.instance}")


def test_only_the_steps_their_answers_cannot_stand_for_are_validated_again(cantine, validations):
    citizen = at_recap(cantine)
    validations.clear()
    submit(citizen)
    # Steps 1, 2, 4 and 6 were validated under the live revision with what is stored now:
    # their answers stand. Step 3 holds certified data (its validation reads this request's
    # FranceConnect state): validated again, once.
    assert validations == [citizen.prefix("etape-3")]


def test_a_step_with_a_file_is_validated_again_and_its_file_stored(
    cantine, validations, private_dir
):
    upload = SimpleUploadedFile("certificat.pdf", MINIMAL_PDF, "application/pdf")
    citizen = at_recap(cantine, pai_file=upload)
    validations.clear()
    submission = submit(citizen)
    assert sorted(validations) == sorted([citizen.prefix("etape-3"), citizen.prefix("etape-5")])
    (stored,) = submission.files.all()
    assert stored.field_name == "certificat_medical" and stored.original_name == "certificat.pdf"
    assert submission.answers["certificat_medical"] == {
        "nom": "certificat.pdf",
        "taille": len(MINIMAL_PDF),
    }


def test_the_submission_is_the_one_a_full_validation_gives(cantine, monkeypatch):
    kept = submit(at_recap(cantine))
    monkeypatch.setattr(final_forms, "answers_of_this_request", lambda *args: None)
    validated = submit(at_recap(cantine))
    for name in (
        "answers",
        "form_snapshot",
        "contact_email",
        "applicant",
        "verification",
        "outcome",
        "decision",
        "tariff",
    ):
        assert getattr(kept, name) == getattr(validated, name), name
    assert kept.tariff  # the outcome was computed and stored
    assert without_times(kept.certified) == without_times(validated.certified)


def without_times(value):
    """A certified record without its fetch times (two lookups, two times)."""
    if isinstance(value, dict):
        return {
            k: without_times(v) for k, v in value.items() if k not in ("fetched_at", "request_id")
        }
    if isinstance(value, list):
        return [without_times(item) for item in value]
    return value


def test_a_publication_after_the_recap_checks_every_step_again(cantine):
    citizen = at_recap(cantine)
    # The town adds a required question to step 1 while the citizen reads the recap.
    page = DemarchePage.objects.get(pk=cantine.pk)
    raw = list(page.steps.raw_data)
    raw[0]["value"]["fields"].append(field("texte_court", "Profession", "profession"))
    page.steps = raw
    page.save_revision().publish()
    response = citizen.post("recapitulatif", {})
    assert response.status_code == 302 and response["Location"].endswith("/etape-1/")
    assert not Submission.objects.exists()


def test_the_final_submit_writes_the_row_once(cantine, django_capture_on_commit_callbacks):
    citizen = at_recap(cantine)
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = citizen.post("recapitulatif", {})
    assert response.status_code == 302
    sql = [query["sql"] for query in queries.captured_queries]
    touching = [s for s in sql if SUBMISSION_TABLE in s]
    # One INSERT with its outcome; no read before it (a replay meets the unique instance key)
    # and no UPDATE after it.
    assert len(touching) == 1 and touching[0].startswith("INSERT"), touching
    counter = [s for s in sql if COUNTER_TABLE in s]
    assert len(counter) == 1 and "ON CONFLICT" in counter[0], counter
    assert not [s for s in sql if "FOR UPDATE" in s]
    # The acknowledgement (and the agents' notice), enqueued after the commit.
    assert "enqueue_acknowledgement" in {callback.func.__name__ for callback in callbacks}
    # Routing, the session read and write, the two rows: constant, whatever the démarche.
    assert len(sql) <= 16, "\n".join(s[:90] for s in sql)
    # (It was 25: a read of the instance key, five statements and two savepoints for the
    # reference, an UPDATE of the outcome after the INSERT.)
    assert re.fullmatch(r"CANT-20\d\d-000001", Submission.objects.get().reference)


def test_rules_contexts_and_rules_of_the_final_submit_are_counted(cantine, contexts, monkeypatch):
    built_rules = []
    for block_value, method in ((GateValue, "as_gate"), (GridValue, "as_grid")):
        original = getattr(block_value, method)
        monkeypatch.setattr(
            block_value,
            method,
            lambda self, original=original: built_rules.append(1) or original(self),
        )
    citizen = at_recap(cantine)
    contexts.clear()
    built_rules.clear()
    submission = submit(citizen)
    assert submission.tariff
    # One for the condition of a later step (the steps are decided once: storing the
    # recap's box changes none of them), one for the gates on what the recap showed, one
    # for the outcome stored from what the submission holds.
    assert len(contexts) == 3
    # The gates and grids of the live revision are built once per process, not per outcome.
    assert built_rules == []


def test_a_replay_after_a_session_that_did_not_save_gives_the_same_row(cantine):
    citizen = at_recap(cantine)
    before = dict(citizen.client.session.items())
    first = submit(citizen)
    # The commit went through but the session kept its old state (its save failed): the
    # wizard still holds the answers and the instance is not marked as submitted.
    session = citizen.client.session
    session.clear()
    session.update(before)
    session.save()
    second = submit(citizen)
    assert first.pk == second.pk and Submission.objects.count() == 1
    assert ReferenceCounter.objects.get().last == 1  # the replay's number was rolled back


@pytest.mark.django_db
def test_references_are_numbered_per_prefix_and_year_in_one_statement():
    with CaptureQueriesContext(connection) as queries:
        assert ReferenceCounter.next_reference("CANT") == f"CANT-{dt.date.today().year}-000001"
    assert len(queries) == 1
    assert ReferenceCounter.next_reference("CANT").endswith("-000002")
    assert ReferenceCounter.next_reference("PASS").endswith("-000001")
    assert ReferenceCounter.next_reference("CANT", when=dt.date(2031, 1, 5)) == "CANT-2031-000001"
    assert ReferenceCounter.next_reference("CANT").endswith("-000003")
    assert ReferenceCounter.objects.get(prefix="CANT", year=2031).last == 1


def test_a_wizard_request_never_works_out_the_page_url_again(cantine, monkeypatch):
    parts = []
    original = DemarchePage.get_url_parts

    def get_url_parts(self, *args, **kwargs):
        parts.append(self.pk)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DemarchePage, "get_url_parts", get_url_parts)
    citizen = at_recap(cantine)
    parts.clear()
    recap = citizen.client.get(citizen.url("recapitulatif"))
    # The recap names the URL of every step (its « Modifier » links) and its own: the page's
    # URL is the path the citizen reached it by, never worked out again (each time read the
    # sites' root paths from the cache and reversed Wagtail's serve URL).
    assert recap.content.decode().count("/etape-") >= 5
    assert parts.count(cantine.pk) == 0
