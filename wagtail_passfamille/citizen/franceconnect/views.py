"""FranceConnect login and logout views of a démarche.

``login`` (POST from the button) sends the citizen to FranceConnect; ``callback`` checks what comes
back, runs the data calls while the 60 s access token lives (``hooks.after_login``), keeps the
verified identity encrypted in the session and returns to the démarche; ``logout`` ends the local
and the FranceConnect sessions (``session/end`` with ``id_token_hint``); ``logout_done`` is the
registered ``post_logout_redirect_uri``.

Every failure returns to the démarche with a French message (the wizard's answers are in the
session, untouched: nothing typed is lost, the anonymous way stays open); a callback that matches
no login of this session (forged or replayed ``state``) gets a 400 page.
"""

from __future__ import annotations

import logging
import secrets
import time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wagtail_passfamille.citizen.franceconnect import hooks, session
from wagtail_passfamille.citizen.franceconnect.client import (
    Config,
    FranceConnectClient,
    FranceConnectError,
    Pending,
)
from wagtail_passfamille.citizen.franceconnect.messages import MESSAGES
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.services.clients import ProfileError, profile_section

logger = logging.getLogger(__name__)
PENDING_MAX_AGE = 10 * 60  # the citizen may take a while on FranceConnect's pages


def client_for(profile: str) -> FranceConnectClient:
    try:
        values = profile_section(profile, "FRANCECONNECT")
    except ProfileError:
        raise FranceConnectError("not_configured", "no FRANCECONNECT section") from None
    return FranceConnectClient(Config.from_settings(values))


def _redirect_uri(request: HttpRequest, profile: str) -> str:
    values = profile_section(profile, "FRANCECONNECT")
    return values.get("REDIRECT_URI") or request.build_absolute_uri(
        reverse("wagtail_passfamille:franceconnect_callback")
    )


def _logout_uri(request: HttpRequest, profile: str) -> str:
    values = profile_section(profile, "FRANCECONNECT")
    return values.get("POST_LOGOUT_REDIRECT_URI") or request.build_absolute_uri(
        reverse("wagtail_passfamille:franceconnect_logout_done")
    )


def _local(request: HttpRequest, url: str | None, default: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return default


def _back_to(request: HttpRequest, back: str, error: FranceConnectError) -> HttpResponse:
    """To the step the citizen left (its answers are kept), with a French message."""
    logger.warning("FranceConnect login failed: %s", error)  # a reason code, no personal data
    level = messages.INFO if error.reason == "cancelled" else messages.WARNING
    messages.add_message(request, level, MESSAGES[error.reason])
    return HttpResponseRedirect(back)


def _failure_page(request: HttpRequest, error: FranceConnectError) -> HttpResponse:
    logger.warning("FranceConnect callback refused: %s", error)
    context = {"base_template": get_setting("BASE_TEMPLATE"), "message": MESSAGES[error.reason]}
    return render(request, "wagtail_passfamille/franceconnect/error.html", context, status=400)


@never_cache
@require_POST
def login(request: HttpRequest, page_id: int) -> HttpResponse:
    page = hooks.demarche(page_id)
    back = _local(request, request.POST.get("next"), page.url)
    try:
        if not hooks.offers_france_connect(page):
            raise FranceConnectError("not_configured", "not offered by this démarche")
        client = client_for(page.credential_profile)
        url, pending = client.authorization(
            _redirect_uri(request, page.credential_profile), hooks.scopes_for(page)
        )
    except FranceConnectError as error:
        return _back_to(request, back, error)
    session.remember_pending(request, pending, page.pk, back)
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    found = session.take_pending(request, request.GET.get("state", ""))
    if found is None:  # forged, replayed, or from another browser
        return _failure_page(request, FranceConnectError("expired", "unknown state"))
    pending, page_id, back = found
    page = hooks.demarche(page_id)
    back = _local(request, back, page.url)
    try:
        if pending.created + PENDING_MAX_AGE < time.time():
            raise FranceConnectError("expired", "login too old")
        client = client_for(page.credential_profile)
        login = client.callback(request.GET, pending)
    except FranceConnectError as error:
        return _back_to(request, back, error)
    session.remember_login(request, page, login)
    hooks.after_login(request, page, login)  # the data calls, within the token's 60 s
    messages.success(request, MESSAGES["connected"])
    return HttpResponseRedirect(back)


@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """« Se déconnecter »: ends the local FranceConnect login, then FranceConnect's session."""
    return end_session(request, _local(request, request.POST.get("next"), "/"))


def end_session(request: HttpRequest, next_url: str) -> HttpResponse:
    """Forget the login and its data here, then send the citizen through FranceConnect's
    ``session/end`` (``id_token_hint``, ``state``, registered ``post_logout_redirect_uri``), back
    to ``next_url``. Also used at submission."""
    current = session.forget_login(request)
    hooks.after_logout(request)
    if current is None:
        return HttpResponseRedirect(next_url)
    state = secrets.token_urlsafe(32)
    session.remember_logout(request, state, next_url)
    try:
        client = client_for(current.profile)
        url = client.logout_url(current.id_token, _logout_uri(request, current.profile), state)
    except (FranceConnectError, ProfileError):
        url = None
    if url is None:  # FranceConnect unreachable: the local session is over all the same
        messages.info(request, MESSAGES["logged_out"])
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def logout_done(request: HttpRequest) -> HttpResponse:
    """FranceConnect's way back after ``session/end``; ``state`` is tolerated when absent
    (FranceConnect once failed to echo it: reference §2.4)."""
    next_url = session.take_logout(request, request.GET.get("state"))
    messages.info(request, MESSAGES["logged_out"])
    return HttpResponseRedirect(next_url or "/")


__all__ = ["Pending", "callback", "end_session", "login", "logout", "logout_done"]
