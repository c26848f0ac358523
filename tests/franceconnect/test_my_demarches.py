"""« Mes démarches »: an identified citizen's drafts (resumed without e-mail), applications with
their status and tariff, « à compléter » requests and receipts; an anonymous visitor and another
identity see nothing of them."""

import re
from urllib.parse import urlsplit

import requests
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks import default_task_backend

from tests.demarches.helpers import (
    ENFANT_LEA,
    FREQUENTATION,
    LEFEBVRE,
    RESPONSABLE,
    Citizen,
    caf_identity,
    enfants,
)
from wagtail_passfamille.backoffice.workflow import change_status
from wagtail_passfamille.citizen.franceconnect.session import current_login
from wagtail_passfamille.citizen.verification import resolve_pending
from wagtail_passfamille.citizen.verified_notice import send_verified_notice
from wagtail_passfamille.models import Draft, Submission

from .test_views import DUPONT, login

MY = reverse("wagtail_passfamille:my_demarches")
NO_CAF = "sans_dossier_caf"
TARIFF = "Tranche F — 4,60\u00a0€ par repas"
# The stand-in's account with no CAF file, as its owner types it (however they type it).
NO_CAF_OWN_IDENTITY = caf_identity(
    "Lefèbvre", ["jeanne", "CAMILLE"], "F", 1988, 11, 2, commune="69123"
)


def identified_citizen(cantine, account=DUPONT, client=None):
    citizen = Citizen(cantine, client or Client())
    citizen.start()
    response, _query = login(citizen.client, cantine, account)
    assert response.status_code == 302
    return citizen


def submit_identified(cantine, account=DUPONT):
    citizen = identified_citizen(cantine, account)
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    citizen.post("etape-3", {"caf__choix": "recuperer"})
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    done = citizen.post("recapitulatif", {})
    # FranceConnect's session ends at submission (session/end, then back to the receipt).
    back = requests.get(done["Location"], allow_redirects=False, timeout=5)
    target = urlsplit(back.headers["Location"])
    citizen.client.get(f"{target.path}?{target.query}")
    return citizen


def test_an_anonymous_visitor_sees_only_the_invitation(cantine):
    submit_identified(cantine)
    html = Client().get(MY).content.decode()
    assert "Identifiez-vous avec FranceConnect pour retrouver vos démarches" in html
    assert "S'identifier avec" in html
    submission = Submission.objects.get()
    assert submission.reference not in html and TARIFF not in html
    receipt = reverse("wagtail_passfamille:my_demarches_receipt", args=[submission.reference])
    assert Client().get(receipt).status_code == 404


def test_an_identified_citizen_saves_without_e_mail_and_resumes_from_my_demarches(cantine):
    citizen = identified_citizen(cantine)
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    save = citizen.post("etape-3", {}, raw={"passfamille_save_draft": "1"})
    page = citizen.client.get(save["Location"]).content.decode()
    assert "Enregistrer dans Mes démarches" in page and 'type="email"' not in page
    saved = citizen.client.post(save["Location"])
    assert saved.status_code == 302 and saved["Location"] == MY
    assert not mail.outbox
    draft = Draft.objects.get()
    login_sub = current_login(citizen.client.get(MY).wsgi_request).sub
    assert draft.owner and login_sub not in draft.owner
    listing = citizen.client.get(MY).content.decode()
    assert "Démarches enregistrées" in listing and cantine.title in listing
    # Another identity and an anonymous visitor do not see it, nor can they resume it.
    other = identified_citizen(cantine, NO_CAF)
    assert cantine.title not in other.client.get(MY).content.decode().split("Démarches enreg")[1]
    resume = reverse("wagtail_passfamille:my_demarches_resume", args=[draft.pk])
    assert other.client.post(resume).status_code == 404
    assert Client().post(resume).status_code == 302 and Draft.objects.count() == 1
    # Its owner resumes it at the step where it stopped.
    resumed = citizen.client.post(resume)
    assert resumed.status_code == 302 and resumed["Location"].endswith("/etape-3/")
    step3 = citizen.client.get(resumed["Location"]).content.decode()
    assert "Vous reprenez votre démarche" in step3
    assert Draft.objects.count() == 0


def test_applications_status_tariff_completion_and_receipt(cantine, standin):
    submit_identified(cantine)
    submission = Submission.objects.get()
    citizen = identified_citizen(cantine)
    sub = current_login(citizen.client.get(MY).wsgi_request).sub
    assert submission.owner and submission.owner_sees_outcome
    with connection.cursor() as cursor:  # the sub is in no column, in clear
        cursor.execute("SELECT * FROM wagtail_passfamille_submission")
        assert sub not in repr(cursor.fetchall())
    html = citizen.client.get(MY).content.decode()
    assert submission.reference in html and "Reçue" in html and TARIFF in html
    change_status(submission, "a_completer", comment="Précisez le régime", fields=["email"])
    html = citizen.client.get(MY).content.decode()
    assert "À compléter" in html
    link = re.search(r'href="(/passfamille/completer/[^"]+)"', html)[1]
    assert Client().get(link).status_code == 200
    receipt_url = reverse("wagtail_passfamille:my_demarches_receipt", args=[submission.reference])
    receipt = citizen.client.get(receipt_url).content.decode()
    assert submission.reference in receipt and TARIFF in receipt
    # Someone else identified sees none of it.
    other = identified_citizen(cantine, NO_CAF)
    assert submission.reference not in other.client.get(MY).content.decode()
    assert other.client.get(receipt_url).status_code == 404


def test_an_anonymous_submission_has_no_owner(cantine):
    citizen = Citizen(cantine)
    citizen.fill_all()
    citizen.post("recapitulatif", {})
    submission = Submission.objects.get()
    assert submission.owner == "" and not submission.owner_sees_outcome


