import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wagtail_passfamille.rules import (
    Condition,
    Context,
    Decision,
    Gate,
    GateResult,
    Group,
    Truth,
    UnknownReason,
    build_context,
    overall_decision,
    unknown,
    validate_gate,
)
from wagtail_passfamille.rules.gates import DEFAULT_REVIEW_MESSAGE

RESIDENCE = Condition("dgfip.commune", "equals", "51108")


def gate(allow_review=False, **kwargs):
    return Gate(
        "residence",
        RESIDENCE,
        "Le Pass Famille est réservé aux habitants de la commune.",
        allow_review=allow_review,
        **kwargs,
    )


def context(commune):
    return Context({"dgfip.commune": commune})


@pytest.mark.parametrize(
    ("commune", "allow_review", "truth", "decision", "blocks", "for_review"),
    [
        ("51108", False, Truth.TRUE, Decision.ELIGIBLE, False, False),
        ("51108", True, Truth.TRUE, Decision.ELIGIBLE, False, False),
        ("75056", False, Truth.FALSE, Decision.NOT_ELIGIBLE, True, False),
        ("75056", True, Truth.FALSE, Decision.NOT_ELIGIBLE, False, True),
        (unknown("refused"), False, Truth.UNKNOWN, Decision.REVIEW, False, True),
        (unknown("refused"), True, Truth.UNKNOWN, Decision.REVIEW, False, True),
        (unknown("pending"), False, Truth.UNKNOWN, Decision.REVIEW, False, True),
        (unknown("not_found"), False, Truth.UNKNOWN, Decision.REVIEW, False, True),
        (unknown("scope_not_granted"), False, Truth.UNKNOWN, Decision.REVIEW, False, True),
    ],
)
def test_gate_table(commune, allow_review, truth, decision, blocks, for_review):
    result = gate(allow_review).evaluate(context(commune))
    assert (result.truth, result.decision) == (truth, decision)
    assert (result.blocks, result.for_review) == (blocks, for_review)
    assert overall_decision([result]) is (
        Decision.NOT_ELIGIBLE if blocks else Decision.REVIEW if for_review else Decision.ELIGIBLE
    )


def test_messages_per_decision():
    g = gate(success_message="Éligible au Pass Famille", review_message="Nous vérifierons.")
    assert g.evaluate(context("51108")).message == "Éligible au Pass Famille"
    assert g.evaluate(context("75056")).message == g.message
    assert g.evaluate(context(unknown("refused"))).message == "Nous vérifierons."
    assert gate().evaluate(context(unknown("refused"))).message == DEFAULT_REVIEW_MESSAGE
    assert gate().evaluate(context("51108")).message == ""


@given(
    st.lists(
        st.tuples(st.sampled_from(["51108", "75056", None]), st.booleans()),
        min_size=1,
        max_size=5,
    )
)
def test_overall_decision_and_unknown_never_refuses(specs):
    results = []
    for index, (commune, allow_review) in enumerate(specs):
        g = Gate(f"g{index}", Condition("commune", "equals", "51108"), "Non.", allow_review)
        value = unknown(UnknownReason.PENDING) if commune is None else commune
        results.append(g.evaluate(Context({"commune": value})))
    for result, (commune, _) in zip(results, specs):
        if commune is None:
            assert result.decision is Decision.REVIEW
            assert not result.blocks
    decision = overall_decision(results)
    blocking = [c == "75056" and not allow for c, allow in specs]
    if any(blocking):
        assert decision is Decision.NOT_ELIGIBLE
    elif all(c == "51108" for c, _ in specs):
        assert decision is Decision.ELIGIBLE
    else:
        assert decision is Decision.REVIEW
    if all(c != "75056" for c, _ in specs):
        assert decision is not Decision.NOT_ELIGIBLE  # unknowns alone never refuse


def test_no_gates_is_eligible():
    assert overall_decision([]) is Decision.ELIGIBLE


def test_refusal_to_share_sends_for_review_even_on_a_strict_gate():
    strict = Gate(
        "qf",
        Group(
            "all",
            [Condition("caf.quotient_familial", "less_than", 1200), RESIDENCE],
        ),
        "Réservé aux familles au QF inférieur au plafond.",
    )
    ctx = build_context(
        {},
        reference_date=dt.date(2026, 9, 1),
        caf_verification="refus_partage",
        dgfip={"commune": "51108"},
    )
    result = strict.evaluate(ctx)
    assert result.decision is Decision.REVIEW and not result.blocks
    # …but a known reason to refuse still refuses, whatever else is unknown.
    ctx = build_context(
        {},
        reference_date=dt.date(2026, 9, 1),
        caf_verification="refus_partage",
        dgfip={"commune": "75056"},
    )
    assert strict.evaluate(ctx).blocks


def test_gate_round_trip_and_validation():
    g = gate(True, success_message="Éligible")
    result = g.evaluate(context("75056"))
    assert GateResult.from_dict(result.to_dict()) == result
    assert Gate.from_dict(g.to_dict()) == g
    assert validate_gate(g) == []
    bad = Gate(" ", Condition("inconnu", "equals", "x"), "")
    assert [(p.code, p.path) for p in validate_gate(bad)] == [
        ("missing_name", ("name",)),
        ("missing_message", ("message",)),
        ("unknown_variable", ("rule", "variable")),
    ]
