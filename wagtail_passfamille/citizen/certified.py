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

from wagtail_passfamille.citizen.certified_forms import DOCUMENT, FETCH, REFUSE
from wagtail_passfamille.security.client_ip import client_ip
from wagtail_passfamille.security.crypto import keyed_hash
from wagtail_passfamille.services import Backend, Kind, LookupResult, lookup_all

logger = logging.getLogger(__name__)

MAX_IDENTITY_ATTEMPTS = 3
# "auprès de …" and "… ne répond pas": the body is named, never what it answered.
AGENCIES = {
    # Translators: read after « auprès de » (« auprès de la CAF ou de la MSA »).
    "caf": _("la CAF ou de la MSA"),
    "dgfip": _("l'administration fiscale"),
}
SUBJECTS = {"caf": _("La CAF ou la MSA"), "dgfip": _("L'administration fiscale")}

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
    from wagtail_passfamille.models import PassFamilleSettings

    page, request = wizard.page, wizard.request
    site = page.get_site()
    recipient = PassFamilleSettings.for_site(site).siret if site else ""
    if not request.session.session_key:
        request.session.save()
    limits = {"session": request.session.session_key, "ip": client_ip(request)}
    return page.credential_profile, recipient, limits


def record_calls(page, instance: str, results, submission=None):
    """One UpstreamCall per upstream call: no identity, no value."""
    from wagtail_passfamille.models import UpstreamCall

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
            attempts = previous.get("attempts", 0) + (result.kind is Kind.NOT_MATCHED)
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
    return _explain(wizard, form, store, sections)


def _explain(wizard, form, store, sections) -> bool:
    """Tell the citizen what each outcome means; False keeps them on the step."""
    ok = True
    for source, section in sections.items():
        entry = store.get(source, {})
        if entry.get("choice") != FETCH or not entry.get("result"):
            continue
        result = LookupResult.from_dict(entry["result"])
        agency = AGENCIES[source]
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
                % {"agency": SUBJECTS[source]},
            )
        elif result.kind is Kind.NOT_FOUND:
            ok = False
            form.add_error(
                choix,
                ValidationError(
                    _(
                        "Aucun dossier n'a été trouvé auprès de %(agency)s pour ces informations. "
                        "Vérifiez-les, ou choisissez de fournir un justificatif."
                    )
                    % {"agency": agency},
                    code="not_found",
                ),
            )
        elif result.kind is Kind.NOT_MATCHED:
            ok = False
            if entry.get("attempts", 0) >= MAX_IDENTITY_ATTEMPTS:
                message = _(
                    "Nous n'avons pas pu vérifier votre identité après plusieurs essais. "
                    "Choisissez de fournir un justificatif pour continuer."
                )
            else:
                message = _(
                    "Ces informations ne permettent pas de vous identifier. Vérifiez votre nom "
                    "de naissance, vos prénoms dans l'ordre de l'état civil, votre date et votre "
                    "lieu de naissance."
                )
            form.add_error(choix, ValidationError(message, code="not_matched"))
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


def report_config_error(page, source, reason):
    """A token, scope or SIRET problem: the citizen goes on, the town is alerted."""
    from wagtail_passfamille.services.alerts import raise_alert

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
            "agency": AGENCIES[source],
        }
    return status


def certified_from_store(store: dict, page, sources=None) -> tuple[dict, list, dict]:
    """(certified, states, pending) from the wizard's store, for the given sources."""
    certified, states, pending = {}, [], {}
    for source in sources if sources is not None else list(store):
        entry = store.get(source)
        if not entry:
            continue
        state = _state_of(entry)
        states.append(state)
        item = {"verification": state, "choice": entry.get("choice")}
        result = entry.get("result")
        if result and entry.get("choice") == FETCH:
            item["fields"] = result.get("fields") or {}
            item["provenance"] = result.get("provenance") or {}
            if state == "a_verifier":
                pending[source] = {
                    "identifiers": entry["identifiers"],
                    "ticked": list(_ticked(page, source)),
                }
        certified[source] = item
    return certified, states, pending


def wizard_certified(wizard) -> dict:
    """What the rules may read of the certified data gathered so far (values stay server-side)."""
    store = wizard.storage.extra_data.get("certified", {})
    return certified_from_store(store, wizard.page)[0]


