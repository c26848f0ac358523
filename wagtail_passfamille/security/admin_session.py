"""Security of agents' sessions: an idle timeout, and a second factor for the admin.

``AdminSessionIdleTimeoutMiddleware`` ends a session after ``ADMIN_SESSION_IDLE_TIMEOUT``
seconds without activity. Add it to ``MIDDLEWARE`` after ``AuthenticationMiddleware`` and
``MessageMiddleware``. Citizens are anonymous: only logged-in users (agents, editors) are
concerned. Background requests of the admin (the page editor's "editing sessions" ping, every
few seconds) are not activity: an editor left open in a tab must not keep the session alive.

``AdminTwoFactorMiddleware`` requires, when ``ADMIN_2FA_REQUIRED`` is on, a TOTP code
(django-otp) before any admin page: users without a device are sent to set one up, users with
one to type a code. It needs ``django_otp`` and ``django_otp.plugins.otp_totp`` in
``INSTALLED_APPS`` and ``django_otp.middleware.OTPMiddleware`` before it.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import redirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.conf import get_setting as setting

SESSION_KEY = "passfamille_last_activity"
PASSIVE_NAMESPACES = frozenset({"wagtailadmin_editing_sessions"})


def mark_activity(request, now: float | None = None) -> None:
    request.session[SESSION_KEY] = int(now if now is not None else time.time())


def is_passive(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return bool(PASSIVE_NAMESPACES.intersection(match.namespaces))


class AdminSessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            timeout = int(get_setting("ADMIN_SESSION_IDLE_TIMEOUT"))
            now = time.time()
            last = request.session.get(SESSION_KEY)
            if last is not None and now - last > timeout:
                logout(request)  # flushes the session; request.user becomes anonymous
                minutes = max(timeout // 60, 1)
                messages.info(
                    request,
                    _(
                        "Votre session a été fermée après %(minutes)s minutes d'inactivité. "
                        "Reconnectez-vous."
                    )
                    % {"minutes": minutes},
                    fail_silently=True,
                )
            elif not is_passive(request):
                # Written at most every few seconds, not on every request.
                if last is None or now - last >= min(60, max(timeout // 10, 1)):
                    mark_activity(request, now)
        return self.get_response(request)


# Admin URLs reachable before the second factor: logging in and out, setting up a device and
# typing a code, and the assets those pages need.
TWO_FACTOR_EXEMPT = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "wagtail_passfamille_2fa_verify",
        "wagtail_passfamille_2fa_setup",
    }
)


def user_has_device(user) -> bool:
    from django_otp import user_has_device as has_device

    return has_device(user, confirmed=True)


class AdminTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.check(request)
        return response or self.get_response(request)

    def check(self, request):
        if not setting("ADMIN_2FA_REQUIRED"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        try:
            admin_root = reverse("wagtailadmin_home")
        except NoReverseMatch:  # no Wagtail admin mounted
            return None
        if not request.path_info.startswith(admin_root):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.url_name in TWO_FACTOR_EXEMPT:
            return None
        if getattr(user, "is_verified", None) is None:
            # Fail closed: a second factor that is required but cannot be checked must not
            # let anyone in.
            raise ImproperlyConfigured(
                "WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED needs django_otp.middleware.OTPMiddleware "
                "before AdminTwoFactorMiddleware in MIDDLEWARE."
            )
        if user.is_verified():
            return None
        target = (
            "wagtail_passfamille_2fa_verify"
            if user_has_device(user)
            else ("wagtail_passfamille_2fa_setup")
        )
        return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
