"""Properties of « chaque enfant » and per-child gates over random families (hypothesis)."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from wagtail_passfamille.rules import (
    CHILD_AGE,
    Condition,
    Gate,
    Group,
    Truth,
    build_context,
    compute_outcome,
)

ON = dt.date(2027, 9, 1)
OPERATORS = ["equals", "differs", "greater_than", "greater_or_equal", "less_than", "less_or_equal"]
births = st.one_of(st.dates(dt.date(2005, 1, 1), dt.date(2027, 8, 31)).map(str), st.just(""))
children = st.lists(
    st.fixed_dictionaries({"date_naissance": births, "pai": st.sampled_from(["Oui", "Non", ""])}),
    min_size=1,
    max_size=5,
)
conditions = st.one_of(
    st.builds(
        Condition,
        st.just(CHILD_AGE),
        st.sampled_from(OPERATORS),
        st.integers(0, 18).map(str),
        st.sampled_from(["any", "all"]),
    ),
    st.builds(
        Condition,
        st.just("enfants.pai"),
        st.sampled_from(["equals", "differs"]),
        st.sampled_from(["Oui", "Non"]),
        st.sampled_from(["any", "all"]),
    ),
)


def family(items):
    return build_context({"enfants": items}, reference_date=ON, children_group="enfants")


@settings(max_examples=200, deadline=None)
@given(children, conditions)
def test_chaque_enfant_holds_only_when_it_holds_for_each_child_alone(items, condition):
    context = family(items)
    each = Condition(condition.variable, condition.operator, condition.value, "all")
    alone = [each.evaluate(context.for_child(n)) for n in range(len(items))]
    truth = each.evaluate(context)
    if truth is Truth.TRUE:
        assert all(t is Truth.TRUE for t in alone)
    if all(t is Truth.TRUE for t in alone):
        assert truth is Truth.TRUE
    if any(t is Truth.FALSE for t in alone):
        assert truth is Truth.FALSE


@settings(max_examples=200, deadline=None)
@given(children, st.lists(conditions, min_size=1, max_size=3), st.booleans())
def test_a_per_child_gate_refuses_exactly_the_children_it_fails(items, rules, review):
    gate = Gate("g", Group("all", tuple(rules)), "m", per_child=True, allow_review=review)
    context = family(items)
    outcome = compute_outcome([gate], [], context)
    failing = [
        n for n in range(len(items)) if gate.rule.evaluate(context.for_child(n)) is Truth.FALSE
    ]
    assert outcome.refused_children == (() if review else tuple(failing))
    assert outcome.can_submit is (review or len(failing) < len(items))
    outcome.summary_lines({})  # never raises


@settings(max_examples=200, deadline=None)
@given(children, conditions)
def test_each_priced_child_gets_the_price_of_their_own_age(items, condition):
    from decimal import Decimal

    from wagtail_passfamille.rules import Bracket, Grid
    from wagtail_passfamille.rules.coerce import age_on, to_date

    grid = Grid(
        "jour",
        CHILD_AGE,
        unit="par jour",
        brackets=(Bracket("jeune", None, "6", "4"), Bracket("grand", "6", None, "7")),
        default_bracket="grand",
    )
    gate = Gate("g", condition, "m", per_child=True)
    outcome = compute_outcome([gate], [grid], family(items))
    (tariff,) = outcome.tariffs
    priced = {child.position for child in tariff.children}
    assert priced.isdisjoint(outcome.refused_children)
    for child in tariff.children:
        birth = to_date(items[child.position]["date_naissance"])
        age = age_on(birth, ON) if birth else None
        expected = "grand" if age is None or age >= 6 else "jeune"
        assert child.bracket == expected
        assert child.amount <= Decimal(7)
