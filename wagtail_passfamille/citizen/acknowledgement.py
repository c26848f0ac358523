"""The accusé de réception électronique (CRPA L112-11), e-mailed in the background after a
submission commits. The task receives an id, never personal data."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.models import PassFamilleSettings, Submission, outcomes

logger = logging.getLogger(__name__)

ACKNOWLEDGEMENT_ATTEMPTS = 6


def enqueue_acknowledgement(submission_id: int) -> None:
    """Queue the accusé de réception; called after the submission's transaction commits."""
    send_acknowledgement.using(queue_name=get_setting("TASK_QUEUE")).enqueue(submission_id, 1)


@task()
def send_acknowledgement(submission_id: int, attempt: int = 1) -> str:
    """Send the accusé de réception électronique (CRPA L112-11) of one submission.

    SMTP failures never reach the citizen: the task re-enqueues itself with a growing delay
    (django-tasks has no retries of its own), and gives up after a few attempts.
    """
    submission = Submission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None or not submission.contact_email:
        return "skipped"
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
    message = EmailMessage(" ".join(subject.split()), body, to=[submission.contact_email])
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning(
            "Acknowledgement of submission %s not sent (attempt %s): %s",
            submission_id,
            attempt,
            type(error).__name__,
        )
        if attempt < ACKNOWLEDGEMENT_ATTEMPTS:
            delay = dt.timedelta(minutes=2**attempt)
            send_acknowledgement.using(
                queue_name=get_setting("TASK_QUEUE"), run_after=timezone.now() + delay
            ).enqueue(submission_id, attempt + 1)
            return "retry"
        return "failed"
    return "sent"
