"""Test families of the sandbox for editors' previews: what that family would see, and the
outcome. Lookups go through the real clients and the sandbox's in-process adapter: no network,
no quota, no audit record."""

from __future__ import annotations

from wagtail_passfamille import sources
from wagtail_passfamille.api_particulier import ApiParticulierClient, ImpotParticulierClient
from wagtail_passfamille.models.certified_record import CertifiedRecord, SourceRecord
from wagtail_passfamille.sandbox import DEFAULT_TOKEN
from wagtail_passfamille.sandbox.inprocess import BASE_URL, inprocess_session
from wagtail_passfamille.sandbox.tokens import DEFAULT_OAUTH_CLIENT_ID, DEFAULT_OAUTH_CLIENT_SECRET
from wagtail_passfamille.services import Backend, Kind, LookupRequest, lookup
from wagtail_passfamille.sources import PreviewFamily

PREFIX = "famille-"


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
    # The SIRET of DINUM, as in every staging example: previews never reach a real API.
    result = lookup(
        request, profile="apercu", recipient="13002526500013", backend=preview_backend()
    )
    verified = result.kind is Kind.VERIFIED
    entry = SourceRecord(
        verification=result.verification,
        choice="recuperer",
        fields=result.fields if verified else None,
        provenance=result.provenance if verified else {},
    )
    return CertifiedRecord({family.source: entry})
