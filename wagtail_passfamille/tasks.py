"""Background tasks (django-tasks). They receive ids, never personal data: task arguments are
stored in clear by the database backend."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from wagtail_passfamille.conf import get_setting

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
    from wagtail_passfamille.models import PassFamilleSettings, Submission

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


@task()
def send_config_alert(page_id: int, source: str, reason: str) -> str:
    """Tell the technical contact that certified data cannot be fetched (no personal data)."""
    from django.core.mail import send_mail

    from wagtail_passfamille.models import DemarchePage, PassFamilleSettings

    page = DemarchePage.objects.filter(pk=page_id).first()
    site = page.get_site() if page else None
    town = PassFamilleSettings.for_site(site) if site else None
    if town is None or not town.technical_contact_email:
        return "no-contact"
    with translation.override("fr"):
        context = {
            "page": page,
            "source": source,
            "reason": reason,
            "profile": page.credential_profile,
        }
        subject = render_to_string("wagtail_passfamille/emails/config_alert_subject.txt", context)
        body = render_to_string("wagtail_passfamille/emails/config_alert.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [town.technical_contact_email])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Configuration alert not sent: %s", type(error).__name__)
        return "failed"
    return "sent"


@task()
def verify_pending(submission_id: int, attempt: int = 1) -> str:
    """Deferred verification: retry the lookups an outage postponed, until they resolve or the
    deadline sends the submission to an agent's manual review."""
    from wagtail_passfamille.citizen.certified import resolve_pending

    return resolve_pending(submission_id, attempt)


def enqueue_verification(submission_id: int, attempt: int = 1, delay: float = 60) -> None:
    verify_pending.using(
        queue_name=get_setting("TASK_QUEUE"),
        run_after=timezone.now() + dt.timedelta(seconds=delay),
    ).enqueue(submission_id, attempt)
