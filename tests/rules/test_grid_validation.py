import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wagtail_passfamille.rules import (
    Bracket,
    ChildReductions,
    EffortRate,
    Grid,
    answer_variable,
    coverage_problems,
    has_errors,
    validate_grid,
    validate_grids,
)
from wagtail_passfamille.rules.coerce import canonical_decimal

from .strategies import partitions


def grid(brackets, **kwargs):
    options = {
        "name": "repas",
        "variable": "caf.quotient_familial",
        "unit": "par repas",
        "brackets": tuple(brackets),
        "default_bracket": brackets[-1].label if brackets else None,
    }
    return Grid(**(options | kwargs))


def found(problems):
    return {(p.code, tuple(sorted(p.params.items()))) for p in problems}


def s(value):
    return None if value is None else canonical_decimal(Decimal(value))


@st.composite
def perturbed(draw):
    """A valid partition where some inner boundaries are moved: the maximum of bracket k is
    moved by less than half the width of the bracket it moves into, so each move makes
    exactly one gap or one overlap, independent of the others."""
    brackets = draw(partitions(min_cuts=1))
    expected = set()
    result = list(brackets)
    for k in range(len(brackets) - 1):
        percent = draw(st.integers(min_value=-49, max_value=49))
        if percent == 0:
            continue
        lower, upper = brackets[k], brackets[k + 1]
        boundary = lower.maximum
        if percent > 0:  # into the next bracket: overlap
            width = (upper.maximum - boundary) if upper.maximum is not None else Decimal(100)
        else:  # short of the boundary: gap
            width = boundary - (lower.minimum if lower.minimum is not None else Decimal(0))
        moved = boundary + width * percent / 100
        if moved == boundary or (lower.minimum is not None and moved <= lower.minimum):
            continue
        result[k] = Bracket(lower.label, lower.minimum, moved, lower.amount)
        if percent > 0:
            params = {"first": lower.label, "second": upper.label, "start": s(boundary),
                      "end": s(moved)}  # fmt: skip
            expected.add(("overlap", tuple(sorted(params.items()))))
        else:
            params = {"after": lower.label, "before": upper.label, "start": s(moved),
                      "end": s(boundary)}  # fmt: skip
            expected.add(("gap", tuple(sorted(params.items()))))
    order = draw(st.permutations(range(len(result))))
    return [result[i] for i in order], expected


@given(perturbed())
def test_validation_finds_every_gap_and_overlap_and_says_where(case):
    brackets, expected = case
    problems = coverage_problems(tuple(brackets))
    assert found(problems) == expected
    for problem in problems:
        # The problem points at the minimum of the later bracket of the pair.
        index = problem.path[1]
        label = problem.params["second" if problem.code == "overlap" else "before"]
        assert problem.path == ("brackets", index, "minimum")
        assert brackets[index].label == label
    assert has_errors(validate_grid(grid(brackets))) == bool(expected)


@given(partitions(min_cuts=2))
def test_removing_a_middle_bracket_is_a_gap_where_it_was(brackets):
    removed = brackets[1]
    problems = coverage_problems(tuple(brackets[:1] + brackets[2:]))
    assert [(p.code, p.params["start"], p.params["end"]) for p in problems] == [
        ("gap", s(removed.minimum), s(removed.maximum))
    ]


def test_gap_example_message_says_where():
    brackets = [
        Bracket("Tranche A", None, 500, 1),
        Bracket("Tranche B", 500, 800, 2),
        Bracket("Tranche C", 850, None, 3),
    ]
    [problem] = validate_grid(grid(brackets))
    assert problem.code == "gap"
    assert dict(problem.params) == {
        "after": "Tranche B",
        "before": "Tranche C",
        "start": "800",
        "end": "850",
    }
    assert problem.path == ("brackets", 2, "minimum")
    assert problem.message == (
        "Trou entre « Tranche B » et « Tranche C » : les valeurs de 800 à 850 ne sont "
        "couvertes par aucune tranche."
    )


def test_overlaps_across_non_adjacent_brackets_and_open_ends():
    brackets = (
        Bracket("A", None, 1000, 1),
        Bracket("B", 100, 200, 2),
        Bracket("C", 200, None, 3),
        Bracket("D", None, 50, 4),
    )
    problems = coverage_problems(brackets)
    assert {
        (p.params["first"], p.params["second"], p.params["start"], p.params["end"])
        for p in problems
    } == {
        ("A", "B", "100", "200"),
        ("A", "C", "200", "1000"),
        ("A", "D", None, "50"),  # both open below: the editor's order breaks the tie
    }
    message = next(p.message for p in problems if p.params["second"] == "D")
    assert "les valeurs inférieures à 50" in message


def test_uncovered_ends():
    problems = coverage_problems((Bracket("A", 100, 500, 1), Bracket("B", 500, 2000, 2)))
    assert [(p.code, p.params["start"], p.params["end"], p.path) for p in problems] == [
        ("uncovered_below", "0", "100", ("brackets", 0, "minimum")),
        ("uncovered_above", "2000", None, ("brackets", 1, "maximum")),
    ]
    assert "laissez vide le maximum" in problems[1].message
    # Starting at 0 (or below) is fine: quotients and incomes are never negative.
    assert coverage_problems((Bracket("A", 0, None, 1),)) == []
    assert coverage_problems((Bracket("A", -5, None, 1),)) == []


