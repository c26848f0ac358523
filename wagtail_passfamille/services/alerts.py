"""Alerts for the town when certified data cannot be fetched because of its own setup.

A refused or expired token, a missing scope or a wrong SIRET is not the citizen's problem: the
citizen goes on (deferred verification), the admin shows a banner, and the technical contact
gets one e-mail per profile and problem per hour.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from wagtail_passfamille.conf import get_setting

ALERTS_KEY = "passfamille:alerts"
EMAIL_EVERY = 60 * 60


def raise_alert(page, source: str, reason: str | None) -> None:
    profile = page.credential_profile or "-"
    alerts = cache.get(ALERTS_KEY) or {}
    alerts[f"{profile}:{source}:{reason}"] = {
        "profile": profile,
        "source": source,
        "reason": reason or "",
        "page_id": page.pk,
        "at": time.time(),
    }
    cache.set(ALERTS_KEY, alerts, timeout=7 * 24 * 3600)
    if cache.add(f"passfamille:alert-mail:{profile}:{source}:{reason}", 1, timeout=EMAIL_EVERY):
        from wagtail_passfamille.tasks import send_config_alert

        send_config_alert.using(queue_name=get_setting("TASK_QUEUE")).enqueue(
            page.pk, source, reason or ""
        )


def current_alerts() -> list[dict]:
    return sorted((cache.get(ALERTS_KEY) or {}).values(), key=lambda a: -a["at"])


def clear_alerts() -> None:
    cache.delete(ALERTS_KEY)
