"""What a FranceConnect login keeps in the citizen's (server-side) session, encrypted.

Pending logins (``state``, ``nonce``, the démarche) until their callback, each used once; the
verified login (profile, ``sub``, identity claims, the ID token for the logout's
``id_token_hint``); the logout's ``state``. Never the access token.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from wagtail_passfamille.citizen.franceconnect.client import Login, Pending
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.security.crypto import decrypt_json, encrypt_json

PENDING_KEY = "passfamille_fc_pending"
LOGIN_KEY = "passfamille_fc_login"
LOGOUT_KEY = "passfamille_fc_logout"
MAX_PENDING = 5  # a few tabs at once; older ones are dropped


@dataclass(frozen=True)
class CurrentLogin:
    profile: str
    page_id: int
    sub: str
    claims: Mapping[str, Any]
    id_token: str = field(repr=False)
    at: float


def remember_pending(request: HttpRequest, pending: Pending, page_id: int, back: str) -> None:
    entries = dict(request.session.get(PENDING_KEY) or {})
    entries[pending.state] = encrypt_json(
        {"pending": pending.to_dict(), "page_id": page_id, "back": back}
    )
    request.session[PENDING_KEY] = dict(list(entries.items())[-MAX_PENDING:])


def take_pending(request: HttpRequest, state: str) -> tuple[Pending, int, str] | None:
    """The pending login of ``state`` (with its page and where to come back), removed (a state
    is good once), or None."""
    entries = dict(request.session.get(PENDING_KEY) or {})
    token = entries.pop(state, None) if state else None
    if token is None:
        return None
    request.session[PENDING_KEY] = entries
    try:
        data = decrypt_json(token)
        return Pending.from_dict(data["pending"]), int(data["page_id"]), str(data.get("back") or "")
    except (ValueError, KeyError, TypeError):
        return None


def remember_login(request: HttpRequest, page, login: Login) -> None:
    request.session.cycle_key()  # a new session id once identified (session fixation)
    request.session[LOGIN_KEY] = encrypt_json(
        {
            "profile": page.credential_profile,
            "page_id": page.pk,
            "sub": login.sub,
            "claims": dict(login.claims),
            "id_token": login.id_token,
            "at": time.time(),
        }
    )


def current_login(request: HttpRequest) -> CurrentLogin | None:
    token = request.session.get(LOGIN_KEY)
    if not token:
        return None
    try:
        data = decrypt_json(token)
        login = CurrentLogin(
            str(data["profile"]),
            int(data["page_id"]),
            str(data["sub"]),
            dict(data["claims"]),
            str(data["id_token"]),
            float(data["at"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    if login.at + get_setting("WIZARD_LIFETIME") < time.time():
        return None
    return login


def forget_login(request: HttpRequest) -> CurrentLogin | None:
    login = current_login(request)
    request.session.pop(LOGIN_KEY, None)
    return login


def remember_logout(request: HttpRequest, state: str, next_url: str) -> None:
    request.session[LOGOUT_KEY] = {"state": state, "next": next_url}


def take_logout(request: HttpRequest, state: str | None) -> str | None:
    """Where to go after FranceConnect's logout; ``state`` must match when FranceConnect sent it."""
    data = request.session.pop(LOGOUT_KEY, None) or {}
    if state is not None and state != data.get("state"):
        return None
    return data.get("next")
