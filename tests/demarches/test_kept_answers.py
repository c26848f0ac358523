"""Validated answers are kept with what they were validated against: a request validates again
only the steps a change can affect, and never lets a stale validation open a later step."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail_passfamille.citizen import kept_answers
from wagtail_passfamille.editor.starters.raw import field
from wagtail_passfamille.models import DemarchePage

from .helpers import ENFANT_LEA, FREQUENTATION, LEFEBVRE, RESPONSABLE, Citizen, enfants


def walk_to_step_4(page):
    citizen = Citizen(page)
    citizen.start()
    for slug, values in (
        ("etape-1", RESPONSABLE),
        ("etape-2", enfants(ENFANT_LEA)),
        ("etape-3", LEFEBVRE),
    ):
        assert citizen.post(slug, values).status_code == 302
    return citizen


def test_a_post_validates_only_the_posted_step(cantine, validations):
    citizen = walk_to_step_4(cantine)
    validations.clear()
    response = citizen.post("etape-4", FREQUENTATION)
    assert response["Location"].endswith("/etape-6/")
    assert set(validations) == {citizen.prefix("etape-4")}
    validations.clear()
    assert citizen.client.get(citizen.url("etape-6")).status_code == 200
    # Steps 1 to 4 are kept; only the step shown (bound to nothing stored yet) is built.
    assert not {citizen.prefix(f"etape-{n}") for n in range(1, 5)} & set(validations)


def test_a_changed_answer_validates_again_the_steps_it_may_affect(cantine, validations):
    citizen = walk_to_step_4(cantine)
    assert citizen.post("etape-4", FREQUENTATION).status_code == 302
    validations.clear()
    assert citizen.post("etape-1", {**RESPONSABLE, "prenom_demandeur": "Alix"}).status_code == 302
    assert citizen.client.get(citizen.url("etape-6")).status_code == 200
    # Step 4's conditions are evaluated as the citizen types (allergy → details): its form
    # reads every earlier answer, so it is validated again. Steps 2 and 3 read nothing of
    # step 1: kept.
    assert citizen.prefix("etape-4") in validations
    assert not {citizen.prefix("etape-2"), citizen.prefix("etape-3")} & set(validations)
    validations.clear()
    assert citizen.client.get(citizen.url("etape-6")).status_code == 200
    assert not {citizen.prefix(f"etape-{n}") for n in range(1, 5)} & set(validations)


def test_a_new_publication_validates_again_and_stops_jumping(cantine):
    citizen = walk_to_step_4(cantine)
    assert citizen.client.get(citizen.url("etape-4")).status_code == 200
    # The town adds a required question to step 1: the kept validation no longer holds.
    page = DemarchePage.objects.get(pk=cantine.pk)
    raw = list(page.steps.raw_data)
    raw[0]["value"]["fields"].append(field("texte_court", "Profession", "profession"))
    page.steps = raw
    page.save_revision().publish()
    response = citizen.client.get(citizen.url("etape-4"))
    assert response.status_code == 302 and response["Location"].endswith("/etape-1/")
    response = citizen.post("etape-4", FREQUENTATION)
    assert response["Location"].endswith("/etape-1/")


def test_kept_answers_hold_for_the_day_only(cantine, validations, monkeypatch):
    citizen = walk_to_step_4(cantine)
    validations.clear()
    assert citizen.client.get(citizen.url("etape-4")).status_code == 200
    assert citizen.prefix("etape-1") not in validations
    # Tomorrow a date may no longer be valid (« pas dans le futur », ages): validate again.
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(kept_answers.timezone, "localdate", lambda: tomorrow)
    assert citizen.client.get(citizen.url("etape-4")).status_code == 200
    assert citizen.prefix("etape-1") in validations


def test_values_come_back_as_the_form_cleaned_them():
    upload = SimpleUploadedFile("avis.pdf", b"%PDF-1.4", "application/pdf")
    upload.safe_name = "avis.pdf"
    cleaned = {
        "nom": "Durand",
        "age": 7,
        "montant": Decimal("12.50"),
        "accord": True,
        "jours": ["Lundi", "Mardi"],
        "adresse": {"voie": "3 rue des Lilas", "code_postal": "99000"},
        "enfants": [{"prenom": "Léa", "date_naissance": dt.date(2018, 5, 14)}],
        "vide": None,
    }
    assert kept_answers.decode(kept_answers.encode(cleaned)) == cleaned
    kept = kept_answers.decode(kept_answers.encode({"piece": upload}))["piece"]
    assert (kept.name, kept.safe_name, kept.content_type) == (
        "avis.pdf",
        "avis.pdf",
        "application/pdf",
    )
    with pytest.raises(kept_answers.Unkeepable):
        kept_answers.encode({"objet": object()})
    with pytest.raises(kept_answers.Unkeepable):
        kept_answers.encode({"$date": "a key like a tag"})


def test_a_post_writes_the_session_once_and_refreshes_its_cookie(cantine, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    citizen = walk_to_step_4(cantine)
    with CaptureQueriesContext(connection) as queries:
        response = citizen.post("etape-4", FREQUENTATION)
    assert response.status_code == 302
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert len([sql for sql in writes if "django_session" in sql]) == 1, writes
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value == citizen.client.session.session_key and cookie["max-age"]
    assert cookie["httponly"] and cookie["samesite"] == settings.SESSION_COOKIE_SAMESITE


def test_a_franceconnect_login_validates_again(cantine, validations, monkeypatch):
    """A certified section whose source FranceConnect fetched asks for no identity: answers
    validated before the login are validated again, not recalled."""
    from wagtail_passfamille.citizen.franceconnect import data as franceconnect_data

    citizen = walk_to_step_4(cantine)
    validations.clear()
    assert citizen.client.get(citizen.url("etape-4")).status_code == 200
    assert citizen.prefix("etape-3") not in validations
    monkeypatch.setattr(franceconnect_data, "verified_sources", lambda request, page: {"caf"})
    assert citizen.client.get(citizen.url("etape-4")).status_code == 200
    assert citizen.prefix("etape-3") in validations


@pytest.fixture
def fingerprinted(monkeypatch):
    """The steps whose kept answers were looked up (their fingerprint computed), in order."""
    seen = []
    original = kept_answers.fingerprint

    def fingerprint(revision, step, *args, **kwargs):
        seen.append(step)
        return original(revision, step, *args, **kwargs)

    monkeypatch.setattr(kept_answers, "fingerprint", fingerprint)
    return seen


def test_a_post_looks_up_the_earlier_steps_once(cantine, fingerprinted):
    """After a step is stored, the steps before it stay as the request found them: only the
    stored step and the later ones are looked at again."""
    citizen = walk_to_step_4(cantine)
    fingerprinted.clear()
    response = citizen.post("etape-4", FREQUENTATION)
    assert response.status_code == 302 and response["Location"].endswith("/etape-6/")
    names = [name for name, _value in cantine.step_blocks]
    assert [fingerprinted.count(name) for name in names[:3]] == [1, 1, 1]
    assert fingerprinted.count(names[3]) == 1  # stored now (nothing stored before)


def test_a_step_that_fetched_certified_data_looks_at_every_step_again(cantine, fingerprinted):
    """Certified data just fetched may decide a condition of an earlier step."""
    citizen = Citizen(cantine)
    citizen.start()
    assert citizen.post("etape-1", RESPONSABLE).status_code == 302
    assert citizen.post("etape-2", enfants(ENFANT_LEA)).status_code == 302
    fingerprinted.clear()
    assert citizen.post("etape-3", LEFEBVRE).status_code == 302
    names = [name for name, _value in cantine.step_blocks]
    assert [fingerprinted.count(name) for name in names[:2]] == [2, 2]
