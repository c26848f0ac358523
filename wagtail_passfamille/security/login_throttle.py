"""Login throttling and lockout, through django-axes, for the forms that are not password forms.

Password logins (Wagtail's admin, Django's admin, any view calling ``authenticate()``) are
counted by django-axes itself (its authentication backend and middleware, see the README). The
second factor's pages type a code, not a password: they ask here whether the account or the IP
is locked, and report each wrong code to the same counters, so that a password and a code
guessed in turn share one budget per account and per IP.

Without ``axes`` in ``INSTALLED_APPS`` nothing is counted here (system check
``wagtail_passfamille.W010`` warns).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.checks import Warning
from django.template.response import TemplateResponse

LOCKED_OUT_TEMPLATE = "wagtail_passfamille/admin/locked_out.html"


def enabled() -> bool:
    return apps.is_installed("axes") and getattr(settings, "AXES_ENABLED", True)


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def is_locked(request, user) -> bool:
    """True while ``user``'s account or the request's IP is locked out."""
    if not enabled():
        return False
    from axes.handlers.proxy import AxesProxyHandler

    return not AxesProxyHandler.is_allowed(request, _credentials(user))


def count_failure(request, user) -> None:
    """Count one wrong second-factor code against ``user``'s account and the request's IP."""
    if not enabled():
        return
    from axes.handlers.proxy import AxesProxyHandler

    # The handler directly, not the user_login_failed signal: the audit trail already has
    # its own record of this failure.
    AxesProxyHandler.user_login_failed(__name__, _credentials(user), request)


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: a French page, 429, saying for how long (never who)."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    minutes = max(int(cool_off.total_seconds() // 60), 1) if cool_off else None
    response = TemplateResponse(request, LOCKED_OUT_TEMPLATE, {"minutes": minutes}, status=429)
    return response.render()


def check_login_throttle(app_configs=None, **kwargs):
    """W010: logins are not throttled without django-axes."""
    if apps.is_installed("axes"):
        return []
    return [
        Warning(
            "django-axes is not in INSTALLED_APPS: wrong passwords and second-factor codes "
            "are not throttled and no account is ever locked.",
            hint="Add 'axes' to INSTALLED_APPS, its backend to AUTHENTICATION_BACKENDS and "
            "its middleware to MIDDLEWARE (see the README).",
            id="wagtail_passfamille.W010",
        )
    ]
