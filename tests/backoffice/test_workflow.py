"""Statuses, e-mails after commit, and the citizen's « à compléter » round trip."""

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks import default_task_backend

from wagtail_passfamille.backoffice.tasks import (
    fill_placeholders,
    send_agents_notice,
    send_status_email,
)
from wagtail_passfamille.backoffice.workflow import TransitionError, change_status
from wagtail_passfamille.models import CompletionRequest, StatusChange, Submission

from .conftest import submit
from .test_permissions import ADMIN, MINIMAL_PDF


def queued(name):
    return [r for r in default_task_backend.results if r.task.name == name]


def set_status(client, submission, to_status, **extra):
    data = {"to_status": to_status, "expected_status": submission.status, **extra}
    response = client.post(f"{ADMIN}/demandes/{submission.pk}/statut/", data)
    submission.refresh_from_db()
    return response


def test_placeholders_are_replaced_once_and_nothing_else_is_evaluated():
    text = "{reference} {statut} {commentaire} {{lien}} {inconnu} {reference.__class__}"
    values = {"reference": "A-1", "statut": "Acceptée", "commentaire": "voir {lien}", "lien": "L"}
    assert fill_placeholders(text, values) == (
        "A-1 Acceptée voir {lien} {L} {inconnu} {reference.__class__}"
    )


def test_new_submission_notifies_the_named_agents_after_commit(
    demarche_a, users, django_capture_on_commit_callbacks
):
    demarche_a.notified_agents.add(users["agent_a"])
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(demarche_a, nom="Dupont")
    (task,) = queued("send_agents_notice")
    assert task.args == [submission.pk, "new", 1]
    mail.outbox.clear()
    assert send_agents_notice.call(submission.pk, "new", 1) == "sent"
    (message,) = mail.outbox
    assert message.to == ["agent_a@example.org"]
    assert submission.reference in message.subject
    assert f"/admin/passfamille/demandes/inspect/{submission.pk}/" in message.body
    assert "Dupont" not in message.body and "Léa" not in message.body


def test_transitions_email_the_citizen_when_the_demarche_opts_in(
    client, users, submission_a, django_capture_on_commit_callbacks
):
    client.force_login(users["agent_a"])
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = set_status(client, submission_a, "en_instruction", comment="Dossier complet")
    assert response.status_code == 302 and submission_a.status == "en_instruction"
    change = StatusChange.objects.get(submission=submission_a)
    assert change.by == users["agent_a"] and change.comment == "Dossier complet"
    (task,) = queued("send_status_email")
    assert task.args == [change.pk, 1]
    assert mail.outbox == [] or all(submission_a.reference not in m.subject for m in mail.outbox)
    mail.outbox.clear()
    assert send_status_email.call(change.pk, 1) == "sent"
    (message,) = mail.outbox
    assert message.to == ["famille@example.org"]
    assert message.subject == f"Votre demande {submission_a.reference} : En instruction"
    assert "Dossier complet" in message.body and "Garderie" in message.body

    # Refused is not in the démarche's list: no e-mail; an impossible transition is refused.
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        set_status(client, submission_a, "refusee")
    assert submission_a.status == "refusee" and queued("send_status_email") == []
    with pytest.raises(TransitionError):
        change_status(submission_a, "acceptee", user=users["agent_a"])
    response = set_status(client, submission_a, "acceptee")
    assert submission_a.status == "refusee"  # unchanged, with an error message


def test_a_stale_form_does_not_apply_a_transition_twice(client, users, submission_a):
    client.force_login(users["agent_a"])
    set_status(client, submission_a, "en_instruction")
    response = client.post(
        f"{ADMIN}/demandes/{submission_a.pk}/statut/",
        {"to_status": "en_instruction", "expected_status": "recue"},
    )
    assert response.status_code == 302
    assert StatusChange.objects.filter(submission=submission_a).count() == 1


