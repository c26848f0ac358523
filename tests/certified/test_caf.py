"""The CAF/MSA block through the wizard, against the sandbox replaying the official staging."""

import re

from django.contrib.sessions.models import Session
from django.core.management import call_command

from tests.demarches.helpers import (
    ENFANT_LEA,
    FREQUENTATION,
    INCONNU,
    LEFEBVRE,
    MARTIN,
    RESPONSABLE,
    Citizen,
    caf_identity,
    enfants,
)
from wagtail_passfamille.models import Submission, UpstreamCall
from wagtail_passfamille.models.certified_record import ChildMatch
from wagtail_passfamille.services.matching import Match
from wagtail_passfamille.tasks import verify_pending

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def finish(citizen, *, from_step=4):
    citizen.post(f"etape-{from_step}", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    return citizen.post("recapitulatif", {})


def test_verified_quotient_familial_is_stored_but_never_shown(cantine, sandbox):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    response = citizen.post("etape-3", LEFEBVRE)
    assert response.status_code == 302 and response["Location"].endswith("/etape-4/")
    following = citizen.client.get(response["Location"]).content.decode()
    assert "Informations récupérées auprès de la CAF ou de la MSA ✓" in following
    recap = citizen.client.get(citizen.url("recapitulatif"))
    html = recap.content.decode() if recap.status_code == 200 else ""
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    html = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    assert "Informations récupérées auprès de la CAF ou de la MSA ✓" in html
    assert "2550" not in html and "2 550" not in html
    citizen.post("recapitulatif", {})

    submission = Submission.objects.get()
    assert submission.verification == "verifie"
    caf = submission.certified_record.get("caf")
    assert set(caf.fields) == {"quotient_familial", "enfants"}  # only what was ticked
    assert caf.fields["quotient_familial"]["valeur"] == 2550
    assert caf.fields["quotient_familial"]["fournisseur"] == "CNAF"
    assert caf.provenance["api_version"] == "v3"
    assert caf.provenance["request_id"]
    assert caf.provenance["endpoint"] == "quotient_familial"
    assert submission.pending_lookups is None
    assert "LEFEBVRE" not in str(submission.answers).upper()  # identities are not answers
    (call,) = UpstreamCall.objects.all()
    assert (call.source, call.status_code, call.outcome) == ("caf", 200, "verified")


def test_one_upstream_call_per_identifier_set(cantine, sandbox):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    citizen.post("etape-3", LEFEBVRE)
    # Back from the next step, next again with the same identity, recap, submit.
    citizen.post("etape-4", FREQUENTATION, raw={"wizard_goto_step": "etape-3"})
    citizen.post("etape-3", LEFEBVRE)
    finish(citizen)
    assert Submission.objects.get().verification == "verifie"
    assert sandbox.stats.requests["quotient_familial"] == 1

    # Other identifiers: fetched again.
    other = Citizen(cantine)
    other.start()
    other.post("etape-1", RESPONSABLE)
    other.post("etape-2", enfants(ENFANT_LEA))
    other.post("etape-3", LEFEBVRE)
    other.post("etape-3", MARTIN)
    assert sandbox.stats.requests["quotient_familial"] == 3


def test_children_are_matched_for_agents_only(cantine, sandbox):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    fleur = {**ENFANT_LEA, "prenom": "Fleur", "date_naissance": "2010-04-20"}
    citizen.post("etape-2", enfants(fleur, ENFANT_LEA))
    citizen.post("etape-3", MARTIN)
    recap = citizen.client.get(citizen.url("recapitulatif"))
    finish(citizen)
    html = citizen.client.get(citizen.url("etape-1"), follow=True).content.decode()
    assert "rattache" not in html and "non_trouve" not in html
    matching = Submission.objects.get().certified_record.get("caf").matching
    assert matching == (ChildMatch(1, Match.FOUND), ChildMatch(2, Match.NOT_FOUND))
    assert recap.status_code in (200, 302)


def test_not_found_offers_the_justificatif(cantine, sandbox, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.WAGTAIL_PASSFAMILLE_FILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)},
    }
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    response = citizen.post("etape-3", INCONNU)
    assert response.status_code == 200
    # Worded as « not verified »: « no file » would tell whether a stranger has one.
    assert "Ces informations n&#x27;ont pas pu être vérifiées" in response.content.decode()
    document = SimpleUploadedFile("attestation.pdf", MINIMAL_PDF, "application/pdf")
    response = citizen.post(
        "etape-3", {**INCONNU, "caf__choix": "justificatif", "caf__justificatif": document}
    )
    assert response.status_code == 302
    finish(citizen)
    submission = Submission.objects.get()
    assert submission.verification == "justificatif"
    assert [f.field_name for f in submission.files.all()] == ["caf__justificatif"]
    assert sandbox.stats.requests["quotient_familial"] == 1


