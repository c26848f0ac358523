"""Retention: delete what the démarches no longer may keep (``manage.py passfamille_purge``).

- Submissions older than their démarche's ``retention_months`` (counted from submission) are
  deleted with their files, status changes and completion requests, once they are decided
  (acceptée, refusée, sans suite). A submission still open is kept and counted, so that the
  service closes it: deleting a file an agent is working on would lose it.
- For démarches with ``drop_certified_after_decision``, certified values of decided
  submissions are dropped (the status change does it at once; the purge catches up).
- Files under ``submissions/`` with no row (an interrupted submission, a restored backup)
  older than ``ORPHAN_FILE_GRACE`` are deleted.
- Wizard leftovers: files of abandoned démarches (``wizard/``) past the wizard lifetime. The
  wizard's data in sessions are Fernet tokens that expire with ``WIZARD_LIFETIME`` on their own;
  expired ``django_session`` rows are removed by ``clearsessions``, which the purge runs.
- Drafts (« Enregistrer et reprendre plus tard ») past ``DRAFT_LIFETIME``, with their files.
Counts only in logs and in the audit record: never a name, never a reference in logs.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from wagtail_passfamille.backoffice.workflow import FINAL
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.conf import get_setting as setting
from wagtail_passfamille.models import DemarchePage, Submission, SubmissionFile
from wagtail_passfamille.models.drafts import purge_expired_drafts
from wagtail_passfamille.security.private_storage import (
    SUBMISSION_PREFIX,
    delete_stale_wizard_files,
    private_storage,
)

logger = logging.getLogger(__name__)
BATCH = 500


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day ``months`` calendar months earlier (clamped to the month's last day)."""
    year, month = divmod(moment.year * 12 + (moment.month - 1) - months, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


@dataclass
class PurgeReport:
    submissions: int = 0
    kept_open: int = 0
    files: int = 0
    certified_dropped: int = 0
    orphan_files: int = 0
    wizard_files: int = 0
    drafts: int = 0
    sessions_cleared: bool = False
    purged: list = field(default_factory=list)  # (id, reference), for the audit record only

    def counts(self) -> dict:
        return {
            "submissions": self.submissions,
            "kept_open": self.kept_open,
            "files": self.files,
            "certified_dropped": self.certified_dropped,
            "orphan_files": self.orphan_files,
            "wizard_files": self.wizard_files,
            "drafts": self.drafts,
            "sessions_cleared": self.sessions_cleared,
        }


def expired_submissions(now=None):
    """(queryset of expired decided submissions, count of expired open ones), all démarches."""

    now = now or timezone.now()
    expired = Submission.objects.none()
    open_count = 0
    for page in DemarchePage.objects.only("pk", "retention_months"):
        cutoff = months_before(now, page.retention_months)
        of_page = Submission.objects.filter(page_id=page.pk, submitted_at__lt=cutoff)
        expired |= of_page.filter(status__in=list(FINAL))
        open_count += of_page.exclude(status__in=list(FINAL)).count()
    return expired, open_count


def purge_submissions(report: PurgeReport, *, dry_run: bool) -> None:

    expired, report.kept_open = expired_submissions()
    while True:
        batch = list(expired.order_by("pk").values_list("pk", "reference")[:BATCH])
        if dry_run:
            batch = list(expired.order_by("pk").values_list("pk", "reference"))
        if not batch:
            break
        ids = [pk for pk, _ref in batch]
        names = list(
            SubmissionFile.objects.filter(submission_id__in=ids).values_list(
                "storage_name", flat=True
            )
        )
        report.submissions += len(batch)
        report.files += len(names)
        report.purged.extend(batch)
        if dry_run:
            break
        with transaction.atomic():
            Submission.objects.filter(pk__in=ids).delete()
        for name in names:  # after the commit: a failed delete leaves an orphan, not a hole
            private_storage().delete(name)


def drop_certified(report: PurgeReport, *, dry_run: bool) -> None:

    pages = list(
        DemarchePage.objects.filter(drop_certified_after_decision=True).values_list("pk", flat=True)
    )
    decided = Submission.objects.filter(page_id__in=pages, status__in=list(FINAL)).only(
        "pk", "certified", "pending_lookups"
    )
    for submission in decided.iterator(chunk_size=BATCH):
        record = submission.certified_record
        if not record and not submission.pending_lookups:
            continue
        report.certified_dropped += 1
        if not dry_run:
            Submission.objects.filter(pk=submission.pk).update(
                certified=record.without_values().to_dict(), pending_lookups=None
            )


def _walk(storage, directory):
    try:
        directories, files = storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{directory}/{name}"
    for sub in directories:
        yield from _walk(storage, f"{directory}/{sub}")


def purge_orphan_files(report: PurgeReport, *, dry_run: bool) -> None:

    storage = private_storage()
    cutoff = time.time() - setting("ORPHAN_FILE_GRACE")
    for name in _walk(storage, SUBMISSION_PREFIX.rstrip("/")):
        if SubmissionFile.objects.filter(storage_name=name).exists():
            continue
        try:
            if storage.get_modified_time(name).timestamp() >= cutoff:
                continue  # maybe a submission committing right now
        except (FileNotFoundError, OSError):
            continue
        report.orphan_files += 1
        if not dry_run:
            storage.delete(name)


def purge(*, dry_run: bool = False) -> PurgeReport:

    report = PurgeReport()
    purge_submissions(report, dry_run=dry_run)
    drop_certified(report, dry_run=dry_run)
    purge_orphan_files(report, dry_run=dry_run)
    report.wizard_files = delete_stale_wizard_files(get_setting("WIZARD_LIFETIME"), dry_run=dry_run)
    report.drafts = purge_expired_drafts(dry_run=dry_run)
    if not dry_run:
        call_command("clearsessions")
        report.sessions_cleared = True
    logger.info("Purge%s: %s", " (dry run)" if dry_run else "", report.counts())
    return report
