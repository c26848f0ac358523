"""Clients built from the credential profiles of the settings, kept per process for keep-alive."""

from __future__ import annotations

import threading

from wagtail_passfamille.api_particulier import (
    ApiParticulierClient,
    ImpotParticulierClient,
    Timeout,
)
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.security.crypto import keyed_hash


class ProfileError(LookupError):
    """The démarche names no usable credential profile (a configuration error)."""


_clients: dict[tuple, object] = {}
_lock = threading.Lock()


def _timeout() -> Timeout:
    return Timeout(connect=get_setting("CONNECT_TIMEOUT"), deadline=get_setting("CALL_DEADLINE"))


def profile_section(profile: str, section: str) -> dict:
    profiles = get_setting("CREDENTIALS")
    values = (profiles.get(profile) or {}).get(section) if profile else None
    if not values:
        raise ProfileError(f"credential profile {profile!r} has no {section}")
    return values


def api_particulier(profile: str, recipient: str) -> ApiParticulierClient:
    values = profile_section(profile, "API_PARTICULIER")
    # Keyed on a hash of the secret: a rotated token gets a new client, no secret is kept as key.
    key = ("caf", profile, recipient, values["URL"], keyed_hash("token", values["TOKEN"]))
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = ApiParticulierClient(
                values["URL"], values["TOKEN"], recipient, timeout=_timeout()
            )
            _clients[key] = client
    return client


def impot_particulier(profile: str) -> ImpotParticulierClient:
    values = profile_section(profile, "IMPOT_PARTICULIER")
    key = (
        "dgfip",
        profile,
        values["URL"],
        values["TOKEN_URL"],
        values["CLIENT_ID"],
        keyed_hash("secret", values["CLIENT_SECRET"]),
    )
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = ImpotParticulierClient(
                values["URL"],
                values["TOKEN_URL"],
                values["CLIENT_ID"],
                values["CLIENT_SECRET"],
                timeout=_timeout(),
                scope=values.get("SCOPE"),
            )
            _clients[key] = client
    return client


def forget_clients() -> None:
    """Drop the cached clients (tests changing settings, token rotation)."""
    with _lock:
        _clients.clear()
