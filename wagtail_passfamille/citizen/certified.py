"""Certified data in the wizard and in submissions (the Django side of ``services``).

The wizard runs a step's lookups once its form is valid, keeps each result in its encrypted
storage under a keyed hash of the identifiers (same identifiers, no new call), and turns each
outcome into what the citizen is told. At submission the ticked fields, their provenance and
the verification state go to the submission; identities stay only as long as a deferred
verification needs them.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail_passfamille import sources
from wagtail_passfamille.blocks import children_fields
from wagtail_passfamille.blocks.schema import CERTIFIED_BLOCKS, all_inputs
from wagtail_passfamille.citizen.alerts import raise_alert
from wagtail_passfamille.citizen.certified_forms import DOCUMENT, FETCH, REFUSE
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.models import PassFamilleSettings, UpstreamCall
from wagtail_passfamille.models.certified_record import CertifiedRecord, ChildMatch, SourceRecord
from wagtail_passfamille.security.client_ip import client_ip
from wagtail_passfamille.security.crypto import keyed_hash
from wagtail_passfamille.security.identity import identity_key, velocity_alarm
from wagtail_passfamille.services import Backend, Kind, LookupResult, lookup_all, match_children

logger = logging.getLogger(__name__)

MAX_IDENTITY_ATTEMPTS = 3

# Worst first: the state of a submission is the worst of its sources'.
STATE_ORDER = ["a_verifier", "non_trouve", "justificatif", "refus_partage", "verifie"]


def aggregate_verification(states) -> str:
    states = [s for s in states if s]
    for state in STATE_ORDER:
        if state in states:
            return state
    return ""


def _state_of(entry: dict) -> str:
    choice = entry.get("choice")
    if choice == DOCUMENT:
        return "justificatif"
    if choice == REFUSE:
        return "refus_partage"
    result = entry.get("result")
    return LookupResult.from_dict(result).verification if result else ""


def upstream_context(wizard):
    """(profile, recipient, limits) for the wizard's page and request."""

    page, request = wizard.page, wizard.request
    site = page.get_site()
    recipient = PassFamilleSettings.for_site(site).siret if site else ""
    if not request.session.session_key:
        request.session.save()
    limits = {"session": request.session.session_key, "ip": client_ip(request)}
    return page.credential_profile, recipient, limits


def record_calls(page, instance: str, results, submission=None):
    """One UpstreamCall per upstream call: no identity, no value."""

    rows = [
        UpstreamCall(
            page=page,
            submission=submission,
            wizard_instance=keyed_hash("instance", instance)[:64] if instance else "",
            **event,
        )
        for result in results
        for event in result.calls
    ]
    if rows:
        UpstreamCall.objects.bulk_create(rows)


def run_step_lookups(wizard, form):
    """Run what the valid step asks for; True when the step can go on, else errors are added."""
    sections = getattr(form, "certified_sections", {})
    if not sections:
        return True
    store = wizard.storage.extra_data.setdefault("certified", {})
    pending = []
    for source, section in sections.items():
        choice = form.cleaned_data.get(section.name("choix"))
        request = form.lookup_requests.get(source)
        entry = store.get(source, {})
        if choice != FETCH:
            store[source] = {"choice": choice}
        elif request is not None and entry.get("memo") != request.memo_key:
            pending.append(request)
    if pending:
        profile, recipient, limits = upstream_context(wizard)
        backend = getattr(wizard, "lookup_backend", None) or Backend()
        if not profile or not recipient:
            results = [LookupResult(r.source, Kind.CONFIG, reason="setup") for r in pending]
        else:
            results = lookup_all(
                pending, profile=profile, recipient=recipient, limits=limits, backend=backend
            )
        if backend.budgeted:
            record_calls(wizard.page, wizard.instance, results)
        for request, result in zip(pending, results):
            previous = store.get(request.source, {})
            unverified = result.kind in (Kind.NOT_MATCHED, Kind.NOT_FOUND)
            attempts = previous.get("attempts", 0) + unverified
            store[request.source] = {
                "choice": FETCH,
                # Only an answer from upstream is final for these identifiers; a lookup that was
                # not sent (limits, budget, setup) may be tried again.
                "memo": request.memo_key if result.calls else None,
                "identifiers": request.identifiers,
                "result": result.to_dict(),
                "attempts": attempts,
            }
            if result.kind is Kind.CONFIG:
                report_config_error(wizard.page, request.source, result.reason)
            if result.calls and backend.budgeted:
                watch_velocity(wizard.page, request)
    return _explain(wizard, form, store, sections)


