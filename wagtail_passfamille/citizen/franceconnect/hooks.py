"""Where the FranceConnect login meets the démarche: which page, which scopes, what to fetch.

The views call these; the citizen integration (mode per démarche, data calls within the
callback) lives here so that the login itself stays a plain OIDC relying party.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from wagtail_passfamille.citizen.franceconnect.client import IDENTITY_SCOPES, Login
from wagtail_passfamille.models import DemarchePage


def demarche(page_id: int) -> DemarchePage:
    page = DemarchePage.objects.live().filter(pk=page_id).first()
    if page is None:
        raise Http404
    return page


def offers_france_connect(page: DemarchePage) -> bool:
    return bool(page.credential_profile)


def scopes_for(page: DemarchePage) -> tuple[str, ...]:
    """The identity pivot, plus the data scopes of the démarche's certified blocks."""
    return IDENTITY_SCOPES


def after_login(request: HttpRequest, page: DemarchePage, login: Login) -> None:
    """Runs within the callback, while the access token lives (60 s)."""


def after_logout(request: HttpRequest) -> None:
    """Runs when the citizen logs out."""
