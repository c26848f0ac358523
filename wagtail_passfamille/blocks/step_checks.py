"""Checks of a démarche's steps as a whole: what ``StepsBlock.clean`` refuses, and why.

:func:`check_steps` reads the steps and returns :class:`StepProblem` rows (the step, the path
to the sub-block, the editor's message); it raises nothing and changes nothing, like
``rules/grid_validation.py``. Names must be unique page-wide, certified blocks appear once,
conditions only read what exists before them (a group's sub-field is ``group.sub_field``),
and every field, step and group item can be shown by some answers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wagtail_passfamille.blocks.children_fields import children_fields_problems
from wagtail_passfamille.blocks.rules_messages import problem_message
from wagtail_passfamille.blocks.schema import (
    CERTIFIED_BLOCKS,
    FIELD_KINDS,
    iter_group_inputs,
    iter_inputs,
)
from wagtail_passfamille.rules.conditions import answer_variable, validate_rule
from wagtail_passfamille.rules.reachability import satisfiable
from wagtail_passfamille.rules.variables import CATALOGUE, RESERVED_PREFIXES

CHOICE_BLOCKS = ("choix_unique", "choix_multiples")


@dataclass(frozen=True)
class StepProblem:
    """One problem: in step ``step``, at ``path`` below it (``("fields", 2, "name")``)."""

    step: int
    path: tuple
    message: str


def check_steps(steps) -> list[StepProblem]:
    """Every problem of the steps, in the order an editor reads them."""
    problems: list[StepProblem] = []
    seen: dict[str, str] = {}  # machine name → label of the field that took it
    certified: set[str] = set()
    groups = {i.name for s in steps for i in iter_inputs(s.value) if i.block_type == "groupe"}
    earlier: dict = {}  # variables of earlier steps, for conditions
    reach = _Reachability(steps)
    for index, step in enumerate(steps):
        step_fields = {}
        for item in iter_inputs(step.value):
            if item.block_type in CERTIFIED_BLOCKS:
                problems += _certified_problems(index, item, certified, groups, steps)
                certified.add(item.name)
                continue
            problems += _field_problems(index, item, seen)
            seen.setdefault(item.name, item.label)
            step_fields[item.name] = item
        later = set(step_fields) | {
            i.name
            for s in steps[index + 1 :]
            for i in iter_inputs(s.value)
            if i.block_type not in CERTIFIED_BLOCKS
        }
        found = list(_condition_problems(index, step.value, earlier, later))
        problems += found
        if not found:  # a condition on a missing field is reported once, not as unreachable
            problems += reach.problems(index, step.value)
        for item in step_fields.values():
            earlier.update(item_specs(item))
    return problems


def variable_spec(item):
    """The rule variable an answer gives (its kind, label, choices)."""
    kind = FIELD_KINDS.get(item.block_type, "text")
    choices = tuple(item.value.get("choices") or ())
    multiple = item.block_type in ("choix_multiples", "groupe")
    return answer_variable(item.name, kind, item.label, multiple=multiple, choices=choices)


def item_specs(item) -> dict:
    """The rule variables an input gives: its answer, and ``group.sub_field`` for a group's
    sub-fields (a list across the items)."""
    specs = {item.name: variable_spec(item)}
    if item.block_type == "groupe":
        for sub in iter_group_inputs(item):
            specs[f"{item.name}.{sub.name}"] = group_sub_spec(item, sub)
    return specs


def group_sub_spec(group, sub):
    kind = FIELD_KINDS.get(sub.block_type, "text")
    choices = tuple(sub.value.get("choices") or ())
    name = f"{group.name}.{sub.name}"
    label = f"{group.label} : {sub.label}"
    return answer_variable(name, kind, label, multiple=True, choices=choices)


def _certified_problems(index, item, certified, groups, steps) -> Iterator[StepProblem]:
    where = ("fields", *item.path)
    if item.name in certified:
        yield StepProblem(
            index,
            where,
            _("Une démarche ne peut contenir qu'un bloc « %(label)s ».")
            % {"label": item.value.block.label},
        )
    group = item.value.children_group
    if group and group not in groups:
        yield StepProblem(
            index,
            (*where, "children_group"),
            _("Aucun groupe répétable ne s'appelle « %(name)s ».") % {"name": group},
        )
    if "children_group" in item.value:
        for key, message in children_fields_problems(steps, item.value):
            yield StepProblem(index, (*where, key), message)


def _field_problems(index, item, seen) -> Iterator[StepProblem]:
    name_path = ("fields", *item.path, "name")
    if item.name in seen:
        yield StepProblem(
            index,
            name_path,
            _("Le nom technique « %(name)s » est déjà utilisé par « %(other)s ».")
            % {"name": item.name, "other": seen[item.name]},
        )
    if item.block_type in CHOICE_BLOCKS and not [
        c for c in item.value.get("choices") or () if c.strip()
    ]:
        yield StepProblem(index, ("fields", *item.path, "choices"), _("Ajoutez au moins un choix."))
    if item.name.split(".")[0] in RESERVED_PREFIXES:
        yield StepProblem(
            index,
            name_path,
            _(
                "« %(name)s » est réservé aux données certifiées : choisissez un autre nom "
                "technique."
            )
            % {"name": item.name},
        )
    if item.block_type == "groupe":
        sub_names = set()
        for sub in iter_group_inputs(item):
            if sub.name in sub_names:
                yield StepProblem(
                    index,
                    ("fields", *sub.path, "name"),
                    _("Le nom technique « %(name)s » est déjà utilisé dans ce groupe.")
                    % {"name": sub.name},
                )
            sub_names.add(sub.name)


def _condition_problems(index, step_value, earlier, later) -> Iterator[StepProblem]:
    """A step's condition reads earlier steps; a field's condition reads earlier steps or
    earlier fields of the same step (the latter only in the browser)."""
    yield from _rule_problems(index, ("condition",), step_value.get("condition"), earlier, later)
    available_here = dict(earlier)
    for item in iter_inputs(step_value, include_information=True):
        yield from _rule_problems(
            index,
            ("fields", *item.path, "condition"),
            item.value.get("condition"),
            available_here,
            later - set(available_here),
        )
        if item.block_type == "groupe":
            # A sub-field's condition reads earlier answers and the same item's earlier
            # sub-fields, as « groupe.sous_champ ».
            siblings = dict(available_here)
            subs = list(iter_group_inputs(item))
            for position, sub in enumerate(subs):
                yield from _rule_problems(
                    index,
                    ("fields", *sub.path, "condition"),
                    sub.value.get("condition"),
                    siblings,
                    (later - set(siblings)) | {f"{item.name}.{s.name}" for s in subs[position:]},
                )
                siblings[f"{item.name}.{sub.name}"] = group_sub_spec(item, sub)
        if item.name and item.block_type not in CERTIFIED_BLOCKS:
            available_here.update(item_specs(item))


class _Reachability:
    """Every step and field must be shown for some answers (``rules.reachability``)."""

    def __init__(self, steps):
        self.specs = dict(CATALOGUE)
        self.shown_when: dict = {}
        for step in steps:
            step_rule = step.value.condition_rule
            for item in iter_inputs(step.value):
                if item.block_type in CERTIFIED_BLOCKS:
                    continue
                rules = [step_rule, item.value.condition_rule]
                self.specs.update(item_specs(item))
                self.shown_when[item.name] = [r for r in rules if r is not None]
                if item.block_type == "groupe":
                    for sub in iter_group_inputs(item):
                        sub_rules = [*rules, sub.value.condition_rule]
                        self.shown_when[f"{item.name}.{sub.name}"] = [
                            r for r in sub_rules if r is not None
                        ]

    def _never(self, rules, specs=None) -> bool:
        rules = [r for r in rules if r is not None]
        return bool(rules) and not satisfiable(rules, specs or self.specs, self.shown_when)

    def _item_specs(self, group):
        """In one item, a sibling sub-field is one answer, not the list across items."""
        specs = dict(self.specs)
        for sub in iter_group_inputs(group):
            name = f"{group.name}.{sub.name}"
            specs[name] = dataclasses.replace(specs[name], multiple=False)
        return specs

    def problems(self, index, step_value) -> Iterator[StepProblem]:
        step_rule = step_value.condition_rule
        if self._never([step_rule]):
            yield StepProblem(index, ("condition",), _never_step())
            return
        for item in iter_inputs(step_value, include_information=True):
            rule = item.value.get("condition") and item.value.condition_rule
            if rule is not None and self._never([step_rule, rule]):
                yield StepProblem(index, ("fields", *item.path, "condition"), _never_field())
                continue
            if item.block_type != "groupe":
                continue
            item_specs_ = self._item_specs(item)
            for sub in iter_group_inputs(item):
                sub_rule = sub.value.condition_rule
                if sub_rule is not None and self._never([step_rule, rule, sub_rule], item_specs_):
                    yield StepProblem(index, ("fields", *sub.path, "condition"), _never_field())


def _never_step():
    return _(
        "Cette étape ne serait jamais montrée : aucune réponse ne remplit sa condition. Vérifiez "
        "les valeurs choisies et « toutes / au moins une »."
    )


def _never_field():
    return _(
        "Ce champ ne serait jamais montré : aucune réponse ne remplit à la fois sa condition, "
        "celle de son étape et celles des champs qu'elle lit. Vérifiez les valeurs choisies et "
        "« toutes / au moins une »."
    )


def _rule_problems(index, path, condition, available, later) -> Iterator[StepProblem]:
    rule = condition.as_rule() if condition else None
    if rule is None:
        return
    problems = [p for p in validate_rule(rule, available, later=later) if p.is_error]
    if problems:
        problem = problems[0]
        sub = tuple(problem.path[:2])  # ("conditions", i) → the ListBlock item
        rule_path = ("rules", sub[1]) if len(sub) == 2 else ()
        yield StepProblem(index, (*path, *rule_path), problem_message(problem))
