"""Security of agents' sessions: an idle timeout, and a second factor for the admin.

``AdminSessionIdleTimeoutMiddleware`` ends a session after ``ADMIN_SESSION_IDLE_TIMEOUT``
seconds without activity. Add it to ``MIDDLEWARE`` after ``AuthenticationMiddleware`` and
``MessageMiddleware``. Citizens are anonymous: only logged-in users (agents, editors) are
concerned. Background requests of the admin (the page editor's "editing sessions" ping, every
few seconds) are not activity: an editor left open in a tab must not keep the session alive.

``AdminTwoFactorMiddleware`` requires, when ``ADMIN_2FA_REQUIRED`` is on, a TOTP code
(django-otp) before *any* request of a staff user (Wagtail admin access, ``is_staff`` or
superuser), whatever the URL: Wagtail's admin, Django's admin at any prefix, the site's own
views. Only logging in and out, the second factor's own pages and static files are reachable
before it. Users without a device are sent to set one up, users with one to type a code. It
needs ``django_otp`` and ``django_otp.plugins.otp_totp`` in ``INSTALLED_APPS`` and
``django_otp.middleware.OTPMiddleware`` before it: :func:`check_two_factor_setup` (system check
``wagtail_passfamille.E010``) errors otherwise.

It also keeps the current request at hand (:func:`current_request`) so that changes of OTP
devices, which arrive as model signals, are traced with who made them and from where.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.checks import Error
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


# URLs reachable before the second factor: logging in and out (Wagtail's and Django's admin),
# setting up a device and typing a code, and the assets those pages need.
TWO_FACTOR_EXEMPT = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "wagtail_passfamille_2fa_verify",
        "wagtail_passfamille_2fa_setup",
        "admin:logout",
        "admin:jsi18n",
    }
)
MIDDLEWARE_PATH = "wagtail_passfamille.security.admin_session.AdminTwoFactorMiddleware"
LEGACY_MIDDLEWARE_PATH = "wagtail_passfamille.admin_session.AdminTwoFactorMiddleware"
OTP_MIDDLEWARE_PATH = "django_otp.middleware.OTPMiddleware"
AUTH_MIDDLEWARE_PATH = "django.contrib.auth.middleware.AuthenticationMiddleware"

_current_request: ContextVar = ContextVar("passfamille_current_request", default=None)


def current_request():
    """The request being answered in this thread or task (set by the 2FA middleware)."""
    return _current_request.get()


def user_has_device(user) -> bool:
    from django_otp import user_has_device as has_device

    return has_device(user, confirmed=True)


def is_staff_user(user) -> bool:
    """Whoever may see any admin: Wagtail admin access, Django's ``is_staff``, superusers."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"))


def _url_name(path_info: str) -> str | None:
    try:
        match = resolve(path_info)
    except Resolver404:
        return None
    return match.view_name


def _is_static(path_info: str) -> bool:
    static_url = getattr(settings, "STATIC_URL", None) or ""
    return bool(static_url.startswith("/") and path_info.startswith(static_url))


class AdminTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.check(request)
            return response or self.get_response(request)
        finally:
            _current_request.reset(token)

    def check(self, request):
        if not setting("ADMIN_2FA_REQUIRED"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if getattr(user, "is_verified", None) is None:
            # Fail closed: a second factor that is required but cannot be checked must not
            # let anyone in.
            raise ImproperlyConfigured(
                "WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED needs django_otp.middleware.OTPMiddleware "
                "before AdminTwoFactorMiddleware in MIDDLEWARE."
            )
        if user.is_verified() or not is_staff_user(user):
            return None
        if _is_static(request.path_info) or _url_name(request.path_info) in TWO_FACTOR_EXEMPT:
            return None
        target = (
            "wagtail_passfamille_2fa_verify"
            if user_has_device(user)
            else "wagtail_passfamille_2fa_setup"
        )
        try:
            url = reverse(target)
        except NoReverseMatch:
            # No page to type a code on (Wagtail's admin or otp_totp missing): refuse.
            raise ImproperlyConfigured(
                "WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED needs Wagtail's admin URLs and "
                "django_otp.plugins.otp_totp in INSTALLED_APPS."
            ) from None
        return redirect(url + "?" + urlencode({"next": request.get_full_path()}))


def check_two_factor_setup(app_configs=None, **kwargs):
    """E010: a required second factor with its apps or middlewares missing or misordered."""
    if not setting("ADMIN_2FA_REQUIRED"):
        return []
    errors = []
    missing_apps = [
        app for app in ("django_otp", "django_otp.plugins.otp_totp") if not apps.is_installed(app)
    ]
    if missing_apps:
        errors.append(
            Error(
                "WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED is on but INSTALLED_APPS lacks "
                + ", ".join(missing_apps)
                + ".",
                hint="Add them (see the README's installation section).",
                id="wagtail_passfamille.E010",
            )
        )
    middleware = list(settings.MIDDLEWARE or [])
    positions = {}
    for path in (AUTH_MIDDLEWARE_PATH, OTP_MIDDLEWARE_PATH, MIDDLEWARE_PATH):
        names = (path, LEGACY_MIDDLEWARE_PATH) if path == MIDDLEWARE_PATH else (path,)
        found = [i for i, name in enumerate(middleware) if name in names]
        positions[path] = found[0] if found else None
    absent = [path for path, position in positions.items() if position is None]
    if absent:
        errors.append(
            Error(
                "WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED is on but MIDDLEWARE lacks "
                + ", ".join(absent)
                + ": no second factor would be asked.",
                hint=f"List {AUTH_MIDDLEWARE_PATH}, then {OTP_MIDDLEWARE_PATH}, then "
                f"{MIDDLEWARE_PATH}.",
                id="wagtail_passfamille.E010",
            )
        )
    elif not (
        positions[AUTH_MIDDLEWARE_PATH]
        < positions[OTP_MIDDLEWARE_PATH]
        < positions[MIDDLEWARE_PATH]
    ):
        errors.append(
            Error(
                "WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED: the middlewares are in the wrong order.",
                hint=f"List {AUTH_MIDDLEWARE_PATH}, then {OTP_MIDDLEWARE_PATH}, then "
                f"{MIDDLEWARE_PATH}.",
                id="wagtail_passfamille.E010",
            )
        )
    return errors