def test_identity_not_matched_names_the_fields_and_limits_retries(cantine, sandbox):
    sandbox.set_fault("status=422; code=00355; endpoint=quotient_familial")
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    for attempt, first_name in enumerate(["ALEXI", "ALEXIA", "ALEXANDRA"], start=1):
        identity = caf_identity("LEFEBVRE", [first_name], "F", 1982, 12, 27, commune="08480")
        html = citizen.post("etape-3", identity).content.decode()
        if attempt < 3:
            assert "Vérifiez le nom de naissance, les prénoms" in html
    assert "Choisissez de fournir un justificatif pour continuer" in html
    assert sandbox.stats.requests["quotient_familial"] == 3
    assert Submission.objects.count() == 0


def test_an_outage_defers_verification_and_the_task_resolves_it(
    cantine, sandbox, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    default_task_backend.clear()
    sandbox.set_fault("status=503; times=1")
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    response = citizen.post("etape-3", LEFEBVRE)
    assert response.status_code == 302  # never a dead end
    page = citizen.client.get(response["Location"]).content.decode()
    assert "ne répond pas pour le moment" in page
    with django_capture_on_commit_callbacks(execute=True):
        finish(citizen)
    submission = Submission.objects.get()
    assert submission.verification == "a_verifier"
    assert submission.pending_lookups["caf"]["identifiers"]["nom_naissance"] == "LEFEBVRE"
    queued = [r for r in default_task_backend.results if r.task.name == "verify_pending"]
    assert [r.args for r in queued] == [[submission.pk, 1]]

    assert verify_pending.call(submission.pk, 1) == "resolved"  # the sandbox is back
    submission.refresh_from_db()
    assert submission.verification == "verifie"
    assert submission.pending_lookups is None
    assert submission.certified_record.get("caf").fields["quotient_familial"]["valeur"] == 2550
    assert UpstreamCall.objects.filter(submission=submission, outcome="verified").count() == 1


def test_deferred_verification_ends_in_manual_review_after_the_deadline(cantine, sandbox):
    import datetime as dt

    from django_tasks import default_task_backend

    sandbox.set_fault("status=503")
    citizen = Citizen(cantine)
    citizen.fill_all()
    citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    assert verify_pending.call(submission.pk, 1) == "retry"
    retries = [r for r in default_task_backend.results if r.args == [submission.pk, 2]]
    assert len(retries) == 1 and retries[0].task.run_after is not None
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=submission.submitted_at - dt.timedelta(hours=73)
    )
    assert verify_pending.call(submission.pk, 2) == "manual_review"
    submission.refresh_from_db()
    assert submission.verification == "a_verifier"
    assert submission.certified_record.get("caf").manual_review is True
    assert submission.pending_lookups is None  # the identity is not kept any longer


def test_a_token_error_defers_for_the_citizen_and_alerts_the_town(cantine, sandbox, settings):
    from django.core import mail

    from wagtail_passfamille.citizen.alerts import current_alerts
    from wagtail_passfamille.sandbox import EXPIRED_TOKEN
    from wagtail_passfamille.services import forget_clients
    from wagtail_passfamille.tasks import send_config_alert

    settings.WAGTAIL_PASSFAMILLE_CREDENTIALS["demo"]["API_PARTICULIER"]["TOKEN"] = EXPIRED_TOKEN
    forget_clients()
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    response = citizen.post("etape-3", LEFEBVRE)
    assert response.status_code == 302
    (alert,) = current_alerts()
    assert (alert["profile"], alert["source"], alert["reason"]) == ("demo", "caf", "Unauthorized")
    assert send_config_alert.call(cantine.pk, "caf", "Unauthorized") == "sent"
    (message,) = mail.outbox
    assert message.to == ["informatique@demoville.example"]
    assert "LEFEBVRE" not in message.body and EXPIRED_TOKEN not in message.body


