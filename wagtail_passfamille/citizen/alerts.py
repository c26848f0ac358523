"""Alerts for the town when certified data cannot be fetched because of its own setup.

A refused or expired token, a missing scope or a wrong SIRET is not the citizen's problem: the
citizen goes on (deferred verification), the admin shows a banner, and the technical contact
gets one e-mail per profile and problem per hour.
"""

from __future__ import annotations

import logging
import smtplib
import time

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.models import DemarchePage, PassFamilleSettings
from wagtail_passfamille.security.cache import CacheUnavailable, counters

logger = logging.getLogger(__name__)

ALERTS_KEY = "passfamille:alerts"
EMAIL_EVERY = 60 * 60


def raise_alert(page, source: str, reason: str | None) -> None:
    profile = page.credential_profile or "-"
    alert = {"profile": profile, "source": source, "reason": reason or "", "page_id": page.pk}
    if store_alert(f"{profile}:{source}:{reason}", alert, f"{profile}:{source}:{reason}"):
        send_config_alert.using(queue_name=get_setting("TASK_QUEUE")).enqueue(
            page.pk, source, reason or ""
        )


def store_alert(name: str, alert: dict, mail_key: str | None = None) -> bool:
    """Show ``alert`` in the admin (one per ``name``); True when ``mail_key`` was not mailed in
    the last hour. With the counters' cache down the alert is only logged (no personal data)."""
    cache = counters()
    try:
        alerts = cache.get(ALERTS_KEY) or {}
        alerts[name] = {**alert, "at": time.time()}
        cache.set(ALERTS_KEY, alerts, timeout=7 * 24 * 3600)
        return bool(mail_key) and cache.add(
            f"passfamille:alert-mail:{mail_key}", 1, timeout=EMAIL_EVERY
        )
    except CacheUnavailable:
        logger.error("Alert not stored (cache unavailable): %s", name)
        return False


def current_alerts() -> list[dict]:
    try:
        alerts = counters().get(ALERTS_KEY) or {}
    except CacheUnavailable:
        return []
    return sorted(alerts.values(), key=lambda a: -a["at"])


def clear_alerts() -> None:
    try:
        counters().delete(ALERTS_KEY)
    except CacheUnavailable:
        pass


@task()
def send_config_alert(page_id: int, source: str, reason: str) -> str:
    """Tell the technical contact that certified data cannot be fetched (no personal data)."""
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