def submission_data(wizard, visible_sources, answers, page):
    """(certified, verification, pending lookups) for a new submission."""
    from wagtail_passfamille.services import match_children

    store = wizard.storage.extra_data.get("certified", {})
    certified, states, pending = certified_from_store(store, page, visible_sources)
    caf = certified.get("caf")
    group = _children_group(page)
    if caf and group and caf.get("fields", {}).get("enfants") is not None:
        name, first_name, birth_date = group
        caf["matching"] = match_children(
            answers.get(name) or [],
            caf["fields"]["enfants"],
            first_name_field=first_name,
            birth_date_field=birth_date,
        )
    dgfip = store.get("dgfip", {})
    if page.keep_numero_fiscal and "dgfip" in certified and dgfip.get("identifiers"):
        certified["dgfip"]["numero_fiscal"] = dgfip["identifiers"]["numero_fiscal"]
    return certified, aggregate_verification(states), pending or None


def _certified_blocks(page):
    from wagtail_passfamille.blocks.schema import CERTIFIED_BLOCKS, all_inputs

    for _index, _step, item in all_inputs(page.steps):
        if item.block_type in CERTIFIED_BLOCKS:
            yield item


def _ticked(page, source):
    for item in _certified_blocks(page):
        if item.name == source:
            return item.value.ticked
    return ()


def _children_group(page):
    for item in _certified_blocks(page):
        if item.name == "caf" and (item.value.get("children_group") or "").strip():
            return (
                item.value["children_group"].strip(),
                item.value.get("child_first_name_field") or "prenom",
                item.value.get("child_birth_date_field") or "date_naissance",
            )
    return None


def resolve_pending(submission_id: int, attempt: int) -> str:
    """One round of deferred verification for a submission (see tasks.verify_pending)."""
    import datetime as dt

    from django.utils import timezone

    from wagtail_passfamille.conf import get_setting
    from wagtail_passfamille.models import PassFamilleSettings, Submission
    from wagtail_passfamille.services import LookupRequest, lookup
    from wagtail_passfamille.tasks import enqueue_verification

    submission = Submission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None or not submission.pending_lookups:
        return "nothing"
    page = submission.page.specific
    site = page.get_site()
    recipient = PassFamilleSettings.for_site(site).siret if site else ""
    pending = dict(submission.pending_lookups)
    certified = dict(submission.certified or {})
    results = []
    for source, item in list(pending.items()):
        request = LookupRequest(source, item["identifiers"], tuple(item["ticked"]))
        if not page.credential_profile or not recipient:
            result = LookupResult(source, Kind.CONFIG, reason="setup")
        else:
            result = lookup(
                request, profile=page.credential_profile, recipient=recipient, enforce_limits=False
            )
        results.append(result)
        entry = dict(certified.get(source) or {})
        if result.kind in (Kind.VERIFIED, Kind.NOT_FOUND):
            entry.update(
                verification=result.verification,
                fields=result.fields,
                provenance=result.provenance,
            )
            del pending[source]
        elif result.kind in (Kind.NOT_MATCHED, Kind.INVALID):
            # The identity as typed is not recognised: only an agent can sort it out.
            entry.update(verification="a_verifier", manual_review=True)
            del pending[source]
        elif result.kind is Kind.CONFIG:
            report_config_error(page, source, result.reason)
        certified[source] = entry
    record_calls(page, "", results, submission=submission)
    deadline = submission.submitted_at + dt.timedelta(
        seconds=get_setting("DEFERRED_VERIFICATION_DEADLINE")
    )
    outcome = "resolved"
    if pending and timezone.now() >= deadline:
        for source in pending:
            certified.setdefault(source, {}).update(verification="a_verifier", manual_review=True)
        pending = {}
        outcome = "manual_review"
    submission.certified = certified
    submission.pending_lookups = pending or None
    submission.verification = aggregate_verification(
        entry.get("verification", "") for entry in certified.values()
    )
    page.refresh_outcome(submission)
    submission.save()
    if pending:
        delay = min(60 * 2**attempt, 6 * 3600)
        enqueue_verification(submission.pk, attempt + 1, delay=delay)
        return "retry"
    return outcome
