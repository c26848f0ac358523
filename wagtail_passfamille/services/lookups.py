"""Certified-data lookups: one function per source, every upstream outcome mapped to a kind.

Nothing here talks to the database: audit events are returned to the caller, which records
them (from the request's thread: lookups of one step may run in worker threads).
"""

from __future__ import annotations

import enum
import json
import re
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from wagtail_passfamille.api_particulier import (
    ApiError,
    Conflict,
    EndpointRetired,
    Forbidden,
    Identite,
    IdentityNotMatched,
    InvalidParameters,
    InvalidRecipient,
    NotFound,
    PartialDate,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.geo import parse_code_postal_ville, resolve_commune
from wagtail_passfamille.security.crypto import keyed_hash
from wagtail_passfamille.security.throttle import hit
from wagtail_passfamille.services import clients
from wagtail_passfamille.services.budget import Budget

# What an editor may tick, and the API Particulier scope each one needs.
CAF_DATA = {
    "quotient_familial": "cnaf_quotient_familial",
    "allocataires": "cnaf_allocataires",
    "enfants": "cnaf_enfants",
    "adresse": "cnaf_adresse",
}
DGFIP_DATA = {
    "revenu_fiscal_reference": "dgfip_rfr",
    "nombre_parts": "dgfip_nbpart",
    "situation_famille": "dgfip_sitfam",
    "nombre_personnes_a_charge": "dgfip_pac_nbPac",
    "adresse_fiscale": "dgfip_aft",
}


_POSTCODE_TOWN = re.compile(r"(?:^|\s)(?P<postcode>[0-9]{5})\s+(?P<town>[^0-9].*?)\s*$", re.ASCII)


class Kind(enum.StrEnum):
    VERIFIED = "verified"  # data fetched
    NOT_FOUND = "not_found"  # no CAF/MSA or tax file
    NOT_MATCHED = "not_matched"  # identity not recognised: the citizen checks what was typed
    INVALID = "invalid"  # a parameter the API refused: a field to correct
    DEFERRED = "deferred"  # outage, rate limit, budget: verified later by a task
    CONFIG = "config"  # token, scopes, SIRET: deferred for the citizen, an alert for the town
    LIMITED = "limited"  # too many lookups from this session, address or identity


VERIFICATION = {
    Kind.VERIFIED: "verifie",
    Kind.NOT_FOUND: "non_trouve",
    Kind.DEFERRED: "a_verifier",
    Kind.CONFIG: "a_verifier",
}


@dataclass
class LookupRequest:
    source: str  # "caf" or "dgfip"
    identifiers: dict  # JSON-able; see identite_from() and the DGFiP lookup
    ticked: tuple[str, ...]

    @property
    def memo_key(self) -> str:
        """A keyed hash of what identifies the lookup: same identifiers, same key."""
        canonical = json.dumps(
            {"identifiers": self.identifiers, "ticked": sorted(self.ticked)}, sort_keys=True
        )
        return keyed_hash("lookup", self.source, canonical)


@dataclass
class LookupResult:
    source: str
    kind: Kind
    fields: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    parameter: str | None = None
    reason: str | None = None
    calls: list = field(default_factory=list)

    @property
    def verification(self) -> str:
        return VERIFICATION.get(self.kind, "")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["kind"] = self.kind.value
        data.pop("calls")
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LookupResult:
        return cls(**{**data, "kind": Kind(data["kind"])})


@dataclass
class Backend:
    """Where clients come from: the settings' profiles, or the in-process sandbox (preview)."""

    api_particulier: Callable = clients.api_particulier
    impot_particulier: Callable = clients.impot_particulier
    #: Preview spends no quota and counts no attempt.
    budgeted: bool = True


def identite_from(identifiers: Mapping[str, Any]) -> Identite:
    annee = identifiers.get("annee")
    date = PartialDate(annee, identifiers.get("mois"), identifiers.get("jour")) if annee else None
    return Identite(
        nom_naissance=identifiers["nom_naissance"],
        nom_usage=identifiers.get("nom_usage") or None,
        prenoms=tuple(p for p in identifiers["prenoms"] if p),
        sexe=identifiers["sexe"],
        date_naissance=date,
        code_pays_naissance=identifiers["pays"],
        code_commune_naissance=identifiers.get("commune") or None,
    )


def _commune_of(postcode: str | None, town: str | None) -> str | None:
    if not postcode or not town:
        return None
    return resolve_commune(postcode, town)


def caf_fields(result, ticked) -> dict:
    """Only the ticked data are kept (minimisation); a block the token masks stays None."""
    answer = result.to_dict()
    fields: dict[str, Any] = {
        key: answer[key]
        for key in ("quotient_familial", "allocataires", "enfants", "adresse")
        if key in ticked
    }
    address = fields.get("adresse")
    if address is not None:
        parsed = parse_code_postal_ville(address.get("code_postal_ville") or "")
        address["commune"] = _commune_of(*parsed) if parsed else None
    return fields


def dgfip_fields(situation, ticked) -> dict:
    fields: dict[str, Any] = {"annee_revenus": situation.annee_revenus}
    if "revenu_fiscal_reference" in ticked:
        fields["revenu_fiscal_reference"] = situation.revenu_fiscal_reference
    if "nombre_parts" in ticked:
        parts = situation.nombre_parts
        # Parts come in halves and quarters: kept exact, as text.
        fields["nombre_parts"] = None if parts is None else str(Decimal(str(parts)))
    if "situation_famille" in ticked:
        fields["situation_famille"] = situation.situation_famille
    if "nombre_personnes_a_charge" in ticked:
        fields["nombre_personnes_a_charge"] = situation.nombre_personnes_a_charge
    if "adresse_fiscale" in ticked:
        address = situation.adresse_fiscale
        if address is None:
            fields["adresse_fiscale"] = None
        else:
            data = address.to_dict()
            postcode, town = data.get("code_postal"), data.get("commune")
            if not (postcode and town):
                # Only the one-line form: "5 IMPASSE DE LA DUNE 51000 CHALONS-EN-CHAMPAGNE".
                found = _POSTCODE_TOWN.search(data.get("texte") or "")
                postcode, town = (found["postcode"], found["town"]) if found else (None, None)
            data["commune_cog"] = _commune_of(postcode, town)
            fields["adresse_fiscale"] = data
    return fields


def _provenance(source: str, provenance, **extra) -> dict:
    return {
        "source": source,
        "endpoint": provenance.endpoint,
        "api_version": "v3" if source == "caf" else "1.0",
        "fetched_at": provenance.fetched_at.isoformat(),
        "request_id": provenance.request_id,
        "cached": provenance.cached,
        **extra,
    }


def _event(source, endpoint, started, *, kind, error=None, provenance=None) -> dict:
    return {
        "source": source,
        "endpoint": endpoint,
        "status_code": getattr(error, "status_code", None) or (None if error else 200),
        "provider_code": (getattr(error, "code", None) or "")[:10],
        "outcome": kind.value,
        "duration_ms": int((time.monotonic() - started) * 1000),
        "request_id": (
            getattr(error, "request_id", None) or getattr(provenance, "request_id", None) or ""
        )[:100],
        "cached": bool(getattr(provenance, "cached", False)),
    }


def _limited(request: LookupRequest, limits: Mapping[str, str]) -> bool:
    """Anti-enumeration: a lookup reveals that a family exists, so attempts are bounded."""
    settings = get_setting("LOOKUP_LIMITS")
    checks = (
        ("SESSION", limits.get("session")),
        ("IP", limits.get("ip")),
        ("IDENTIFIER", request.memo_key),
    )
    return not all(
        hit(f"lookup-{scope.lower()}", key, *settings[scope]) for scope, key in checks if key
    )


def _call(request: LookupRequest, profile: str, recipient: str, backend: Backend):
    if request.source == "caf":
        client = backend.api_particulier(profile, recipient)
        result = client.quotient_familial(identite_from(request.identifiers))
        fields = caf_fields(result, request.ticked)
        fournisseur = result.quotient_familial.fournisseur if result.quotient_familial else None
        return fields, _provenance("caf", result.provenance, fournisseur=fournisseur)
    client = backend.impot_particulier(profile)
    numero = request.identifiers["numero_fiscal"]
    year = request.identifiers.get("annee")
    if year:
        situation = client.situation_ir(numero, int(year))
    else:
        situation = latest_situation(client, numero)
    return (
        dgfip_fields(situation, request.ticked),
        _provenance("dgfip", situation.provenance, annee_revenus=situation.annee_revenus),
    )


def latest_situation(client, numero):
    """ "Dernier avis disponible": income year N-1 once its avis are out (August), else N-2."""
    today = timezone.localdate()
    years = [today.year - 1, today.year - 2] if today.month >= 8 else [today.year - 2]
    for index, year in enumerate(years):
        try:
            return client.derniere_situation_ir(numero, year)
        except NotFound:
            if index == len(years) - 1:
                raise
    raise AssertionError("unreachable")


def lookup(
    request: LookupRequest,
    *,
    profile: str,
    recipient: str,
    limits: Mapping[str, str] | None = None,
    backend: Backend | None = None,
    enforce_limits: bool = True,
) -> LookupResult:
    """One lookup. ``enforce_limits=False`` for background verification, which citizens do not
    trigger; the shared budget always applies."""
    backend = backend or Backend()
    source = request.source
    if backend.budgeted:
        if enforce_limits and _limited(request, limits or {}):
            return LookupResult(source, Kind.LIMITED, reason="limits")
        budget = Budget(profile, source)
        refused = budget.admit()
        if refused:
            return LookupResult(source, Kind.DEFERRED, reason=refused)
    started = time.monotonic()
    endpoint = "quotient_familial" if source == "caf" else "situation_ir"
    try:
        fields, provenance = _call(request, profile, recipient, backend)
    except clients.ProfileError:
        return LookupResult(source, Kind.CONFIG, reason="profile")
    except ApiError as error:
        kind, reason = classify(error)
        if backend.budgeted:
            if isinstance(error, RateLimited):
                Budget(profile, source).block(error.retry_after)
            elif isinstance(error, ProviderUnavailable):
                Budget(profile, source).record_failure()
        return LookupResult(
            source,
            kind,
            parameter=getattr(error, "parameter", None) if kind is Kind.INVALID else None,
            reason=reason,
            calls=[_event(source, error.endpoint or endpoint, started, kind=kind, error=error)],
        )
    if backend.budgeted:
        Budget(profile, source).record_success()
    return LookupResult(
        source,
        Kind.VERIFIED,
        fields=fields,
        provenance=provenance,
        calls=[_event(source, provenance["endpoint"], started, kind=Kind.VERIFIED)],
    )


def classify(error: ApiError) -> tuple[Kind, str]:
    """(kind, reason) of an upstream error: the one place deciding what the citizen is told."""
    if isinstance(error, NotFound):
        return Kind.NOT_FOUND, "not_found"
    if isinstance(error, IdentityNotMatched):
        return Kind.NOT_MATCHED, "not_matched"
    if isinstance(error, InvalidRecipient):  # before InvalidParameters: a subclass of it
        return Kind.CONFIG, "recipient"
    if isinstance(error, InvalidParameters):
        return Kind.INVALID, "parameter"
    if isinstance(error, Unauthorized | Forbidden | EndpointRetired):
        return Kind.CONFIG, type(error).__name__
    if isinstance(error, RateLimited):
        return Kind.DEFERRED, "rate_limited"
    if isinstance(error, Conflict):
        return Kind.DEFERRED, "conflict"
    return Kind.DEFERRED, "unavailable"


def lookup_all(requests_: list[LookupRequest], **kwargs) -> list[LookupResult]:
    """Several lookups of one step run concurrently: the step waits for the slowest only."""
    if len(requests_) <= 1:
        return [lookup(r, **kwargs) for r in requests_]
    with ThreadPoolExecutor(max_workers=len(requests_)) as pool:
        return list(pool.map(lambda r: lookup(r, **kwargs), requests_))
