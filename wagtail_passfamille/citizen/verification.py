"""Deferred verification: lookups an upstream outage postponed, retried in the background
until they resolve or the deadline sends the submission to an agent's manual review."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from wagtail_passfamille.citizen.certified import (
    aggregate_verification,
    record_calls,
    report_config_error,
    with_children_matching,
)
from wagtail_passfamille.citizen.verified_notice import enqueue_verified_notice
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.models import PassFamilleSettings, Submission
from wagtail_passfamille.services import Kind, LookupRequest, LookupResult, lookup

logger = logging.getLogger(__name__)


@task()
def verify_pending(submission_id: int, attempt: int = 1) -> str:
    """Deferred verification: retry the lookups an outage postponed, until they resolve or the
    deadline sends the submission to an agent's manual review. Any error (a database
    dropped, a bug) re-enqueues it with a growing delay, like an upstream outage does."""
    try:
        return resolve_pending(submission_id, attempt)
    except Exception as error:
        logger.warning(
            "Deferred verification of submission %s failed (attempt %s): %s",
            submission_id,
            attempt,
            type(error).__name__,
        )
        enqueue_verification(submission_id, attempt + 1, delay=min(60 * 2**attempt, 6 * 3600))
        return "retry"


def enqueue_verification(submission_id: int, attempt: int = 1, delay: float = 60) -> None:
    verify_pending.using(
        queue_name=get_setting("TASK_QUEUE"),
        run_after=timezone.now() + dt.timedelta(seconds=delay),
    ).enqueue(submission_id, attempt)


def resolve_pending(submission_id: int, attempt: int) -> str:
    """One round of deferred verification for a submission (see :func:`verify_pending`)."""
    submission = Submission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None or not submission.pending_lookups:
        return "nothing"
    page = submission.page.specific
    site = page.get_site()
    recipient = PassFamilleSettings.for_site(site).siret if site else ""
    pending = dict(submission.pending_lookups)
    record = submission.certified_record
    results = []
    for source, item in list(pending.items()):
        request = LookupRequest(source, item["identifiers"], tuple(item["ticked"]))
        if not page.credential_profile or not recipient:
            result = LookupResult(source, Kind.CONFIG, reason="setup")
        else:
            result = lookup(
                request, profile=page.credential_profile, recipient=recipient, enforce_limits=False
            )
        results.append(result)
        if result.kind in (Kind.VERIFIED, Kind.NOT_FOUND):
            record = record.updated(
                source,
                verification=result.verification,
                fields=result.fields if result.kind is Kind.VERIFIED else None,
                provenance=result.provenance,
            )
            del pending[source]
        elif result.kind in (Kind.NOT_MATCHED, Kind.INVALID):
            # The identity as typed is not recognised: only an agent can sort it out.
            record = record.updated(source, verification="a_verifier", manual_review=True)
            del pending[source]
        elif result.kind is Kind.CONFIG:
            report_config_error(page, source, result.reason)
    record_calls(page, "", results, submission=submission)
    deadline = submission.submitted_at + dt.timedelta(
        seconds=get_setting("DEFERRED_VERIFICATION_DEADLINE")
    )
    outcome = "resolved"
    if pending and timezone.now() >= deadline:
        for source in pending:
            record = record.updated(source, verification="a_verifier", manual_review=True)
        pending = {}
        outcome = "manual_review"
    submission.certified_record = with_children_matching(record, page, submission.answers or {})
    submission.pending_lookups = pending or None
    submission.verification = aggregate_verification(record.states())
    page.refresh_outcome(submission)
    submission.save()
    if outcome == "resolved" and not pending and submission.verification != "a_verifier":
        # « Votre demande a été vérifiée »: the result itself only in « Mes démarches ».
        transaction.on_commit(partial(enqueue_verified_notice, submission.pk), robust=True)
    if pending:
        delay = min(60 * 2**attempt, 6 * 3600)
        enqueue_verification(submission.pk, attempt + 1, delay=delay)
        return "retry"
    return outcome
