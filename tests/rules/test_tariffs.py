import datetime as dt
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from wagtail_passfamille.rules import (
    Bracket,
    ChildReductions,
    Context,
    EffortRate,
    Grid,
    RegisteredChild,
    UnknownReason,
    grids_valid_on,
    rank_children,
    unknown,
    validate_grid,
)

from .strategies import half_up_cents, money, partitions

NBSP = "\u00a0"


def qf_grid(**kwargs):
    options = {
        "name": "repas",
        "variable": "caf.quotient_familial",
        "unit": "par repas",
        "brackets": (
            Bracket("Tranche A", None, 400, "1.00"),
            Bracket("Tranche B", 400, 800, "2.35"),
            Bracket("Tranche C", 800, None, "4.10"),
        ),
        "default_bracket": "Tranche C",
    }
    return Grid(**(options | kwargs))


# ----- brackets -------------------------------------------------------------------------------


@given(partitions(), st.randoms(), st.decimals(min_value=-100, max_value=10000, places=3))
def test_every_value_of_a_valid_grid_falls_in_exactly_one_bracket(brackets, random, value):
    random.shuffle(brackets)  # the editor's order must not matter
    grid = Grid("g", "caf.quotient_familial", unit="par repas", brackets=brackets,
                default_bracket=brackets[0].label)  # fmt: skip
    assert validate_grid(grid) == []
    first_min = min((b.minimum for b in brackets), key=lambda m: m if m is not None else -1)
    assume(value >= 0 or first_min is None)  # the domain: a valid grid covers [0, +∞)
    holders = [b for b in brackets if b.contains(value)]
    assert len(holders) == 1
    assert grid.find_bracket(value) is holders[0]


@given(partitions(min_cuts=1))
def test_minimum_is_inclusive_and_maximum_exclusive(brackets):
    grid = Grid("g", "caf.quotient_familial", brackets=brackets, default_bracket="Tranche 1")
    for lower, upper in pairwise(brackets):
        boundary = lower.maximum
        assert boundary == upper.minimum
        assert grid.find_bracket(boundary) is upper
        assert grid.find_bracket(boundary - Decimal("0.001")) is lower


def test_bracket_lookup_examples_and_amount_rounding():
    grid = qf_grid()
    ctx = lambda qf: Context({"caf.quotient_familial": qf})  # noqa: E731
    assert [grid.compute(ctx(qf)).bracket for qf in (1, 399, 400, 799, 800, 5000)] == [
        "Tranche A", "Tranche A", "Tranche B", "Tranche B", "Tranche C", "Tranche C",
    ]  # fmt: skip
    result = grid.compute(ctx(650))
    assert (result.amount, result.default_applied, result.default_reason) == (
        Decimal("2.35"),
        False,
        None,
    )
    assert Bracket("x", None, None, "2.345").amount == Decimal("2.35")
    assert Bracket("x", None, None, "2,344").amount == Decimal("2.34")
    assert Bracket("x", "1 200", None, 3).minimum == Decimal(1200)
    with pytest.raises(ValueError):
        Bracket("x", None, None, "gratuit")


@pytest.mark.parametrize(
    "reason", ["not_found", "refused", "pending", "scope_not_granted", "invalid"]
)
def test_the_default_bracket_applies_when_the_variable_is_unknown(reason):
    ctx = Context({"caf.quotient_familial": unknown(reason)})
    result = qf_grid().compute(ctx)
    assert (result.bracket, result.amount) == ("Tranche C", Decimal("4.10"))
    assert result.default_applied and result.default_reason == reason
    assert result.summary_lines() == [
        f"Tarif{NBSP}: Tranche C — 4,10{NBSP}€ par repas (tarif par défaut)"
    ]


