"""The certified data of an identified citizen: fetched within the callback, kept encrypted.

FranceConnect's access token lives 60 s, so the callback calls each certified source of the
démarche at once (API Particulier's ``/v3/dss/quotient_familial/france_connect``, API Impôt
particulier with ``X-FranceConnect-OAuth``), through the same budget, circuit breaker, audit
rows and error classification as the anonymous lookups (``services.lookup`` with the source's
``fetch_france_connect``). The results are kept in the session, encrypted, per démarche, and
copied into the wizard's (encrypted) storage as the sources' entries, marked ``france_connect``:
the wizard then neither asks for the identity nor looks it up again. The token itself is never
stored.
"""

from __future__ import annotations

from django.http import HttpRequest

from wagtail_passfamille import sources
from wagtail_passfamille.blocks.schema import CERTIFIED_BLOCKS, all_inputs
from wagtail_passfamille.citizen.certified import record_calls
from wagtail_passfamille.citizen.certified_forms import FETCH
from wagtail_passfamille.models import PassFamilleSettings
from wagtail_passfamille.security.crypto import decrypt_json, encrypt_json
from wagtail_passfamille.services import Kind, LookupRequest, LookupResult, lookup

DATA_KEY = "passfamille_fc_data"
MEMO = "franceconnect"


def certified_items(page):
    for _index, _step, item in all_inputs(page.steps):
        if item.block_type in CERTIFIED_BLOCKS:
            yield item


def data_scopes(page) -> tuple[str, ...]:
    """The FranceConnect scopes of the data the démarche's certified blocks tick, sorted."""
    scopes: set[str] = set()
    for item in certified_items(page):
        scopes |= sources.scopes_of(item.name, item.value.ticked)
    return tuple(sorted(scopes))


def fetch(request: HttpRequest, page, access_token: str) -> dict[str, dict]:
    """Call every certified source of the démarche with the FranceConnect token (in the
    callback), record the audit rows, and keep the results encrypted in the session."""
    site = page.get_site()
    recipient = PassFamilleSettings.for_site(site).siret if site else ""
    results: dict[str, LookupResult] = {}
    for item in certified_items(page):
        source = sources.get(item.name)
        ticked = tuple(item.value.ticked)
        lookup_request = LookupRequest(source.name, {}, ticked)
        if not page.credential_profile or not recipient:
            results[source.name] = LookupResult(source.name, Kind.CONFIG, reason="setup")
            continue

        def fetcher(backend, source=source, ticked=ticked):
            return source.fetch_france_connect(
                backend,
                access_token,
                ticked,
                profile=page.credential_profile,
                recipient=recipient,
            )

        results[source.name] = lookup(
            lookup_request,
            profile=page.credential_profile,
            recipient=recipient,
            enforce_limits=False,  # the citizen is identified: no enumeration to bound
            fetcher=fetcher,
        )
    record_calls(page, "", list(results.values()))
    stored = {name: result.to_dict() for name, result in results.items()}
    all_data = dict(request.session.get(DATA_KEY) or {})
    all_data[str(page.pk)] = encrypt_json(stored)
    request.session[DATA_KEY] = all_data
    return stored


def stored(request: HttpRequest, page) -> dict[str, dict]:
    token = (request.session.get(DATA_KEY) or {}).get(str(page.pk))
    if not token:
        return {}
    try:
        return decrypt_json(token)
    except ValueError:
        return {}


def forget(request: HttpRequest) -> None:
    request.session.pop(DATA_KEY, None)


def verified_sources(request: HttpRequest, page) -> frozenset[str]:
    """The sources FranceConnect's callback fetched for this citizen (their sections then ask
    nothing); a source with no file or no answer keeps its usual section."""
    return frozenset(
        name for name, result in stored(request, page).items() if result.get("kind") == "verified"
    )


def merge_into(wizard) -> None:
    """Copy the identified citizen's verified results into the wizard's certified store."""
    results = {
        name: result
        for name, result in stored(wizard.request, wizard.page).items()
        if result.get("kind") == "verified"
    }
    store = wizard.storage.extra_data.get("certified", {})
    for name in [n for n, e in store.items() if e.get("france_connect") and n not in results]:
        del store[name]  # logged out meanwhile: the anonymous way asks again
    if not results:
        return
    store = wizard.storage.extra_data.setdefault("certified", {})
    for name, result in results.items():
        entry = store.get(name) or {}
        if entry.get("memo") == MEMO and entry.get("result") == result:
            continue
        store[name] = {
            "choice": FETCH,
            "memo": MEMO,
            "identifiers": {},
            "result": result,
            "attempts": 0,
            "france_connect": True,
        }
