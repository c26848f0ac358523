"""Who owns a draft or a submission: a citizen identified with FranceConnect, named by a keyed
hash of FranceConnect's ``sub`` (pseudonymous per service; the ``sub`` itself is never stored).
An anonymous citizen owns nothing: the empty string, which no query ever matches."""

from __future__ import annotations

from wagtail_passfamille import sources
from wagtail_passfamille.citizen.certified_forms import FETCH
from wagtail_passfamille.citizen.franceconnect.session import current_login
from wagtail_passfamille.security.crypto import keyed_hash


def owner_key(sub: str) -> str:
    return keyed_hash("franceconnect-sub", sub) if sub else ""


def owner_of(request) -> str:
    """The keyed hash of the identified citizen's ``sub``, or ``""`` when anonymous."""
    login = current_login(request)
    return owner_key(login.sub) if login is not None else ""


def owner_may_see_outcome(request, store) -> bool:
    """Whether the identified citizen may later see the outcome of their submission in « Mes
    démarches », once a deferred verification settles it: only when every identity they typed
    and had looked up is their own FranceConnect identity. A lookup deferred (outage, limits)
    for a stranger's identity typed by an identified citizen must not reveal its bracket later.
    """
    login = current_login(request)
    if login is None:
        return False
    for name, entry in store.items():
        if entry.get("choice") != FETCH or entry.get("france_connect"):
            continue
        identifiers = entry.get("identifiers") or {}
        if not sources.get(name).names_the_identified(identifiers, login.claims):
            return False
    return True
