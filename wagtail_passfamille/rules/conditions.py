"""Conditions ("<variable> <operator> <value>") and one level of all/any groups.

Evaluation returns a :class:`~.logic.Truth`: a condition on an unknown variable is UNKNOWN and
the caller decides what that means (a display condition on answers hides the step, an
eligibility gate sends the file "pour examen").

Comparisons are driven by the type of the variable's value:

- numbers (int, Decimal) compare as Decimal; the condition value may be "850", "2,35", 850;
- dates compare as dates; the value may be a date, "2026-09-01" or "01/09/2026";
- text compares case-, accent- and spacing-insensitively for equals/differs/one_of/contains
  ("Végétarien" equals "vegetarien"); contains is a substring test;
- text compared with a number or a date is read as one when it can be ("12" > 10);
- booleans (a ticked box) compare with True/False or "oui"/"non";
- a list (multiple choice, ``caf.ages_enfants``, ``group.sub_field``, ``demarche.age_enfant``)
  holds when at least one item does (:attr:`Quantifier.ANY`, « au moins un enfant », the meaning
  of every condition stored before the choice existed) or when every item does
  (:attr:`Quantifier.ALL`, « chaque enfant »: a blank item is unknown, never a pass); contains
  means "one of the items equals"; differs is "no item equals" whatever the quantifier.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from .coerce import canonical_decimal, normalise_text, to_bool, to_date, to_decimal
from .logic import Truth, Unknown, UnknownReason, all_of, any_of
from .problems import Problem, Severity
from .variables import CATALOGUE, Context, VariableKind, VariableSpec, is_blank


class Quantifier(enum.StrEnum):
    """How a condition on a list (a group's sub-field, the children's ages) reads its items."""

    ANY = "any"  # « au moins un enfant »: the default, and what older conditions meant
    ALL = "all"  # « chaque enfant »


QUANTIFIER_LABELS: Mapping[Quantifier, str] = {
    Quantifier.ANY: "au moins un enfant",
    Quantifier.ALL: "chaque enfant",
}


class Operator(enum.StrEnum):
    EQUALS = "equals"
    DIFFERS = "differs"
    ONE_OF = "one_of"
    CONTAINS = "contains"
    GREATER_THAN = "greater_than"
    GREATER_OR_EQUAL = "greater_or_equal"
    LESS_THAN = "less_than"
    LESS_OR_EQUAL = "less_or_equal"
    IS_FILLED = "is_filled"
    IS_NOT_FILLED = "is_not_filled"


OPERATOR_LABELS: Mapping[Operator, str] = {
    Operator.EQUALS: "est égal à",
    Operator.DIFFERS: "est différent de",
    Operator.ONE_OF: "fait partie de",
    Operator.CONTAINS: "contient",
    Operator.GREATER_THAN: "est supérieur à",
    Operator.GREATER_OR_EQUAL: "est supérieur ou égal à",
    Operator.LESS_THAN: "est inférieur à",
    Operator.LESS_OR_EQUAL: "est inférieur ou égal à",
    Operator.IS_FILLED: "est renseigné",
    Operator.IS_NOT_FILLED: "n'est pas renseigné",
}

ORDERING_OPERATORS = frozenset(
    {
        Operator.GREATER_THAN,
        Operator.GREATER_OR_EQUAL,
        Operator.LESS_THAN,
        Operator.LESS_OR_EQUAL,
    }
)
VALUELESS_OPERATORS = frozenset({Operator.IS_FILLED, Operator.IS_NOT_FILLED})

_ORDER_TESTS = {
    Operator.GREATER_THAN: lambda sign: sign > 0,
    Operator.GREATER_OR_EQUAL: lambda sign: sign >= 0,
    Operator.LESS_THAN: lambda sign: sign < 0,
    Operator.LESS_OR_EQUAL: lambda sign: sign <= 0,
}


def _is_number(value: object) -> bool:
    return isinstance(value, int | Decimal | float) and not isinstance(value, bool)


def _freeze_value(value: object) -> object:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(value)
    return value


def _json_value(value: object) -> Any:
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    return value


@dataclass(frozen=True)
class Condition:
    """``variable operator value``; ``value`` is a scalar, a tuple for one_of, None for is_filled.

    Blocks build one from primitives: ``Condition("caf.quotient_familial", "less_than", "800")``.
    """

    variable: str
    operator: Operator
    value: object = None
    quantifier: Quantifier = Quantifier.ANY

    def __post_init__(self) -> None:
        object.__setattr__(self, "operator", Operator(self.operator))
        object.__setattr__(self, "value", _freeze_value(self.value))
        object.__setattr__(self, "quantifier", Quantifier(self.quantifier or Quantifier.ANY))

    def evaluate(self, context: Context) -> Truth:
        if self.quantifier is Quantifier.ALL and self.operator not in VALUELESS_OPERATORS:
            items = context.items(self.variable)
            if isinstance(items, tuple):
                if self.operator is Operator.DIFFERS:  # "no item equals", as with ANY
                    return ~any_of(_apply(Operator.EQUALS, i, self.value) for i in items)
                return all_of(_apply(self.operator, item, self.value) for item in items)
        return _apply(self.operator, context.get(self.variable), self.value)

    def variables(self) -> frozenset[str]:
        return frozenset({self.variable})

    def to_dict(self) -> dict[str, Any]:
        data = {
            "type": "condition",
            "variable": self.variable,
            "operator": self.operator.value,
            "value": _json_value(self.value),
        }
        if self.quantifier is not Quantifier.ANY:  # stored snapshots before it stay the same
            data["quantifier"] = self.quantifier.value
        return data


class GroupMode(enum.StrEnum):
    ALL = "all"  # "toutes les conditions"
    ANY = "any"  # "au moins une condition"


@dataclass(frozen=True)
class Group:
    """One level of conditions combined with Kleene and (``all``) or or (``any``)."""

    mode: GroupMode
    conditions: tuple[Condition, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", GroupMode(self.mode))
        conditions = tuple(self.conditions)
        # One level only: nested groups are what makes rule builders unreadable for editors.
        if not all(isinstance(item, Condition) for item in conditions):
            raise TypeError("a Group holds Conditions only (one level, no group in a group)")
        object.__setattr__(self, "conditions", conditions)

    def evaluate(self, context: Context) -> Truth:
        truths = (condition.evaluate(context) for condition in self.conditions)
        return all_of(truths) if self.mode is GroupMode.ALL else any_of(truths)

    def variables(self) -> frozenset[str]:
        return frozenset(condition.variable for condition in self.conditions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "group",
            "mode": self.mode.value,
            "conditions": [condition.to_dict() for condition in self.conditions],
        }


Rule = Condition | Group


def evaluate(rule: Rule | None, context: Context) -> Truth:
    """Evaluate a rule; no rule at all is TRUE (a step without a display condition is shown)."""
    return Truth.TRUE if rule is None else rule.evaluate(context)


def rule_from_dict(data: Mapping[str, Any]) -> Rule:
    kind = data.get("type", "group" if "conditions" in data else "condition")
    if kind == "group":
        return Group(data["mode"], tuple(_condition_from_dict(c) for c in data["conditions"]))
    if kind == "condition":
        return _condition_from_dict(data)
    raise ValueError(f"unknown rule type {kind!r}")


def _condition_from_dict(data: Mapping[str, Any]) -> Condition:
    if data.get("type", "condition") != "condition":
        raise ValueError("a group may only contain conditions")
    return Condition(
        data["variable"], data["operator"], data.get("value"), data.get("quantifier") or "any"
    )


# ----- evaluation -----------------------------------------------------------------------------


def _filled(actual: object) -> Truth:
    if isinstance(actual, Unknown):
        # A blank answer is known to be empty; a certified value we lack may well exist.
        return Truth.FALSE if actual.reason is UnknownReason.UNANSWERED else Truth.UNKNOWN
    if actual is False:  # an unticked checkbox is the empty state of a checkbox
        return Truth.FALSE
    return Truth.of(not is_blank(actual))


def _apply(operator: Operator, actual: object, expected: object) -> Truth:
    if operator is Operator.IS_FILLED:
        return _filled(actual)
    if operator is Operator.IS_NOT_FILLED:
        return ~_filled(actual)
    if isinstance(actual, Unknown) or expected is None:
        return Truth.UNKNOWN
    if operator is Operator.DIFFERS:
        return ~_apply(Operator.EQUALS, actual, expected)
    if isinstance(actual, tuple):
        item_operator = Operator.EQUALS if operator is Operator.CONTAINS else operator
        return any_of(_apply_scalar(item_operator, item, expected) for item in actual)
    return _apply_scalar(operator, actual, expected)


def _apply_scalar(operator: Operator, actual: object, expected: object) -> Truth:
    if isinstance(actual, Unknown):  # an item of a list (an ambiguous age)
        return Truth.UNKNOWN
    if operator is Operator.EQUALS:
        return _equals(actual, expected)
    if operator is Operator.ONE_OF:
        if not isinstance(expected, tuple):
            return Truth.UNKNOWN
        return any_of(_equals(actual, item) for item in expected)
    if operator is Operator.CONTAINS:
        if isinstance(actual, str) and isinstance(expected, str | int | Decimal):
            needle = normalise_text(str(_json_value(expected)))
            return Truth.of(needle in normalise_text(actual))
        return Truth.UNKNOWN
    sign = _compare(actual, expected)
    return Truth.UNKNOWN if sign is None else Truth.of(_ORDER_TESTS[operator](sign))


def _equals(actual: object, expected: object) -> Truth:
    if isinstance(expected, tuple) or expected is None:
        return Truth.UNKNOWN  # a misconfigured condition decides nothing
    if isinstance(actual, bool) or isinstance(expected, bool):
        left, right = to_bool(actual), to_bool(expected)
        return Truth.of(left is not None and left == right)
    if _is_number(actual) or (isinstance(actual, str) and _is_number(expected)):
        left_number, right_number = to_decimal(actual), to_decimal(expected)
        return Truth.of(left_number is not None and left_number == right_number)
    if isinstance(actual, dt.date) or (isinstance(actual, str) and isinstance(expected, dt.date)):
        left_date, right_date = to_date(actual), to_date(expected)
        return Truth.of(left_date is not None and left_date == right_date)
    if isinstance(actual, str) and isinstance(expected, str):
        return Truth.of(normalise_text(actual) == normalise_text(expected))
    return Truth.FALSE


_Ordered = TypeVar("_Ordered", Decimal, dt.date)


def _sign(left: _Ordered, right: _Ordered) -> int:
    return (left > right) - (left < right)


def _compare(actual: object, expected: object) -> int | None:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return None
    if isinstance(actual, dt.date):
        left_day, right_day = to_date(actual), to_date(expected)
        return None if left_day is None or right_day is None else _sign(left_day, right_day)
    if _is_number(actual) or isinstance(actual, str):
        left, right = to_decimal(actual), to_decimal(expected)
        if left is not None and right is not None:
            return _sign(left, right)
    if isinstance(actual, str):
        left_date, right_date = to_date(actual), to_date(expected)
        if left_date is not None and right_date is not None:
            return _sign(left_date, right_date)
    return None


# ----- validation -----------------------------------------------------------------------------


def _problem(code: str, condition: Condition, *path: str, **params: object) -> Problem:
    return Problem(
        code,
        {
            "variable": condition.variable,
            "operator": condition.operator.value,
            "operator_label": OPERATOR_LABELS[condition.operator],
            **params,
        },
        path,
    )


def _resolve(
    name: str, specs: Mapping[str, VariableSpec | None]
) -> tuple[bool, VariableSpec | None]:
    if name in specs:
        return True, specs[name]
    prefix, dot, _ = name.partition(".")
    group = specs.get(prefix)
    if dot and group is not None and group.kind is VariableKind.GROUP:
        return True, None  # a sub-field of a repeatable group: a list of unknown kind
    return False, None


def _check_scalar(condition: Condition, spec: VariableSpec | None, value: object) -> list[Problem]:
    text = str(_json_value(value))
    if spec is None:
        return []
    if spec.kind is VariableKind.NUMBER and to_decimal(value) is None:
        return [_problem("value_not_number", condition, "value", value=text)]
    if spec.kind is VariableKind.DATE and to_date(value) is None:
        return [_problem("value_not_date", condition, "value", value=text)]
    if spec.kind is VariableKind.BOOLEAN and to_bool(value) is None:
        return [_problem("value_not_boolean", condition, "value", value=text)]
    if spec.kind is VariableKind.CHOICE and spec.choices:
        choices = {normalise_text(choice) for choice in spec.choices}
        if normalise_text(text) not in choices:
            return [_problem("value_not_a_choice", condition, "value", value=text)]
    return []


def _validate_condition(
    condition: Condition,
    specs: Mapping[str, VariableSpec | None],
    later: Collection[str],
    granted_scopes: Collection[str] | None,
) -> list[Problem]:
    name, operator, value = condition.variable, condition.operator, condition.value
    known, spec = _resolve(name, specs)
    if not known:
        code = "later_variable" if name in later or name.partition(".")[0] in later else None
        return [_problem(code or "unknown_variable", condition, "variable")]
    problems: list[Problem] = []
    if condition.quantifier is Quantifier.ALL and spec is not None and not spec.multiple:
        problems.append(_problem("quantifier_not_list", condition, "quantifier"))
    if spec is not None and granted_scopes is not None:
        for scope in spec.scopes:
            if scope not in granted_scopes:
                problems.append(
                    Problem(
                        "scope_missing",
                        {"variable": name, "scope": scope},
                        ("variable",),
                        Severity.WARNING,
                    )
                )
    if operator in VALUELESS_OPERATORS:
        return problems
    kind = spec.kind if spec is not None else None
    if kind is VariableKind.GROUP:
        return [*problems, _problem("operator_not_allowed", condition, "operator")]
    if value is None or (isinstance(value, str) and not value.strip()) or value == ():
        return [*problems, _problem("missing_value", condition, "value")]
    if operator is Operator.ONE_OF:
        if not isinstance(value, tuple):
            return [*problems, _problem("value_not_list", condition, "value")]
        for item in value:
            problems.extend(_check_scalar(condition, spec, item))
        return problems
    if isinstance(value, tuple):
        return [*problems, _problem("value_is_list", condition, "value")]
    if operator in ORDERING_OPERATORS:
        if kind is None:
            if to_decimal(value) is None and to_date(value) is None:
                text = str(_json_value(value))
                problems.append(_problem("value_not_orderable", condition, "value", value=text))
            return problems
        if kind not in (VariableKind.NUMBER, VariableKind.DATE):
            return [*problems, _problem("operator_not_allowed", condition, "operator")]
    single = spec is not None and not spec.multiple
    if operator is Operator.CONTAINS and single and kind is not VariableKind.TEXT:
        return [*problems, _problem("operator_not_allowed", condition, "operator")]
    if operator is Operator.CONTAINS and kind is VariableKind.TEXT:
        return problems  # any substring will do
    problems.extend(_check_scalar(condition, spec, value))
    return problems


def validate_rule(
    rule: Rule | None,
    available: Mapping[str, VariableSpec | None] | Collection[str],
    *,
    later: Collection[str] = (),
    include_certified: bool = True,
    granted_scopes: Collection[str] | None = None,
) -> list[Problem]:
    """Problems in a rule, each with a ``path`` inside it (``("conditions", 1, "value")``).

    ``available``: the variables a rule may use here, e.g. the fields of earlier steps, either
    as names or as ``{name: VariableSpec}`` (kinds enable type checks on values and operators).
    ``later``: fields of this or later steps, reported as ``later_variable`` rather than
    ``unknown_variable``. The certified catalogue is added unless ``include_certified`` is
    False. ``granted_scopes``, when known, turns a variable needing a missing scope into a
    ``scope_missing`` warning: the rule would always be UNKNOWN.
    """
    if rule is None:
        return []
    specs: dict[str, VariableSpec | None] = dict(CATALOGUE) if include_certified else {}
    if isinstance(available, Mapping):
        specs.update(available)
    else:
        specs.update(dict.fromkeys(available))
    if isinstance(rule, Condition):
        return _validate_condition(rule, specs, later, granted_scopes)
    if not rule.conditions:
        return [Problem("empty_group", {}, ("conditions",))]
    problems: list[Problem] = []
    for index, condition in enumerate(rule.conditions):
        found = _validate_condition(condition, specs, later, granted_scopes)
        problems.extend(problem.prefixed("conditions", index) for problem in found)
    return problems


def answer_variable(
    name: str,
    kind: VariableKind | str,
    label: str = "",
    *,
    multiple: bool = False,
    choices: Collection[str] = (),
) -> VariableSpec:
    """A spec for a form field, so that ``validate_rule`` can type-check conditions on it."""
    return VariableSpec(
        name, VariableKind(kind), label or name, "reponse", (), multiple, tuple(choices)
    )