def _deferred_submission(citizen, standin, identity=LEFEBVRE):
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    standin.set_fault("status=503; times=10")
    assert citizen.post("etape-3", identity).status_code == 302  # the lookup is deferred
    standin.reset()
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    done = citizen.post("recapitulatif", {})
    if "session/end" in done["Location"]:
        back = requests.get(done["Location"], allow_redirects=False, timeout=5)
        target = urlsplit(back.headers["Location"])
        citizen.client.get(f"{target.path}?{target.query}")
    submission = Submission.objects.get()
    assert submission.verification == "a_verifier" and submission.pending_lookups
    return submission


def _verified_notice(submission, django_capture_on_commit_callbacks):
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert resolve_pending(submission.pk, 1) == "resolved"
    queued = [r for r in default_task_backend.results if r.task.name == "send_verified_notice"]
    assert [r.args for r in queued] == [[submission.pk, 1]]
    assert send_verified_notice.call(submission.pk, 1) == "sent"
    (message,) = mail.outbox
    return message


def test_an_identified_citizen_is_told_to_read_the_new_tariff_in_my_demarches(
    cantine, standin, django_capture_on_commit_callbacks
):
    """The identity typed is the citizen's own (FranceConnect's): once the deferred lookup is
    verified, « Mes démarches » shows the outcome computed from their own file."""
    citizen = identified_citizen(cantine, NO_CAF)
    submission = _deferred_submission(citizen, standin, identity=NO_CAF_OWN_IDENTITY)
    assert submission.owner_sees_outcome
    reader = identified_citizen(cantine, NO_CAF)
    before = reader.client.get(MY).content.decode()
    assert "Tarif provisoire" in before and f"{TARIFF} (tarif par défaut)" in before
    message = _verified_notice(submission, django_capture_on_commit_callbacks)
    assert "a été vérifiée" in message.subject and "Mes démarches" in message.body
    assert "/passfamille/mes-demarches/" in message.body
    # Nothing derived from certified data in an unauthenticated e-mail.
    for derived in ("Tranche", "€", "2550", "2 550", "quotient"):
        assert derived not in message.body and derived not in message.subject
    after = reader.client.get(MY).content.decode()
    assert "Tarif provisoire" not in after and TARIFF in after


def test_a_strangers_identity_typed_by_an_identified_citizen_stays_withheld(
    cantine, standin, django_capture_on_commit_callbacks
):
    """Identified as LEFEBVRE Camille, the citizen types LEFEBVRE Alexis while the lookup is
    deferred: once verified, neither « Mes démarches » nor the e-mail tells them Alexis's
    bracket (it would reveal a stranger's income band)."""
    citizen = identified_citizen(cantine, NO_CAF)
    submission = _deferred_submission(citizen, standin)
    assert not submission.owner_sees_outcome
    message = _verified_notice(submission, django_capture_on_commit_callbacks)
    assert "a été vérifiée" in message.body
    submission.refresh_from_db()
    assert "Tranche F" in submission.tariff and "défaut" not in submission.tariff
    after = identified_citizen(cantine, NO_CAF).client.get(MY).content.decode()
    assert submission.reference in after
    for derived in ("Tranche", "4,60", "2550", "2 550"):
        assert derived not in after


def test_an_anonymous_citizen_is_told_only_that_the_application_was_verified(
    cantine, standin, django_capture_on_commit_callbacks
):
    citizen = Citizen(cantine)
    citizen.start()
    submission = _deferred_submission(citizen, standin)
    message = _verified_notice(submission, django_capture_on_commit_callbacks)
    assert "a été vérifiée" in message.body and "Mes démarches" not in message.body
    for derived in ("Tranche", "€", "2550", "2 550", "quotient"):
        assert derived not in message.body


def test_erasing_a_person_erases_their_saved_demarches_too(cantine):
    from wagtail_passfamille.backoffice import person

    submit_identified(cantine)
    citizen = identified_citizen(cantine)
    citizen.post("etape-1", RESPONSABLE)
    save = citizen.post("etape-1", RESPONSABLE, raw={"passfamille_save_draft": "1"})
    citizen.client.post(save["Location"])
    stranger = identified_citizen(cantine, NO_CAF)
    save = stranger.post("etape-1", RESPONSABLE, raw={"passfamille_save_draft": "1"})
    stranger.client.post(save["Location"])
    assert Draft.objects.count() == 2
    owner = Submission.objects.get().owner
    assert Draft.objects.filter(owner=owner).count() == 1
    person.erase(Submission.objects.all())
    (left,) = Draft.objects.all()  # the other identity's draft stays
    assert left.owner and left.owner != owner


def test_the_portal_links_to_my_demarches(cantine):
    html = Client().get(cantine.get_parent().url).content.decode()
    assert f'href="{MY}"' in html


def test_which_typed_identities_are_the_identified_citizens_own():
    from wagtail_passfamille import sources
    from wagtail_passfamille.sandbox.fc_accounts import accounts

    claims = accounts()[NO_CAF].claims
    caf = sources.get("caf")
    own = {
        "nom_naissance": "lefebvre",
        "prenoms": ["Jeanne", "Camille", ""],
        "sexe": "F",
        "annee": "1988",
        "mois": "11",
        "jour": "2",
    }
    assert caf.names_the_identified(own, claims)
    assert not caf.names_the_identified({**own, "prenoms": ["Camille"]}, claims)
    assert not caf.names_the_identified({**own, "jour": ""}, claims)  # a partial date
    assert not caf.names_the_identified({**own, "sexe": "M"}, claims)
    assert not sources.get("dgfip").names_the_identified({"numero_fiscal": "3999999999901"}, claims)
