"""Test families of the sandbox for editors' previews: what that family would see, and the
outcome. Lookups go through the real clients and the sandbox's in-process adapter: no network,
no quota, no audit record."""

from __future__ import annotations

import datetime as dt

from wagtail_passfamille import sources
from wagtail_passfamille.api_particulier import ApiParticulierClient, ImpotParticulierClient
from wagtail_passfamille.models.certified_record import CertifiedRecord, SourceRecord
from wagtail_passfamille.sandbox import DEFAULT_TOKEN
from wagtail_passfamille.sandbox.inprocess import BASE_URL, inprocess_session
from wagtail_passfamille.sandbox.tokens import DEFAULT_OAUTH_CLIENT_ID, DEFAULT_OAUTH_CLIENT_SECRET
from wagtail_passfamille.services import Backend, Kind, LookupRequest, lookup
from wagtail_passfamille.sources import PreviewFamily

PREFIX = "famille-"
# The SIRET of DINUM, as in every staging example: previews never reach a real API.
SIRET = "13002526500013"
#: Children registered in a preview: those of the family's file under this age.
MINOR_AGE = 18


def families_for(source_names) -> list[PreviewFamily]:
    """The preview families of the given sources, in the registry's order."""
    return [
        family
        for source in sources.all_sources()
        if source.name in source_names
        for family in source.preview_families
    ]


def preview_backend() -> Backend:

    def api_particulier(_profile, recipient):
        return ApiParticulierClient(BASE_URL, DEFAULT_TOKEN, recipient, session=inprocess_session())

    def impot_particulier(_profile):
        return ImpotParticulierClient(
            BASE_URL + "/impotparticulier/1.0",
            BASE_URL + "/token",
            DEFAULT_OAUTH_CLIENT_ID,
            DEFAULT_OAUTH_CLIENT_SECRET,
            session=inprocess_session(),
        )

    return Backend(api_particulier, impot_particulier, budgeted=False)


def family_certified(family: PreviewFamily, ticked: tuple[str, ...], annee=None) -> CertifiedRecord:
    """The certified record a submission of that family would hold."""
    identifiers = dict(family.identifiers)
    if annee is not None:
        identifiers["annee"] = annee
    request = LookupRequest(family.source, identifiers, ticked)
    fetcher = None
    if family.france_connect_token:
        source = sources.get(family.source)

        def fetcher(backend):
            return source.fetch_france_connect(
                backend, family.france_connect_token, ticked, profile="apercu", recipient=SIRET
            )

    result = lookup(
        request, profile="apercu", recipient=SIRET, backend=preview_backend(), fetcher=fetcher
    )
    verified = result.kind is Kind.VERIFIED
    entry = SourceRecord(
        verification=result.verification,
        choice="recuperer",
        fields=result.fields if verified else None,
        provenance=result.provenance if verified else {},
    )
    return CertifiedRecord({family.source: entry})


def family_children(family: PreviewFamily, on: dt.date) -> list[tuple[str, dt.date]]:
    """(first name, birth date) of the family's children a parent would register on ``on``:
    the minors of the CAF/MSA file, oldest first (the order that gives the reductions)."""
    source = sources.get(family.source)
    if not source.children_datum:
        return []
    entry = family_certified(family, (source.children_datum,)).get(family.source)
    on_file = (entry.fields or {}).get(source.children_datum) if entry else None
    children = []
    for child in on_file or ():
        born = _date(child.get("date_naissance"))
        if born is None or born > on or _age(born, on) >= MINOR_AGE:
            continue
        first = (child.get("prenoms") or "").split(" ")[0]
        children.append((first[:1].upper() + first[1:].lower(), born))
    return sorted(children, key=lambda c: c[1])


def _date(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:  # partial dates of the file (« 2020-04-00 »): not registered in a preview
        return None


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
