"""Rules applied to a démarche: the rules context from answers and certified data, the outcome
(gates and tariffs) shown on the recap, recomputed at submit, stored with its snapshot."""

from __future__ import annotations

from django.utils import timezone

from wagtail_passfamille import sources
from wagtail_passfamille.blocks.schema import CERTIFIED_BLOCKS, all_inputs
from wagtail_passfamille.models.certified_record import CertifiedRecord
from wagtail_passfamille.rules import CATALOGUE, Outcome, build_context, compute_outcome
from wagtail_passfamille.rules.variables import Context


def certified_inputs(certified: CertifiedRecord) -> dict:
    """build_context() keyword arguments from a submission's certified record.

    A verified source gives its rule inputs (``caf=…``) and ``<source>_verification``; any
    other state gives its state only, so that rules on its values stay unknown.
    """
    kwargs = {}
    for source in sources.all_sources():
        entry = certified.get(source.name)
        if entry is None:
            continue
        if entry.verified:
            kwargs[source.name] = source.rule_inputs(entry.fields)
            kwargs[f"{source.name}_verification"] = "verifie"
        elif entry.verification:
            kwargs[f"{source.name}_verification"] = entry.verification
    return kwargs


def rules_context(
    page, answers: dict, certified: CertifiedRecord | None = None, *, on=None
) -> Context:
    reference_date = page.reference_date or on or timezone.localdate()
    group = page.children_group_name()
    return build_context(
        answers,
        reference_date=reference_date,
        children_group=group,
        child_birth_date_field=page.child_birth_date_field(),
        **certified_inputs(certified or CertifiedRecord()),
    )


def child_names(page, answers: dict) -> dict[int, str]:
    """The registered children's first names by position (for « Inscription de Léa
    impossible »): answers, never certified data."""
    group = page.children_group_name()
    items = (answers or {}).get(group) if group else None
    if not isinstance(items, list):
        return {}
    field = page.child_first_name_field()
    return {
        position: str(item.get(field) or "").strip()
        for position, item in enumerate(items)
        if isinstance(item, dict)
    }


def page_rules(page):
    """(gates, grids) of the démarche; the live revision's are built once per process
    (``DemarchePage.use_shared_steps``)."""
    shared = page.__dict__.get("shared_rules")
    if shared is not None:
        return shared
    gates = [g for g in (child.value.as_gate() for child in page.eligibility) if g is not None]
    grids = [child.value.as_grid() for child in page.tariffs]
    return tuple(gates), tuple(grids)


def compute(page, answers: dict, certified: CertifiedRecord | None = None) -> Outcome | None:
    """The outcome, or None when the démarche has neither gate nor grid."""
    gates, grids = page_rules(page)
    if not gates and not grids:
        return None
    context = rules_context(page, answers, certified)
    return compute_outcome(gates, grids, context)


def store(page, submission) -> Outcome | None:
    """Recompute and store a submission's outcome, with the snapshot of what produced it."""
    outcome = compute(page, submission.answers or {}, submission.certified_record)
    if outcome is None:
        submission.outcome, submission.decision, submission.tariff = {}, "", ""
        return None
    submission.outcome = outcome.to_dict()
    submission.decision = outcome.decision.value if outcome.gates else ""
    lines = [line for result in outcome.tariffs for line in result.summary_lines()]
    submission.tariff = " ; ".join(lines)[:200]
    return outcome


# Verification states after which the certified data may still change the tariff.
PROVISIONAL_STATES = frozenset({"justificatif", "a_verifier"})


def is_provisional(outcome, states) -> bool:
    """A default tariff that a later verification recomputes (a document to check, a deferred
    lookup): « tarif provisoire, recalculé après vérification ». ``outcome``: an Outcome or its
    stored dict; ``states``: the verification states of the sources."""
    if isinstance(outcome, dict):
        try:
            outcome = Outcome.from_dict(outcome) if outcome else None
        except (ValueError, KeyError, TypeError):
            outcome = None
    if outcome is None or not outcome.default_applied:
        return False
    return bool(PROVISIONAL_STATES & set(states or ()))


def summary_lines(stored: dict) -> list[str]:
    if not stored:
        return []
    try:
        return Outcome.from_dict(stored).summary_lines()
    except (ValueError, KeyError, TypeError):
        return []


def available_certified(page) -> tuple[dict, dict]:
    """(certified variables the démarche can read, the others with why not).

    A variable is readable when its block is in the démarche and every scope it needs is
    ticked there: a rule on ``caf.commune`` needs the address (``cnaf_adresse``), which many
    DataPass habilitations leave out.
    """

    ticked_scopes, present = set(), set()
    for _i, _s, item in all_inputs(page.steps):
        if item.block_type in CERTIFIED_BLOCKS:
            present.add(item.name)
            ticked_scopes.update(sources.scopes_of(item.name, item.value.ticked))
    available, missing = {}, {}
    for name, spec in CATALOGUE.items():
        source = name.partition(".")[0]
        if source == "demarche":
            available[name] = spec
        elif source not in present:
            missing[name] = ("block", source, ())
        elif not set(spec.scopes) <= ticked_scopes:
            missing[name] = ("scope", source, tuple(sorted(set(spec.scopes) - ticked_scopes)))
        else:
            available[name] = spec
    return available, missing
