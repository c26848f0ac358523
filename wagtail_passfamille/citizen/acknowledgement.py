"""The accusé de réception électronique (CRPA L112-11), e-mailed in the background after a
submission commits. The task receives an id, never personal data."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from wagtail_passfamille.citizen.retry import retry_later
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.models import PassFamilleSettings, Submission, outcomes

logger = logging.getLogger(__name__)

ACKNOWLEDGEMENT_ATTEMPTS = 6


def enqueue_acknowledgement(submission_id: int) -> None:
    """Queue the accusé de réception; called after the submission's transaction commits."""
    send_acknowledgement.using(queue_name=get_setting("TASK_QUEUE")).enqueue(submission_id, 1)


@task()
def send_acknowledgement(submission_id: int, attempt: int = 1) -> str:
    """Send the accusé de réception électronique (CRPA L112-11) of one submission, once.

    Any failure (SMTP, database, a bug) re-enqueues the task with a growing delay; the
    submission row is locked while the e-mail goes out and ``acknowledged_at`` commits with
    it, so a re-sent task (retry, sweep) never sends a second one.
    """
    try:
        return _send_once(submission_id)
    except Exception as error:
        return retry_later(
            send_acknowledgement,
            (submission_id,),
            attempt,
            error,
            attempts=ACKNOWLEDGEMENT_ATTEMPTS,
        )


def _send_once(submission_id: int) -> str:
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None or not submission.contact_email:
            return "skipped"
        if submission.acknowledged_at is not None:
            return "already-sent"
        _message(submission).send()
        Submission.objects.filter(pk=submission_id).update(acknowledged_at=timezone.now())
    return "sent"


def _message(submission) -> EmailMessage:
    page = submission.page.specific
    site = page.get_site()
    town = PassFamilleSettings.for_site(site) if site else None
    with translation.override(submission.language or "fr"):
        context = {
            "reference": submission.reference,
            "submitted_at": timezone.localtime(submission.submitted_at),
            "demarche": page.title,
            "service_contact": page.service_contact,
            "collectivite": (town.collectivite if town else "") or (site.site_name if site else ""),
            "provisional": outcomes.is_provisional(submission.outcome, [submission.verification]),
        }
        subject = render_to_string(
            "wagtail_passfamille/emails/acknowledgement_subject.txt", context
        )
        body = render_to_string("wagtail_passfamille/emails/acknowledgement.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[submission.contact_email])
