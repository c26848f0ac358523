"""Rules applied to a démarche: the rules context from answers and certified data, the outcome
(gates and tariffs) shown on the recap, recomputed at submit, stored with its snapshot."""

from __future__ import annotations

from django.utils import timezone

from wagtail_passfamille.rules import CATALOGUE, Outcome, build_context, compute_outcome
from wagtail_passfamille.rules.variables import Context
from wagtail_passfamille.services import CAF_DATA, DGFIP_DATA


def certified_inputs(certified: dict) -> dict:
    """build_context() keyword arguments from a submission's ``certified`` dict."""
    kwargs = {}
    caf, dgfip = certified.get("caf"), certified.get("dgfip")
    if caf:
        state = caf.get("verification") or None
        fields = caf.get("fields") if state == "verifie" else None
        if fields is not None:
            data = {}
            if "quotient_familial" in fields:
                data["quotient_familial"] = fields["quotient_familial"]
            if "enfants" in fields:
                data["enfants"] = fields["enfants"]
            if "adresse" in fields:
                data["commune"] = (fields["adresse"] or {}).get("commune")
            kwargs.update(caf=data, caf_verification="verifie")
        elif state:
            kwargs["caf_verification"] = state
    if dgfip:
        state = dgfip.get("verification") or None
        fields = dgfip.get("fields") if state == "verifie" else None
        if fields is not None:
            data = {
                key: fields[key]
                for key in ("revenu_fiscal_reference", "nombre_parts", "nombre_personnes_a_charge")
                if key in fields
            }
            if "adresse_fiscale" in fields:
                data["commune"] = (fields["adresse_fiscale"] or {}).get("commune_cog")
            kwargs.update(dgfip=data, dgfip_verification="verifie")
        elif state:
            kwargs["dgfip_verification"] = state
    return kwargs


def rules_context(page, answers: dict, certified: dict | None = None, *, on=None) -> Context:
    reference_date = page.reference_date or on or timezone.localdate()
    group = page.children_group_name()
    return build_context(
        answers,
        reference_date=reference_date,
        children_group=group,
        child_birth_date_field=page.child_birth_date_field(),
        **certified_inputs(certified or {}),
    )


def page_rules(page):
    gates = [g for g in (child.value.as_gate() for child in page.eligibility) if g is not None]
    grids = [child.value.as_grid() for child in page.tariffs]
    return gates, grids


def compute(page, answers: dict, certified: dict | None = None) -> Outcome | None:
    """The outcome, or None when the démarche has neither gate nor grid."""
    gates, grids = page_rules(page)
    if not gates and not grids:
        return None
    context = rules_context(page, answers, certified)
    return compute_outcome(gates, grids, context)


def store(page, submission) -> Outcome | None:
    """Recompute and store a submission's outcome, with the snapshot of what produced it."""
    outcome = compute(page, submission.answers or {}, submission.certified or {})
    if outcome is None:
        submission.outcome, submission.decision, submission.tariff = {}, "", ""
        return None
    submission.outcome = outcome.to_dict()
    submission.decision = outcome.decision.value if outcome.gates else ""
    lines = [line for result in outcome.tariffs for line in result.summary_lines()]
    submission.tariff = " ; ".join(lines)[:200]
    return outcome


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
    from wagtail_passfamille.blocks.schema import CERTIFIED_BLOCKS, all_inputs

    ticked_scopes, sources = set(), set()
    for _i, _s, item in all_inputs(page.steps):
        if item.block_type in CERTIFIED_BLOCKS:
            sources.add(item.name)
            table = CAF_DATA if item.name == "caf" else DGFIP_DATA
            ticked_scopes.update(table[name] for name in item.value.ticked if name in table)
    available, missing = {}, {}
    for name, spec in CATALOGUE.items():
        source = name.partition(".")[0]
        if source == "demarche":
            available[name] = spec
        elif source not in sources:
            missing[name] = ("block", source, ())
        elif not set(spec.scopes) <= ticked_scopes:
            missing[name] = ("scope", source, tuple(sorted(set(spec.scopes) - ticked_scopes)))
        else:
            available[name] = spec
    return available, missing