def codes(g, available=()):
    return [(p.code, p.path) for p in validate_grid(g, available)]


def test_bracket_level_problems():
    brackets = [
        Bracket("A", None, 500, "-1"),
        Bracket("", 500, 800, 2),
        Bracket("A", 800, 700, 3),
        Bracket("D", 800, None, 3),
    ]
    assert codes(grid(brackets, default_bracket="Z")) == [
        ("negative_price", ("brackets", 0, "amount")),
        ("empty_label", ("brackets", 1)),
        ("duplicate_label", ("brackets", 2, "label")),
        ("min_not_below_max", ("brackets", 2, "maximum")),
        ("unknown_default", ("default_bracket",)),
    ]
    reductions = [Bracket("A", None, 500, 120), Bracket("B", 500, None, 0)]
    assert codes(grid(reductions, kind="reduction")) == [
        ("invalid_percentage", ("brackets", 0, "amount"))
    ]


def test_grid_level_problems():
    assert codes(grid([], default_bracket=None)) == [
        ("no_brackets", ("brackets",)),
    ]
    one = [Bracket("A", None, None, 1)]
    assert codes(grid(one, default_bracket="")) == [("missing_default", ("default_bracket",))]
    assert codes(grid(one, name=" ", unit="")) == [
        ("missing_name", ("name",)),
        ("missing_unit", ("unit",)),
    ]
    assert not has_errors(validate_grid(grid(one, unit="")))  # a warning only
    assert codes(grid(one, variable="caf.commune")) == [("variable_not_numeric", ("variable",))]
    assert codes(grid(one, variable="caf.ages_enfants")) == [
        ("variable_not_numeric", ("variable",))
    ]
    assert codes(grid(one, variable="nombre_repas")) == [("unknown_variable", ("variable",))]
    assert codes(grid(one, variable="nombre_repas"), ["nombre_repas"]) == []
    fields = {"regime": answer_variable("regime", "choice")}
    assert codes(grid(one, variable="regime"), fields) == [("variable_not_numeric", ("variable",))]
    assert codes(grid(one, valid_from="2027-01-01", valid_until="2026-01-01")) == [
        ("invalid_validity", ("valid_until",))
    ]
    assert codes(grid(one, child_reductions=ChildReductions(10, 120))) == [
        ("invalid_child_reduction", ("child_reductions", "third_and_more_percent"))
    ]
    assert codes(grid(one, kind="reduction", child_reductions=ChildReductions(10, 20))) == [
        ("child_reductions_not_allowed", ("child_reductions",))
    ]


@pytest.mark.parametrize(
    ("effort", "default", "expected"),
    [
        (EffortRate("0.3", 1, 5), "5", []),
        (None, "5", [("missing_rate", ("effort",))]),
        (EffortRate("-0.3", 1, 5), "5", [("negative_rate", ("effort", "rate_percent"))]),
        (EffortRate("0.3", 6, 5), "5", [("clamp_min_above_max", ("effort", "maximum"))]),
        (EffortRate("0.3", -1, 5), "5", [("negative_price", ("effort", "minimum"))]),
        (EffortRate("0.3", 1, 5), None, [("missing_default", ("default_amount",))]),
        (EffortRate("0.3", 1, 5), "-2", [("negative_price", ("default_amount",))]),
    ],
)
def test_effort_rate_problems(effort, default, expected):
    g = Grid("g", "caf.quotient_familial", unit="par jour", mode="effort_rate", effort=effort,
             default_amount=default)  # fmt: skip
    assert codes(g) == expected
    reduction = Grid("g", "caf.quotient_familial", kind="reduction", mode="effort_rate",
                     effort=EffortRate("1"), default_amount=0)  # fmt: skip
    assert ("mode_kind_mismatch", ("mode",)) in codes(reduction)


def test_several_grids_of_one_name_must_not_be_valid_on_the_same_day():
    one = [Bracket("A", None, None, 1)]
    y2026 = grid(one, valid_from=dt.date(2025, 9, 1), valid_until=dt.date(2026, 8, 31))
    y2027 = grid(one, valid_from=dt.date(2026, 9, 1), valid_until=dt.date(2027, 8, 31))
    open_ended = grid(one, valid_from=dt.date(2027, 3, 1))
    other = grid(one, name="garderie")
    assert validate_grids([y2026, y2027, other]) == []
    problems = validate_grids([y2026, y2027, open_ended, grid(one, unit="")])
    assert [(p.code, p.path) for p in problems] == [
        ("missing_unit", (3, "unit")),
        ("duplicate_grid", (2, "valid_from")),
        ("duplicate_grid", (3, "valid_from")),
    ]


def test_problems_serialise_for_the_django_side():
    [problem] = validate_grid(grid([Bracket("A", None, 100, 1), Bracket("B", 90, None, 2)]))
    assert problem.to_dict() == {
        "code": "overlap",
        "params": {"first": "A", "second": "B", "start": "90", "end": "100"},
        "path": ["brackets", 1, "minimum"],
        "severity": "error",
        "message": "« A » et « B » se chevauchent : les valeurs de 90 à 100 sont dans les deux "
        "tranches.",
    }
