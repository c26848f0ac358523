"""Validation of tariff grids: saving refuses gaps and overlaps and says where they are.

A valid brackets grid covers every value from 0 upwards exactly once (the variables tariffs use
— quotients, incomes, counts — are never negative): the first minimum is empty or ≤ 0, the last
maximum is empty, and each bracket starts where the previous one ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from itertools import combinations

from .coerce import canonical_decimal
from .problems import Problem, Severity
from .tariffs import HUNDRED, Bracket, Grid, GridKind, GridMode
from .variables import CATALOGUE, VariableSpec


def _num(value: Decimal | None) -> str | None:
    return None if value is None else canonical_decimal(value)


def _lower(value: Decimal | None) -> tuple[int, Decimal]:
    # None as a minimum is −∞; as a maximum +∞. Tuples make both sortable with Decimals.
    return (0, Decimal(0)) if value is None else (1, value)


def _upper(value: Decimal | None) -> tuple[int, Decimal]:
    return (2, Decimal(0)) if value is None else (1, value)


def _proper(bracket: Bracket) -> bool:
    return _lower(bracket.minimum) < _upper(bracket.maximum)


def coverage_problems(brackets: tuple[Bracket, ...]) -> list[Problem]:
    """Gaps, overlaps and uncovered ends. Brackets with minimum ≥ maximum are reported
    elsewhere and ignored here, so one typo does not cascade into a page of problems."""
    items = [(index, b) for index, b in enumerate(brackets) if _proper(b)]
    problems: list[Problem] = []
    for (i, a), (j, b) in combinations(items, 2):
        low = max(_lower(a.minimum), _lower(b.minimum))
        high = min(_upper(a.maximum), _upper(b.maximum))
        if low < high:
            (_, first), (second_index, second) = sorted(
                ((i, a), (j, b)), key=lambda item: (_lower(item[1].minimum), item[0])
            )
            start = None if low[0] == 0 else low[1]
            end = None if high[0] == 2 else high[1]
            problems.append(
                Problem(
                    "overlap",
                    {
                        "first": first.label,
                        "second": second.label,
                        "start": _num(start),
                        "end": _num(end),
                    },
                    ("brackets", second_index, "minimum"),
                )
            )
    if not items:
        return problems
    ordered = sorted(items, key=lambda item: (_lower(item[1].minimum), item[0]))
    first_index, first = ordered[0]
    if first.minimum is not None and first.minimum > 0:
        problems.append(
            Problem(
                "uncovered_below",
                {"bracket": first.label, "start": "0", "end": _num(first.minimum)},
                ("brackets", first_index, "minimum"),
            )
        )
    reach_index, reach = ordered[0]
    for index, bracket in ordered[1:]:
        if reach.maximum is None:
            break  # covered up to +∞: anything further is an overlap, reported above
        if bracket.minimum is not None and bracket.minimum > reach.maximum:
            problems.append(
                Problem(
                    "gap",
                    {
                        "after": reach.label,
                        "before": bracket.label,
                        "start": _num(reach.maximum),
                        "end": _num(bracket.minimum),
                    },
                    ("brackets", index, "minimum"),
                )
            )
        if _upper(bracket.maximum) > _upper(reach.maximum):
            reach_index, reach = index, bracket
    if reach.maximum is not None:
        problems.append(
            Problem(
                "uncovered_above",
                {"bracket": reach.label, "start": _num(reach.maximum), "end": None},
                ("brackets", reach_index, "maximum"),
            )
        )
    return problems


def _bracket_problems(grid: Grid) -> list[Problem]:
    problems: list[Problem] = []
    if not grid.brackets:
        return [Problem("no_brackets", {}, ("brackets",))]
    seen: set[str] = set()
    for index, bracket in enumerate(grid.brackets):
        label = bracket.label.strip()
        if not label:
            problems.append(Problem("empty_label", {"position": index + 1}, ("brackets", index)))
        elif label in seen:
            problems.append(
                Problem("duplicate_label", {"label": label}, ("brackets", index, "label"))
            )
        seen.add(label)
        if not _proper(bracket):
            problems.append(
                Problem(
                    "min_not_below_max",
                    {
                        "bracket": bracket.label,
                        "minimum": _num(bracket.minimum),
                        "maximum": _num(bracket.maximum),
                    },
                    ("brackets", index, "maximum"),
                )
            )
        params = {"bracket": bracket.label, "amount": _num(bracket.amount)}
        where = ("brackets", index, "amount")
        if grid.kind is GridKind.PRICE and bracket.amount < 0:
            problems.append(Problem("negative_price", params, where))
        if grid.kind is GridKind.REDUCTION and not 0 <= bracket.amount <= HUNDRED:
            problems.append(Problem("invalid_percentage", params, where))
    problems.extend(coverage_problems(grid.brackets))
    if not (grid.default_bracket or "").strip():
        problems.append(Problem("missing_default", {}, ("default_bracket",)))
    elif grid.bracket_named(grid.default_bracket) is None:
        problems.append(
            Problem("unknown_default", {"label": grid.default_bracket}, ("default_bracket",))
        )
    return problems


def _effort_problems(grid: Grid) -> list[Problem]:
    effort = grid.effort
    problems: list[Problem] = []
    if effort is None:
        problems.append(Problem("missing_rate", {}, ("effort",)))
    else:
        if effort.rate_percent < 0:
            problems.append(Problem("negative_rate", {}, ("effort", "rate_percent")))
        if effort.minimum < 0:
            params = {"bracket": "minimum", "amount": _num(effort.minimum)}
            problems.append(Problem("negative_price", params, ("effort", "minimum")))
        if effort.maximum is not None and effort.minimum > effort.maximum:
            params = {"minimum": _num(effort.minimum), "maximum": _num(effort.maximum)}
            problems.append(Problem("clamp_min_above_max", params, ("effort", "maximum")))
    if grid.default_amount is None:
        problems.append(Problem("missing_default", {}, ("default_amount",)))
    elif grid.default_amount < 0:
        params = {"bracket": "défaut", "amount": _num(grid.default_amount)}
        problems.append(Problem("negative_price", params, ("default_amount",)))
    return problems


def validate_grid(
    grid: Grid,
    available: Mapping[str, VariableSpec | None] | Collection[str] = (),
    *,
    include_certified: bool = True,
) -> list[Problem]:
    """Every problem of one grid, each with a ``path`` inside it.

    ``available`` lists the answer variables a grid may use besides the certified catalogue
    (names, or ``{name: VariableSpec}`` to check that they are numbers).
    """
    problems: list[Problem] = []
    if not grid.name.strip():
        problems.append(Problem("missing_name", {}, ("name",)))
    specs: dict[str, VariableSpec | None] = dict(CATALOGUE) if include_certified else {}
    if isinstance(available, Mapping):
        specs.update(available)
    else:
        specs.update(dict.fromkeys(available))
    if grid.variable not in specs:
        problems.append(Problem("unknown_variable", {"variable": grid.variable}, ("variable",)))
    elif (spec := specs[grid.variable]) is not None and not spec.numeric:
        problems.append(Problem("variable_not_numeric", {"variable": grid.variable}, ("variable",)))
    if grid.kind is GridKind.PRICE and not grid.unit.strip():
        problems.append(Problem("missing_unit", {}, ("unit",), Severity.WARNING))
    if grid.valid_from and grid.valid_until and grid.valid_from > grid.valid_until:
        params = {
            "valid_from": grid.valid_from.isoformat(),
            "valid_until": grid.valid_until.isoformat(),
        }
        problems.append(Problem("invalid_validity", params, ("valid_until",)))
    if grid.kind is GridKind.REDUCTION and grid.mode is GridMode.EFFORT_RATE:
        problems.append(Problem("mode_kind_mismatch", {}, ("mode",)))
    if grid.child_reductions is not None:
        if grid.kind is GridKind.REDUCTION:
            problems.append(Problem("child_reductions_not_allowed", {}, ("child_reductions",)))
        reductions = grid.child_reductions
        for rank, field, percent in (
            ("2e", "second_percent", reductions.second_percent),
            ("3e", "third_and_more_percent", reductions.third_and_more_percent),
        ):
            if not 0 <= percent <= HUNDRED:
                params = {"rank": rank, "percent": _num(percent)}
                where = ("child_reductions", field)
                problems.append(Problem("invalid_child_reduction", params, where))
    if grid.mode is GridMode.BRACKETS:
        problems.extend(_bracket_problems(grid))
    else:
        problems.extend(_effort_problems(grid))
    return problems


def validate_grids(
    grids: Iterable[Grid],
    available: Mapping[str, VariableSpec | None] | Collection[str] = (),
    *,
    include_certified: bool = True,
) -> list[Problem]:
    """Problems of several grids (paths start with the grid's index), plus two grids of the
    same name in force on a same day (e.g. two "repas" grids for 2026-2027)."""
    grids = tuple(grids)
    problems: list[Problem] = []
    for index, grid in enumerate(grids):
        found = validate_grid(grid, available, include_certified=include_certified)
        problems.extend(problem.prefixed(index) for problem in found)
    clashing: set[int] = set()
    for (_, a), (j, b) in combinations(enumerate(grids), 2):
        if a.name.strip() != b.name.strip():
            continue
        start_a = a.valid_from or dt.date.min
        start_b = b.valid_from or dt.date.min
        end_a = a.valid_until or dt.date.max
        end_b = b.valid_until or dt.date.max
        if max(start_a, start_b) <= min(end_a, end_b):
            clashing.add(j)  # reported once, on the later grid of the pair
    for j in sorted(clashing):
        problems.append(Problem("duplicate_grid", {"name": grids[j].name}, (j, "valid_from")))
    return problems
