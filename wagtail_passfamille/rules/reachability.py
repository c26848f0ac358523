"""Can a rule ever hold? A bounded search over the answers a household could give.

An editor can save conditions that no answer fulfils together (« Régime = Végétarien » and
« Régime = Sans porc » on a single choice, « PAI = Oui » on a field that is itself only shown
when « Allergie » is ticked and a step shown only when it is not…): the field would silently
never be shown. :func:`satisfiable` tries, for every variable the rules read, the values that
matter (each choice, True/False, each compared value and its neighbours, blank) and evaluates
the rules with the real evaluator, so it agrees with what citizens see.

``shown_when`` gives, for an answer variable, the rules that must hold for the citizen to see
the field at all: a combination giving that answer a value must fulfil them too.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from .coerce import to_date, to_decimal
from .conditions import Condition, Rule
from .logic import Truth
from .variables import Context, VariableKind, VariableSpec

#: Beyond this many combinations the search gives up and reports "satisfiable" (never a false
#: refusal: an editor is only refused what was proved impossible).
MAX_COMBINATIONS = 20_000
_BLANK = object()


def _conditions(rule: Rule) -> Iterable[Condition]:
    return (rule,) if isinstance(rule, Condition) else rule.conditions


def _scalars(value: object) -> Iterable[object]:
    return value if isinstance(value, tuple) else (value,)


def _candidates(name: str, spec: VariableSpec | None, rules: Sequence[Rule]) -> list[object]:
    kind = spec.kind if spec is not None else None
    values: list[object] = [_BLANK]
    if kind is VariableKind.BOOLEAN:
        return [_BLANK, True, False]
    if kind is VariableKind.CHOICE and spec is not None and spec.choices:
        values += list(spec.choices)
    compared = [
        item
        for rule in rules
        for condition in _conditions(rule)
        if condition.variable == name and condition.value is not None
        for item in _scalars(condition.value)
    ]
    for item in compared:
        number = to_decimal(item) if kind in (None, VariableKind.NUMBER) else None
        day = to_date(item) if kind in (None, VariableKind.DATE) and number is None else None
        if number is not None:
            values += [number - 1, number, number + 1, number - Decimal("0.01")]
        elif day is not None:
            values += [day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)]
        elif kind not in (VariableKind.CHOICE,) or not (spec and spec.choices):
            values.append(str(item))
    if kind in (None, VariableKind.TEXT, VariableKind.GROUP):
        values.append("une autre réponse")
    if kind is VariableKind.NUMBER and len(values) == 1:
        values.append(Decimal(1))
    unique: list[object] = []
    for value in values:
        if value not in unique:
            unique.append(value)
    if spec is not None and spec.multiple:
        # A list: one item is what "au moins un" needs; all the items cover "différent de".
        items = [v for v in unique if v is not _BLANK]
        return [_BLANK, *((v,) for v in items), tuple(items)] if items else [_BLANK]
    return unique


def satisfiable(
    rules: Sequence[Rule],
    specs: Mapping[str, VariableSpec | None],
    shown_when: Mapping[str, Sequence[Rule]] | None = None,
) -> bool:
    """True when some answers make every rule of ``rules`` TRUE (and every answer given is
    one the citizen could see, per ``shown_when``)."""
    shown_when = shown_when or {}
    rules = [rule for rule in rules if rule is not None]
    if not rules:
        return True
    names: list[str] = []
    pending = [name for rule in rules for name in sorted(rule.variables())]
    while pending:
        name = pending.pop(0)
        if name in names:
            continue
        names.append(name)
        for rule in shown_when.get(name, ()):
            pending += sorted(rule.variables())
    every_rule = [*rules, *(r for name in names for r in shown_when.get(name, ()))]
    choices = [_candidates(name, specs.get(name), every_rule) for name in names]
    total = 1
    for options in choices:
        total *= len(options)
        if total > MAX_COMBINATIONS:
            return True
    for combination in itertools.product(*choices):
        values = {n: v for n, v in zip(names, combination, strict=True) if v is not _BLANK}
        context = Context(values)
        if not all(rule.evaluate(context) is Truth.TRUE for rule in rules):
            continue
        if all(
            rule.evaluate(context) is Truth.TRUE
            for name in values
            for rule in shown_when.get(name, ())
        ):
            return True
    return False
