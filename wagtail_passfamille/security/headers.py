"""Security headers: Content-Security-Policy (django-csp) and Permissions-Policy.

:class:`ContentSecurityPolicyMiddleware` is django-csp's middleware, replacing it in
``MIDDLEWARE``: pages under Wagtail's or Django's admin get ``ADMIN_CONTENT_SECURITY_POLICY``
(the admin still has inline scripts and styles), every other page the site's
``CONTENT_SECURITY_POLICY`` (the citizens' pages need no inline script or style: ``'self'``
suffices). A view decorated with django-csp's own decorators keeps its override.

:class:`PermissionsPolicyMiddleware` sets ``Permissions-Policy`` from ``PERMISSIONS_POLICY``
(feature → allowed origins; an empty list switches the feature off).
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.urls import NoReverseMatch, reverse

from wagtail_passfamille.conf import get_setting

PERMISSIONS_POLICY_HEADER = "Permissions-Policy"


def admin_prefixes() -> tuple[str, ...]:
    prefixes = []
    for name in ("wagtailadmin_home", "admin:index"):
        try:
            prefixes.append(reverse(name))
        except NoReverseMatch:
            continue
    return tuple(prefixes)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(admin_prefixes())
        ):
            parts.config = get_setting("ADMIN_CONTENT_SECURITY_POLICY")["DIRECTIVES"]
        return parts


def permissions_policy() -> str:
    def allowlist(origins):
        return "(" + " ".join(o if o == "self" else f'"{o}"' for o in origins) + ")"

    return ", ".join(
        f"{feature}={allowlist(origins)}"
        for feature, origins in get_setting("PERMISSIONS_POLICY").items()
    )


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if PERMISSIONS_POLICY_HEADER not in response:
            value = permissions_policy()
            if value:
                response[PERMISSIONS_POLICY_HEADER] = value
        return response
