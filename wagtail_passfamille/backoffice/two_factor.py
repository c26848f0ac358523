"""Second factor of admin logins: set up a TOTP device, then type its code (django-otp).

django-otp throttles wrong codes per device (growing delays); django-axes counts each wrong code,
on the set-up page as on the verification page, with the wrong passwords of the same account
and IP, and refuses every code while they are locked out
(:mod:`wagtail_passfamille.security.login_throttle`). Each wrong code is traced as a failed
login.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from wagtail_passfamille.models import AuditRecord, audit_trail
from wagtail_passfamille.security import login_throttle


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code à 6 chiffres de votre application d'authentification"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url("wagtailadmin_home")


def _qr_svg(data: str) -> str:
    from django_otp.qr import write_qrcode_image

    out = io.BytesIO()
    write_qrcode_image(data, out)
    svg = out.getvalue().decode()
    return svg[svg.find("<svg") :]


def _accept(request, device, token, form) -> bool:
    from django_otp import login as otp_login

    if login_throttle.is_locked(request, request.user):
        audit_trail.record(
            request, AuditRecord.Action.LOGIN_FAILED, detail={"second_factor": True, "locked": True}
        )
        form.add_error(
            "token",
            _(
                "Trop d'essais infructueux : ce compte est verrouillé pour un moment. "
                "Réessayez plus tard ou contactez votre administrateur."
            ),
        )
        return False
    allowed, _info = device.verify_is_allowed()
    if allowed and device.verify_token(token.strip().replace(" ", "")):
        otp_login(request, device)
        return True
    audit_trail.record(request, AuditRecord.Action.LOGIN_FAILED, detail={"second_factor": True})
    login_throttle.count_failure(request, request.user)
    if allowed:
        form.add_error("token", _("Ce code n'est pas valide ou a expiré."))
    else:
        form.add_error("token", _("Trop d'essais : patientez quelques secondes puis réessayez."))
    return False


@never_cache
@sensitive_post_parameters("token")
def setup_view(request):
    """Show the QR code of a new TOTP device; confirm it with a first code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=_("Application d'authentification"), confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _accept(request, device, form.cleaned_data["token"], form):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            messages.success(request, _("Double authentification activée."))
            return redirect(_next(request))
    return TemplateResponse(
        request,
        "wagtail_passfamille/admin/two_factor.html",
        {
            "form": form,
            "setup": True,
            "qr_svg": mark_safe(_qr_svg(device.config_url)),
            "secret": device.key,
            "next": _next(request),
        },
    )


@never_cache
@sensitive_post_parameters("token")
def verify_view(request):
    """Type the current code of one's device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("wagtail_passfamille_2fa_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _accept(request, device, form.cleaned_data["token"], form):
            return redirect(_next(request))
    return TemplateResponse(
        request,
        "wagtail_passfamille/admin/two_factor.html",
        {"form": form, "setup": False, "next": _next(request)},
    )
