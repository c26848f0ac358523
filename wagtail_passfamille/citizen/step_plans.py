"""What the wizard reads of a step's blocks on every request, worked out once per step value.

Every request walks every visible step: its inputs (groups' fields included), which of their
conditions are decided on earlier answers and which as the citizen types, its condition, its
identity fields. Worked out from the blocks each time, that walk cost more than building the
step's form (the form classes are shared per process, see ``wizard_forms``). The live steps'
decoded values are themselves shared per process (``DemarchePage.use_shared_steps``), so a plan
kept on the value lives as long as the live revision; a preview's or a draft's values are
decoded per request, and so are their plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wagtail_passfamille.blocks.schema import Input, iter_inputs, with_group_inputs
from wagtail_passfamille.rules.variables import CHILD_AGE, RESERVED_PREFIXES

#: Where a plan is kept on a step's value (a ``StructValue``: a dict with a ``__dict__``).
PLANS = "_passfamille_step_plans"


def read_groups(rule, children_group=None) -> set[str]:
    """The answers (or prefixes) a rule reads: « enfants.pai » reads group « enfants », the
    children's age reads the children's group."""
    return {
        children_group if name == CHILD_AGE and children_group else name.partition(".")[0]
        for name in rule.variables()
    }


def reads_certified(rule) -> bool:
    return any(name.partition(".")[0] in RESERVED_PREFIXES for name in rule.variables())


@dataclass(frozen=True)
class EarlierCondition:
    """An input's condition decided on the earlier steps' answers (it reads none of its own
    step's fields): the input is left out of the step's form when it is not true."""

    path: tuple
    rule: Any
    reads_certified: bool


@dataclass(frozen=True)
class StepPlan:
    #: The step's condition (None: always shown), and whether it reads certified data.
    condition: Any
    condition_reads_certified: bool
    #: Every input, information blocks and groups' fields included, in order.
    inputs: tuple[Input, ...]
    #: The step's top-level input names.
    names: frozenset[str]
    earlier_conditions: tuple[EarlierCondition, ...]
    #: Some field's condition reads a field of this step (decided as the citizen answers).
    has_same_step_conditions: bool
    #: ... and those conditions read nothing else: the form class can be shared.
    same_step_conditions_read_only_the_step: bool
    #: Identity for the shared form classes (with the page and its live revision).
    value_id: tuple


def step_plan(step_value, children_group=None) -> StepPlan:
    """The step's plan, kept on its value (see the module's docstring)."""
    plans = step_value.__dict__.setdefault(PLANS, {})
    plan = plans.get(children_group)
    if plan is None:
        plan = plans[children_group] = _plan(step_value, children_group)
    return plan


def _plan(step_value, children_group) -> StepPlan:
    names = frozenset(item.name for item in iter_inputs(step_value))
    inputs = tuple(with_group_inputs(iter_inputs(step_value, include_information=True)))
    earlier, same_step, only_the_step = [], False, True
    for item in inputs:
        rule = item.value.condition_rule
        if rule is None:
            continue
        groups = read_groups(rule, children_group)
        if not groups & names:
            earlier.append(EarlierCondition(item.path, rule, reads_certified(rule)))
            continue
        if groups - names or groups & set(RESERVED_PREFIXES):
            only_the_step = False
        if item.block_type != "information":
            same_step = True
    condition = step_value.condition_rule
    return StepPlan(
        condition=condition,
        condition_reads_certified=condition is not None and reads_certified(condition),
        inputs=inputs,
        names=names,
        earlier_conditions=tuple(earlier),
        has_same_step_conditions=same_step,
        same_step_conditions_read_only_the_step=only_the_step,
        value_id=(id(step_value.block), tuple(c.id for c in step_value.get("fields") or ())),
    )


def memoized(step_value, name, compute):
    """``compute(step_value)`` kept on the step's value, like its plan."""
    kept = step_value.__dict__.setdefault(PLANS, {})
    key = ("memo", name)
    if key not in kept:
        kept[key] = compute(step_value)
    return kept[key]
