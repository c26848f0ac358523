"""The e-mail saying a deferred verification is done (sent in the background).

E-mails are not authenticated: they never carry the tariff nor anything derived from certified
data. A citizen who submitted identified with FranceConnect is invited to read the result in
« Mes démarches »; an anonymous one is told only that the application was verified. The task
receives an id, never personal data.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from wagtail_passfamille.citizen.retry import retry_later
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.models import Submission
from wagtail_passfamille.models.backoffice import public_root_url

ATTEMPTS = 6


def enqueue_verified_notice(submission_id: int) -> None:
    send_verified_notice.using(queue_name=get_setting("TASK_QUEUE")).enqueue(submission_id, 1)


@task()
def send_verified_notice(submission_id: int, attempt: int = 1) -> str:
    try:
        submission = Submission.objects.select_related("page").filter(pk=submission_id).first()
        if submission is None or not submission.contact_email:
            return "skipped"
        verified_message(submission).send()
        return "sent"
    except Exception as error:
        return retry_later(
            send_verified_notice, (submission_id,), attempt, error, attempts=ATTEMPTS
        )


def verified_message(submission) -> EmailMessage:
    page = submission.page.specific
    with translation.override(submission.language or "fr"):
        context = {
            "demarche": page.title,
            "reference": submission.reference,
            "identified": bool(submission.owner),
            "my_demarches_url": public_root_url(page) + reverse("wagtail_passfamille:my_demarches"),
        }
        subject = render_to_string("wagtail_passfamille/emails/verified_subject.txt", context)
        body = render_to_string("wagtail_passfamille/emails/verified.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[submission.contact_email])
