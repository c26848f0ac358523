"""The wizard's session: saved by the wizard itself (a database that dropped keeps the step on
screen with what was posted), and its idle lifetime said to the citizen."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError

from wagtail_passfamille.conf import get_setting

logger = logging.getLogger("wagtail_passfamille.citizen.wizard")


class WizardSessionMixin:
    def save_session(self):
        """Save the session now rather than in the middleware, where a database that dropped
        gives the site's 400 page (« formulaire incomplet ») and loses what was just posted."""
        session = self.request.session
        if self.request.method != "POST" or not session.modified or session.is_empty():
            return True
        try:
            session.save()
        except (UpdateError, DatabaseError):
            logger.warning("Wizard session not saved (database unavailable)")
            session.modified = False  # the middleware must not try again (its 400 page)
            return False
        # Saved: the middleware must not write it a second time; the wizard sets the cookie.
        session.modified = False
        self.request._passfamille_session_saved = True
        return True

    def session_not_saved(self):
        """The step again, with what was posted in its inputs and the « incident » message."""
        step = self.resolve_step(self.kwargs.get("step", "")) or self.steps.first
        self.storage.current_step = step  # in memory only: the session stays as it was
        data = self.request.POST if self.request.method == "POST" else None
        form = self.get_form(step=step, data=data)
        form.show_errors = False
        return self.render(form, submit_failed=True)

    def time_limit(self):
        """The idle lifetime, said on the first step, and when the answers will be erased."""
        lifetime = get_setting("WIZARD_LIFETIME")
        expires_at = self.storage.expires_at()
        return {
            "lifetime_minutes": max(int(lifetime // 60), 1),
            "expires_at": dt.datetime.fromtimestamp(expires_at, tz=dt.UTC),
            "expires_in": max(int(expires_at - time.time()), 0),
        }