def _explain(wizard, form, store, sections) -> bool:
    """Tell the citizen what each outcome means; False keeps them on the step."""
    ok = True
    for source, section in sections.items():
        entry = store.get(source, {})
        if entry.get("choice") != FETCH or not entry.get("result"):
            continue
        result = LookupResult.from_dict(entry["result"])
        agency = sources.get(source).agency
        choix = section.name("choix")
        if result.kind is Kind.VERIFIED:
            messages.success(
                wizard.request,
                _("Informations récupérées auprès de %(agency)s ✓") % {"agency": agency},
            )
        elif result.kind in (Kind.DEFERRED, Kind.CONFIG):
            messages.info(
                wizard.request,
                _(
                    "%(agency)s ne répond pas pour le moment : vous pouvez continuer, vos "
                    "informations seront vérifiées plus tard par nos services."
                )
                % {"agency": sources.get(source).subject},
            )
        elif result.kind in (Kind.NOT_FOUND, Kind.NOT_MATCHED):
            # One wording whether the file is missing or the identity not recognised: telling
            # them apart would say whether a stranger has a CAF/MSA or tax file.
            ok = False
            if entry.get("attempts", 0) >= MAX_IDENTITY_ATTEMPTS:
                message = _(
                    "Ces informations n'ont pas pu être vérifiées après plusieurs essais. "
                    "Choisissez de fournir un justificatif pour continuer."
                )
            else:
                message = _(
                    "Ces informations n'ont pas pu être vérifiées auprès de %(agency)s. Vérifiez "
                    "le nom de naissance, les prénoms dans l'ordre de l'état civil, la date et le "
                    "lieu de naissance (ou le numéro fiscal), ou choisissez de fournir un "
                    "justificatif."
                ) % {"agency": agency}
            form.add_error(choix, ValidationError(message, code="not_verified"))
        elif result.kind is Kind.INVALID:
            ok = False
            field = section.field_for(result.parameter) or choix
            form.add_error(
                field,
                ValidationError(
                    _("Cette information n'est pas acceptée : vérifiez-la."),
                    code="invalid",
                ),
            )
        elif result.kind is Kind.LIMITED:
            ok = False
            form.add_error(
                choix,
                ValidationError(
                    _(
                        "Trop de vérifications ont été demandées. Choisissez de fournir un "
                        "justificatif pour continuer."
                    ),
                    code="limited",
                ),
            )
    return ok


def watch_velocity(page, request) -> None:
    """Many distinct identities looked up on one démarche in a short time: an admin alert."""
    threshold, window = get_setting("VELOCITY_ALARM")
    key = identity_key(request.source, request.identifiers)
    if velocity_alarm(f"demarche-{page.pk}", key, threshold, window):
        logger.warning("Velocity alarm on page %s: many distinct identities", page.pk)
        raise_alert(page, request.source, "velocity")


def report_config_error(page, source, reason):
    """A token, scope or SIRET problem: the citizen goes on, the town is alerted."""

    logger.warning("Certified data unavailable for page %s (%s): %s", page.pk, source, reason)
    raise_alert(page, source, reason)


def step_status(wizard):
    """For templates: per source, what the citizen already did (never the values)."""
    status = {}
    for source, entry in wizard.storage.extra_data.get("certified", {}).items():
        result = entry.get("result")
        status[source] = {
            "choice": entry.get("choice"),
            "kind": result["kind"] if result else None,
            "agency": sources.get(source).agency,
        }
    return status


def certified_from_store(store: dict, page, names=None) -> tuple[CertifiedRecord, dict]:
    """(record, pending lookups) from the wizard's store, for the given sources."""
    record, pending = CertifiedRecord(), {}
    for name in names if names is not None else list(store):
        entry = store.get(name)
        if not entry:
            continue
        state = _state_of(entry)
        result = entry.get("result")
        fetched = bool(result) and entry.get("choice") == FETCH
        record = record.with_source(
            name,
            SourceRecord(
                verification=state,
                choice=entry.get("choice"),
                fields=(result.get("fields") or {}) if fetched else None,
                provenance=(result.get("provenance") or {}) if fetched else {},
            ),
        )
        if fetched and state == "a_verifier":
            pending[name] = {
                "identifiers": entry["identifiers"],
                "ticked": list(_ticked(page, name)),
            }
    return record, pending


def wizard_certified(wizard) -> CertifiedRecord:
    """What the rules may read of the certified data gathered so far (values stay server-side)."""
    store = wizard.storage.extra_data.get("certified", {})
    return certified_from_store(store, wizard.page)[0]


def submission_data(wizard, visible_sources, answers, page):
    """(certified record, verification, pending lookups) for a new submission.

    An identifier the démarche keeps (the numéro fiscal) is added to its source's record.
    """
    store = wizard.storage.extra_data.get("certified", {})
    record, pending = certified_from_store(store, page, visible_sources)
    for item in _certified_blocks(page):
        kept = sources.get(item.name).retained_identifier
        identifiers = store.get(item.name, {}).get("identifiers") or {}
        if record.get(item.name) and kept and page.keep_numero_fiscal and identifiers.get(kept):
            record = record.updated(item.name, kept_identifiers={kept: identifiers[kept]})
    record = with_children_matching(record, page, answers)
    return record, aggregate_verification(record.states()), pending or None


def with_children_matching(record: CertifiedRecord, page, answers) -> CertifiedRecord:
    """The record with each registered child matched against its source's children (agents
    read it; the citizen is never told which child matched)."""
    for item in _certified_blocks(page):
        entry = record.get(item.name)
        children_datum = sources.get(item.name).children_datum
        children = (entry.fields or {}).get(children_datum) if entry and children_datum else None
        found = children_fields.resolve(page.steps, item.value)
        if children is None or found is None:
            continue
        matches = match_children(
            answers.get(found.group) or [],
            children,
            first_name_field=found.first_name or "prenom",
            birth_date_field=found.birth_date or "date_naissance",
        )
        record = record.updated(item.name, matching=tuple(ChildMatch.from_dict(m) for m in matches))
    return record


def _certified_blocks(page):

    for _index, _step, item in all_inputs(page.steps):
        if item.block_type in CERTIFIED_BLOCKS:
            yield item


def _ticked(page, source):
    for item in _certified_blocks(page):
        if item.name == source:
            return item.value.ticked
    return ()
