"""E-mails of the back-office, sent by django-tasks after the transaction commits.

Tasks receive ids only (their arguments are stored in clear). Texts never hold certified values
nor the citizen's answers: the citizen's status e-mail is the démarche's own text with a fixed
list of placeholders, replaced in one pass by plain strings (never the template engine); agents
get the reference, the démarche and a link to the admin.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from wagtail_passfamille.backoffice.links import inspect_url
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.models import StatusChange, Submission
from wagtail_passfamille.models.submissions import Status

logger = logging.getLogger(__name__)

ATTEMPTS = 6
PLACEHOLDERS = ("reference", "demarche", "statut", "lien", "commentaire")
_PLACEHOLDER_RE = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace ``{reference}``… in one pass: a value containing ``{lien}`` stays as typed."""
    return _PLACEHOLDER_RE.sub(lambda match: str(values.get(match.group(1), "")), text or "")


def _queue():
    return get_setting("TASK_QUEUE")


def enqueue_status_email(status_change_id: int) -> None:
    send_status_email.using(queue_name=_queue()).enqueue(status_change_id, 1)


def enqueue_new_submission_notice(submission_id: int, kind: str = "new") -> None:
    send_agents_notice.using(queue_name=_queue()).enqueue(submission_id, kind, 1)


def _send(message, retry, attempt, what, object_id) -> str:
    try:
        message.send()
    except Exception as error:  # SMTP, network, anything: retried, never lost silently
        logger.warning(
            "%s %s not sent (attempt %s): %s", what, object_id, attempt, type(error).__name__
        )
        if attempt < ATTEMPTS:
            retry(timezone.now() + dt.timedelta(minutes=2**attempt))
            return "retry"
        return "failed"
    return "sent"


@task()
def send_status_email(status_change_id: int, attempt: int = 1) -> str:
    """Tell the citizen their submission's new status, in the démarche's own words."""

    change = (
        StatusChange.objects.select_related("submission__page").filter(pk=status_change_id).first()
    )
    if change is None or not change.submission.contact_email:
        return "skipped"
    submission = change.submission
    page = submission.page.specific
    with translation.override(submission.language or "fr"):
        link = ""
        completion = getattr(change, "completion_request", None)
        if change.to_status == Status.A_COMPLETER and completion is not None:
            link = completion.public_url()
        values = {
            "reference": submission.reference,
            "demarche": page.title,
            "statut": str(Status(change.to_status).label),
            "lien": link,
            "commentaire": change.comment or "",
        }
        subject = fill_placeholders(getattr(page, "status_email_subject", "") or "", values)
        body = fill_placeholders(getattr(page, "status_email_body", "") or "", values)
    message = EmailMessage(" ".join(subject.split()), body, to=[submission.contact_email])

    def retry(run_after):
        send_status_email.using(queue_name=_queue(), run_after=run_after).enqueue(
            status_change_id, attempt + 1
        )

    return _send(message, retry, attempt, "Status e-mail of change", status_change_id)


@task()
def send_agents_notice(submission_id: int, kind: str = "new", attempt: int = 1) -> str:
    """Tell the démarche's named agents that a submission arrived (or was completed)."""

    submission = Submission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None:
        return "skipped"
    page = submission.page.specific
    agents = getattr(page, "notified_agents", None)
    recipients = sorted(
        {user.email for user in agents.filter(is_active=True) if user.email} if agents else set()
    )
    if not recipients:
        return "skipped"
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    admin_url = base + inspect_url(submission.pk)
    with translation.override(settings.LANGUAGE_CODE):
        values = {"reference": submission.reference, "demarche": page.title}
        if kind == "completed":
            subject = _("Complément reçu : demande %(reference)s") % values
            intro = _("Le demandeur a complété la demande %(reference)s (%(demarche)s).") % values
        else:
            subject = _("Nouvelle demande %(reference)s") % values
            intro = _("Une nouvelle demande %(reference)s a été déposée (%(demarche)s).") % values
        body = "\n\n".join(
            [
                _("Bonjour,"),
                intro,
                _("Pour la consulter : %(url)s") % {"url": admin_url},
                _("Ce message est envoyé automatiquement, merci de ne pas y répondre."),
            ]
        )
    message = EmailMessage(subject, body + "\n", to=recipients)

    def retry(run_after):
        send_agents_notice.using(queue_name=_queue(), run_after=run_after).enqueue(
            submission_id, kind, attempt + 1
        )

    return _send(message, retry, attempt, "Agents' notice of submission", submission_id)