def test_defaults_for_odd_values_and_broken_grids():
    ctx = Context({"caf.quotient_familial": "beaucoup", "x": (1, 2)})
    assert qf_grid().compute(ctx).default_reason == "invalid"
    assert qf_grid(variable="x").compute(ctx).default_reason == "invalid"  # a list
    gappy = qf_grid(brackets=(Bracket("A", 100, 200, 1), Bracket("C", 900, None, 3)),
                    default_bracket="C")  # fmt: skip
    result = gappy.compute(Context({"caf.quotient_familial": 500}))
    assert (result.bracket, result.default_reason) == ("C", "out_of_range")
    no_default = qf_grid(default_bracket=None).compute(Context({}))
    assert no_default.amount is None and not no_default.default_applied
    assert no_default.summary_lines() == [f"Tarif{NBSP}: à déterminer par le service"]


# ----- taux d'effort --------------------------------------------------------------------------


@given(
    st.decimals(min_value=0, max_value=100000, places=2),
    st.decimals(min_value=0, max_value=5, places=4),
    money("0", "10"),
    st.none() | money("0", "30"),
)
def test_effort_rate_is_clamped_then_rounded_half_up_to_the_cent(value, rate, low, high):
    assume(high is None or low <= high)
    effort = EffortRate(rate, low, high)
    exact = Fraction(value) * Fraction(rate) / 100
    exact = max(exact, Fraction(low))
    if high is not None:
        exact = min(exact, Fraction(high))
    price = effort.price(value)
    assert price == half_up_cents(exact)
    assert price.as_tuple().exponent == -2
    assert low <= price and (high is None or price <= high)


def test_effort_rate_examples():
    effort = EffortRate("0,30", "0.50", "5")
    assert effort.price(Decimal(800)) == Decimal("2.40")
    assert effort.price(Decimal(50)) == Decimal("0.50")  # floor
    assert effort.price(Decimal(3000)) == Decimal("5.00")  # ceiling
    assert EffortRate("0.35", 0).price(Decimal(1)) == Decimal("0.00")  # 0.0035
    assert EffortRate("0.5", 0).price(Decimal(1)) == Decimal("0.01")  # 0.005, half up
    grid = Grid("garderie", "dgfip.quotient_mensuel", "Garderie du soir", "par soir",
                mode="effort_rate", effort=effort, default_amount="5")  # fmt: skip
    assert validate_grid(grid) == []
    result = grid.compute(Context({"dgfip.quotient_mensuel": Decimal("812.50")}))
    assert (result.bracket, result.amount, result.default_applied) == (None, Decimal("2.44"), False)
    assert result.summary_lines() == [f"Garderie du soir{NBSP}: 2,44{NBSP}€ par soir"]
    result = grid.compute(Context({}))
    assert (result.amount, result.default_applied) == (Decimal("5.00"), True)
    assert result.default_reason == UnknownReason.NOT_REQUESTED.value


# ----- reductions by rank of child ------------------------------------------------------------

dates = st.none() | st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2025, 12, 31))


@given(st.lists(dates, max_size=6))
def test_children_are_ranked_oldest_first_stably(birth_dates):
    children = tuple(RegisteredChild(position, born) for position, born in enumerate(birth_dates))
    ranked = rank_children(children)
    assert [rank for rank, _ in ranked] == list(range(1, len(children) + 1))
    assert sorted(child.position for _, child in ranked) == list(range(len(children)))
    for (_, a), (_, b) in pairwise(ranked):
        if a.birth_date is None:
            assert b.birth_date is None and a.position < b.position  # unknown dates: as entered
        elif b.birth_date is not None:
            assert a.birth_date <= b.birth_date
            if a.birth_date == b.birth_date:
                assert a.position < b.position  # twins: as entered


