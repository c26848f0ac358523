"""Retries of background tasks after any error (django-tasks has none of its own)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from wagtail_passfamille.conf import get_setting

logger = logging.getLogger(__name__)


def retry_later(task, args: tuple, attempt: int, error: BaseException, *, attempts: int) -> str:
    """Re-enqueue ``task(*args, attempt + 1)`` in 2**attempt minutes after any error, up to
    ``attempts`` attempts; the log names the error's type only (no personal data)."""
    name = task.name
    if attempt >= attempts:
        logger.error("Task %s gave up after %s attempts: %s", name, attempt, type(error).__name__)
        return "failed"
    logger.warning("Task %s failed (attempt %s): %s", name, attempt, type(error).__name__)
    task.using(
        queue_name=get_setting("TASK_QUEUE"),
        run_after=timezone.now() + dt.timedelta(minutes=2**attempt),
    ).enqueue(*args, attempt + 1)
    return "retry"