def test_an_smtp_failure_leaves_exactly_one_transition(
    client, users, submission_a, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.demarches.failing_email.FailingBackend"
    client.force_login(users["agent_a"])
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = set_status(client, submission_a, "en_instruction")
    assert response.status_code == 302
    change = StatusChange.objects.get(submission=submission_a)
    assert send_status_email.call(change.pk, 1) == "retry"
    (retry,) = [r for r in queued("send_status_email") if r.args == [change.pk, 2]]
    assert retry.task.run_after is not None
    assert StatusChange.objects.filter(submission=submission_a).count() == 1
    assert Submission.objects.get(pk=submission_a.pk).status == "en_instruction"


def test_an_smtp_failure_leaves_exactly_one_submission(
    demarche_a, users, settings, django_capture_on_commit_callbacks
):
    demarche_a.notified_agents.add(users["agent_a"])
    settings.EMAIL_BACKEND = "tests.demarches.failing_email.FailingBackend"
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(demarche_a)
    assert send_agents_notice.call(submission.pk, "new", 1) == "retry"
    assert Submission.objects.count() == 1


def completion_link(change):
    mail.outbox.clear()
    assert send_status_email.call(change.pk, 1) == "sent"
    (message,) = mail.outbox
    # Wagtail's default site is still "localhost": the link uses WAGTAILADMIN_BASE_URL.
    assert "http://localhost" not in message.body
    base = re.escape(django_settings.WAGTAILADMIN_BASE_URL)
    match = re.search(base + r"(/passfamille/completer/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_completer_round_trip(
    client, users, submission_a, private_dir, django_capture_on_commit_callbacks
):
    client.force_login(users["agent_a"])
    response = set_status(client, submission_a, "a_completer", comment="Il manque le justificatif")
    assert response.status_code == 302
    # Without a field or document, "à compléter" is refused.
    assert Submission.objects.get(pk=submission_a.pk).status == "recue"
    response = set_status(
        client,
        submission_a,
        "a_completer",
        comment="Merci d'ajouter votre justificatif de domicile et votre téléphone.",
        fields=["justificatif", "telephone"],
    )
    assert submission_a.status == "a_completer"
    change = StatusChange.objects.get(submission=submission_a, to_status="a_completer")
    url = completion_link(change)

    citizen = client.__class__()
    page = citizen.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert "Compléter votre demande" in html and "justificatif de domicile et votre" in html
    assert "Justificatif de domicile" in html and "Téléphone" in html
    assert "Remarques" not in html  # only what the agent asked for

    bad = citizen.post(url, {"telephone": "pas un numéro"})
    assert bad.status_code == 200 and "erreur" in bad.content.decode()

    pdf = SimpleUploadedFile("domicile.pdf", MINIMAL_PDF, "application/pdf")
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = citizen.post(url, {"telephone": "01 23 45 67 89", "justificatif": pdf})
    assert done.status_code == 200, done.content.decode()[-2000:]
    assert "Complément envoyé" in done.content.decode()
    submission = Submission.objects.get(pk=submission_a.pk)
    assert submission.status == "en_instruction"
    assert submission.answers["telephone"] == "+33123456789"
    assert submission.answers["nom_demandeur"] == "Durand"  # the rest is kept
    assert submission.files.get().original_name == "domicile.pdf"
    last = submission.status_changes.order_by("-pk").first()
    assert last.by is None and last.from_status == "a_completer"
    assert "Justificatif de domicile" in last.comment
    assert [r.args[1] for r in queued("send_agents_notice")] == ["completed"]

    # The link served once.
    again = citizen.get(url)
    assert again.status_code == 410 and "déjà servi" in again.content.decode()


def test_expired_and_forged_links_get_a_clear_french_page(
    client, users, submission_a, settings, private_dir
):
    client.force_login(users["agent_a"])
    set_status(client, submission_a, "a_completer", comment="Téléphone ?", fields=["telephone"])
    change = StatusChange.objects.get(submission=submission_a, to_status="a_completer")
    url = completion_link(change)
    citizen = client.__class__()

    forged = citizen.get(url[:-3] + "xx/")
    assert forged.status_code == 404
    assert "Ce lien n&#x27;est pas valide" in forged.content.decode()
    unknown = citizen.get("/passfamille/completer/nimportequoi/")
    assert unknown.status_code == 404

    settings.WAGTAIL_PASSFAMILLE_COMPLETION_LINK_MAX_AGE = -1  # every signature is too old
    expired = citizen.get(url)
    assert expired.status_code == 410 and "Ce lien a expiré" in expired.content.decode()
    assert "Service Garderie" in expired.content.decode()

    # A new « à compléter » supersedes the first link.
    settings.WAGTAIL_PASSFAMILLE_COMPLETION_LINK_MAX_AGE = 3600
    completion = CompletionRequest.objects.get()
    assert signing.TimestampSigner(salt="wagtail_passfamille.completion").unsign(
        url.split("/")[-2]
    ) == str(completion.pk)


def test_a_decision_drops_certified_values_when_the_demarche_says_so(client, users, submission_a):
    page = submission_a.page.specific
    page.drop_certified_after_decision = True
    page.save_revision().publish()
    submission_a.certified = {
        "caf": {"verification": "verifie", "fields": {"quotient_familial": 812}}
    }
    submission_a.outcome = {"version": 1, "decision": "eligible"}
    submission_a.save()
    client.force_login(users["agent_a"])
    set_status(client, submission_a, "en_instruction")
    assert Submission.objects.get(pk=submission_a.pk).certified != {}
    set_status(client, submission_a, "acceptee")
    stored = Submission.objects.get(pk=submission_a.pk)
    assert stored.certified == {} and stored.outcome == {"version": 1, "decision": "eligible"}


def test_a_completer_is_always_emailed_and_its_link_kept_out_of_the_page(
    client, users, submission_b, django_capture_on_commit_callbacks
):
    assert submission_b.page.specific.status_email_statuses == []  # opted into nothing
    client.force_login(users["agent_b"])
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        set_status(client, submission_b, "a_completer", comment="Téléphone ?", fields=["telephone"])
    (task,) = queued("send_status_email")
    url = completion_link(StatusChange.objects.get(pk=task.args[0]))
    html = client.get(f"{ADMIN}/demandes/inspect/{submission_b.pk}/").content.decode()
    # The e-mail carries it: the page (and whoever reads the agent's screen) does not.
    assert url not in html and "envoyé par e-mail" in html


def test_a_status_change_without_its_trace_is_not_kept(client, users, submission_a, monkeypatch):
    """The change and its audit row commit together: a crash writing the trace undoes both."""
    from wagtail_passfamille.models import audit_trail

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    client.force_login(users["agent_a"])
    monkeypatch.setattr(audit_trail, "record", crash)
    with pytest.raises(RuntimeError):
        set_status(client, submission_a, "en_instruction")
    assert Submission.objects.get(pk=submission_a.pk).status == "recue"
    assert not StatusChange.objects.filter(submission=submission_a).exists()


def test_the_completion_link_is_shown_only_without_e_mail_and_never_on_localhost(
    client, users, demarche_a
):
    from wagtail.models import Site

    with_email = submit(demarche_a, email="famille@example.org")
    without_email = submit(demarche_a, nom="Martin")
    Submission.objects.filter(pk=without_email.pk).update(contact_email=None)
    without_email.refresh_from_db()
    client.force_login(users["agent_a"])
    for submission in (with_email, without_email):
        response = set_status(
            client,
            submission,
            "a_completer",
            comment="Il manque le justificatif",
            document="on",
        )
        assert response.status_code == 302 and submission.status == "a_completer"
    detail = client.get(f"{ADMIN}/demandes/inspect/{with_email.pk}/").content.decode()
    assert "/passfamille/completer/" not in detail
    assert "envoyé par e-mail" in detail
    detail = client.get(f"{ADMIN}/demandes/inspect/{without_email.pk}/").content.decode()
    # The token is signed with a timestamp: read the page's link, never rebuild it a second
    # later.
    base = re.escape(django_settings.WAGTAILADMIN_BASE_URL)
    shown = re.search(rf"<code>{base}/passfamille/completer/([^/<\s]+)/</code>", detail)
    assert shown, detail
    completion = CompletionRequest.objects.get(submission=without_email)
    assert CompletionRequest.id_from_token(shown[1]) == completion.pk
    # Once the town's site has its real host name, links are built from it.
    Site.objects.filter(is_default_site=True).update(
        hostname="demarches.demoville.example", port=443
    )
    link = CompletionRequest.objects.get(submission=without_email).public_url()
    assert link.startswith("https://demarches.demoville.example/passfamille/completer/")