def test_birthplace_search_then_choose_without_javascript(cantine, sandbox):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    searching = {**LEFEBVRE, "caf__commune": "", "caf__commune_recherche": "charleville"}
    html = citizen.post("etape-3", searching, raw={"passfamille_search": "caf"}).content.decode()
    assert "Charleville-Mézières (08)" in html
    prefix = citizen.prefix("etape-3")
    assert re.search(rf'name="{prefix}-caf__commune"[^>]*value="08105"', html)
    assert "pf-error-summary" not in html
    # Continuing without choosing (Enter in the search box does that) searches: the list is
    # shown again, no error yet.
    html = citizen.post("etape-3", searching).content.decode()
    assert "Charleville-Mézières (08)" in html and "pf-error-summary" not in html
    chosen = citizen.post("etape-3", {**searching, "caf__commune": "08480"})
    assert chosen.status_code == 302


def test_the_commune_endpoint_serves_the_autocomplete(client, db):
    data = client.get("/passfamille/communes/", {"q": "charleville"}).json()
    assert {"code": "08105", "label": "Charleville-Mézières (08)"} in data["results"]
    assert data["truncated"] is False
    assert client.get("/passfamille/communes/", {"q": "x"}).json() == {
        "results": [],
        "truncated": False,
    }
    # More than 20 communes match: 20 are sent, and the citizen is told to refine.
    data = client.get("/passfamille/communes/", {"q": "saint"}).json()
    assert len(data["results"]) == 20 and data["truncated"] is True


def test_the_session_holds_no_plaintext_identity_or_value(cantine, sandbox):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    citizen.post("etape-3", LEFEBVRE)
    raw = " ".join(str(s.get_decoded()) + s.session_data for s in Session.objects.all()).upper()
    for secret in ("LEFEBVRE", "GÉRÔME", "2550", "DURAND", "1982", "CAMILLE"):
        assert secret not in raw


def _to_caf_step(citizen):
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))


def test_lookups_are_limited_per_session(cantine, sandbox, settings):
    settings.WAGTAIL_PASSFAMILLE_LOOKUP_LIMITS = {
        "SESSION": (2, 900),
        "IP": (20, 3600),
        "IDENTIFIER": (5, 86400),
    }
    citizen = Citizen(cantine)
    _to_caf_step(citizen)
    for first_name in ("ALEXIS", "ALEX", "ALEXANDRE"):  # three different identities
        identity = caf_identity("LEFEBVRE", [first_name], "F", 1982, 12, 27, commune="08480")
        html = citizen.post("etape-3", identity).content.decode()
    assert "Trop de vérifications ont été demandées" in html
    assert sandbox.stats.requests["quotient_familial"] == 2


def test_lookups_are_limited_per_identity_across_sessions(cantine, sandbox, settings):
    settings.WAGTAIL_PASSFAMILLE_LOOKUP_LIMITS = {
        "SESSION": (5, 900),
        "IP": (20, 3600),
        "IDENTIFIER": (2, 86400),
    }
    for _attempt in range(3):  # three visitors typing the same identity
        citizen = Citizen(cantine)
        _to_caf_step(citizen)
        response = citizen.post("etape-3", LEFEBVRE)
    assert "Trop de vérifications ont été demandées" in response.content.decode()
    assert sandbox.stats.requests["quotient_familial"] == 2


def test_nothing_personal_reaches_the_logs(cantine, sandbox, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    sandbox.set_fault("status=503; times=1")
    citizen = Citizen(cantine)
    citizen.fill_all()
    citizen.post("recapitulatif", {})
    verify_pending.call(Submission.objects.get().pk, 1)
    text = caplog.text.upper()
    assert caplog.records  # the calls were logged
    for secret in ("LEFEBVRE", "ALEXIS", "GÉRÔME", "2550", "08480", "1982", "DURAND"):
        assert secret not in text


def test_seed_is_idempotent_with_both_demarches(seeded):
    from wagtail_passfamille.models import DemarchePage

    before = list(DemarchePage.objects.values_list("slug", flat=True).order_by("slug"))
    call_command("seed_demo", "--no-admin", verbosity=0)
    after = list(DemarchePage.objects.values_list("slug", flat=True).order_by("slug"))
    assert before == after == ["pass-famille-2027", "restauration-scolaire"]
