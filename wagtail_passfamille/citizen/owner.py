"""Who owns a draft or a submission: a citizen identified with FranceConnect, named by a keyed
hash of FranceConnect's ``sub`` (pseudonymous per service; the ``sub`` itself is never stored).
An anonymous citizen owns nothing: the empty string, which no query ever matches."""

from __future__ import annotations

from wagtail_passfamille.citizen.franceconnect.session import current_login
from wagtail_passfamille.security.crypto import keyed_hash


def owner_key(sub: str) -> str:
    return keyed_hash("franceconnect-sub", sub) if sub else ""


def owner_of(request) -> str:
    """The keyed hash of the identified citizen's ``sub``, or ``""`` when anonymous."""
    login = current_login(request)
    return owner_key(login.sub) if login is not None else ""
