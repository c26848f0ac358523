"""Where the FranceConnect login meets the démarche: which page, which scopes, what to fetch.

The views call these; the citizen integration (mode per démarche, data calls within the
callback) lives here so that the login itself stays a plain OIDC relying party.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from wagtail_passfamille.citizen.franceconnect import data
from wagtail_passfamille.citizen.franceconnect.client import IDENTITY_SCOPES, Login
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.models import DemarchePage
from wagtail_passfamille.models.pages import FRANCE_CONNECT_OFF


def demarche(page_id: int) -> DemarchePage:
    page = DemarchePage.objects.live().filter(pk=page_id).first()
    if page is None:
        raise Http404
    return page


def mode(page: DemarchePage) -> str:
    """The démarche's FranceConnect mode; « non proposée » when its credential profile has no
    FRANCECONNECT section (a configuration the admin's status panel shows)."""
    profiles = get_setting("CREDENTIALS") or {}
    profile = profiles.get(page.credential_profile) if page.credential_profile else None
    if not isinstance(profile, dict) or not profile.get("FRANCECONNECT"):
        return FRANCE_CONNECT_OFF
    return page.france_connect


def offers_france_connect(page: DemarchePage) -> bool:
    return mode(page) != FRANCE_CONNECT_OFF


def scopes_for(page: DemarchePage) -> tuple[str, ...]:
    """The identity pivot, plus exactly the scopes of the data the démarche's blocks tick."""
    return IDENTITY_SCOPES + data.data_scopes(page)


def after_login(request: HttpRequest, page: DemarchePage, login: Login) -> None:
    """Runs within the callback, while the access token lives (60 s): the data calls."""
    data.fetch(request, page, login.access_token)


def after_logout(request: HttpRequest) -> None:
    """Runs when the citizen logs out: their certified data leave the session."""
    data.forget(request)