@given(st.lists(dates, min_size=1, max_size=6), money("0.5", "20"), st.randoms())
def test_child_reductions_by_rank(birth_dates, price, random):
    reductions = ChildReductions("10", "25")
    grid = qf_grid(
        brackets=(Bracket("Unique", None, None, price),),
        default_bracket="Unique",
        child_reductions=reductions,
    )
    children = [RegisteredChild(position, born) for position, born in enumerate(birth_dates)]
    result = grid.compute(Context({"caf.quotient_familial": 500}, children=children))
    by_rank = {child.rank: child for child in result.children}
    assert sorted(by_rank) == list(range(1, len(children) + 1))
    for rank, child in by_rank.items():
        percent = Decimal(0) if rank == 1 else Decimal(10) if rank == 2 else Decimal(25)
        assert child.reduction_percent == percent
        assert child.amount == half_up_cents(Fraction(price) * (100 - Fraction(percent)) / 100)
    # Whatever the order of entry, the household pays the same in total.
    random.shuffle(children)
    shuffled = [RegisteredChild(i, c.birth_date) for i, c in enumerate(children)]
    again = grid.compute(Context({"caf.quotient_familial": 500}, children=shuffled))
    assert sum(c.amount for c in again.children) == sum(c.amount for c in result.children)


def test_child_reduction_example_and_summary():
    grid = qf_grid(child_reductions=ChildReductions(10, 20))
    children = [
        RegisteredChild(0, dt.date(2019, 3, 1)),
        RegisteredChild(1, dt.date(2015, 6, 1)),
        RegisteredChild(2, None),
        RegisteredChild(3, dt.date(2015, 6, 1)),
    ]
    result = grid.compute(Context({"caf.quotient_familial": 500}, children=children))
    assert [(c.position, c.rank, c.amount) for c in result.children] == [
        (1, 1, Decimal("2.35")),
        (3, 2, Decimal("2.12")),  # 2.115 → 2.12
        (0, 3, Decimal("1.88")),
        (2, 4, Decimal("1.88")),
    ]
    assert result.summary_lines() == [
        f"Tarif{NBSP}: Tranche B — 2,35{NBSP}€ par repas",
        f"2e enfant{NBSP}: 2,12{NBSP}€ par repas (réduction de 10{NBSP}%)",
        f"3e enfant{NBSP}: 1,88{NBSP}€ par repas (réduction de 20{NBSP}%)",
        f"4e enfant{NBSP}: 1,88{NBSP}€ par repas (réduction de 20{NBSP}%)",
    ]


# ----- reduction grids and validity -----------------------------------------------------------


def test_reduction_grid_on_the_monthly_quotient():
    grid = Grid(
        "pass-famille",
        "dgfip.quotient_mensuel",
        title="Éligible au Pass Famille",
        kind="reduction",
        brackets=(
            Bracket("Réduction 50 %", None, 500, 50),
            Bracket("Réduction 30 %", 500, 900, 30),
            Bracket("Sans réduction", 900, None, 0),
        ),
        default_bracket="Sans réduction",
    )
    assert validate_grid(grid) == []
    line = grid.compute(Context({"dgfip.quotient_mensuel": Decimal("650.40")})).summary_lines()
    assert line == [f"Éligible au Pass Famille{NBSP}: réduction de 30{NBSP}%"]
    line = grid.compute(Context({"dgfip.quotient_mensuel": Decimal(1000)})).summary_lines()
    assert line == [f"Éligible au Pass Famille{NBSP}: aucune réduction"]
    assert grid.compute(Context({}, children=[RegisteredChild(0)])).children == ()


def test_grids_outside_their_validity_dates_are_skipped():
    old = qf_grid(valid_until="2026-08-31")
    new = qf_grid(valid_from=dt.date(2026, 9, 1), valid_until="31/08/2027")
    always = qf_grid(name="garderie")
    assert grids_valid_on([old, new, always], dt.date(2026, 8, 31)) == (old, always)
    assert grids_valid_on([old, new, always], dt.date(2026, 9, 1)) == (new, always)
    assert grids_valid_on([old, new, always], dt.date(2027, 9, 1)) == (always,)
    with pytest.raises(ValueError):
        qf_grid(valid_from="septembre")


@given(partitions(), st.sampled_from(["price", "reduction"]))
def test_grid_dicts_round_trip(brackets, kind):
    grid = qf_grid(brackets=brackets, default_bracket=brackets[-1].label, kind=kind,
                   valid_from=dt.date(2026, 9, 1))  # fmt: skip
    assert Grid.from_dict(grid.to_dict()) == grid
