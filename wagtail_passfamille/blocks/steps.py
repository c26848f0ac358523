"""Steps of a démarche and the page-wide checks an editor needs before publishing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_passfamille.blocks.conditions import ConditionBlock
from wagtail_passfamille.blocks.fields import FIELD_BLOCKS
from wagtail_passfamille.blocks.schema import (
    CERTIFIED_BLOCKS,
    FIELD_KINDS,
    iter_group_inputs,
    iter_inputs,
)
from wagtail_passfamille.blocks.values import StepValue
from wagtail_passfamille.rules.conditions import answer_variable, validate_rule
from wagtail_passfamille.rules.variables import RESERVED_PREFIXES


class StepFieldsBlock(blocks.StreamBlock):
    class Meta:
        label = _("Champs")
        min_num = 1

    def __init__(self, **kwargs):
        super().__init__(FIELD_BLOCKS, **kwargs)


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre de l'étape"), max_length=120)
    intro = blocks.RichTextBlock(
        label=_("Introduction"), required=False, features=["bold", "italic", "link", "ul"]
    )
    condition = ConditionBlock(required=False)
    fields = StepFieldsBlock()

    class Meta:
        icon = "form"
        label = _("Étape")
        label_format = "{title}"
        value_class = StepValue


# Sub-blocks that are ListBlocks: an index under them is a list item, not a stream child.
_LIST_BLOCKS = frozenset({"rules", "choices"})


def _field_error(path, message):
    """Nest an error at ``path`` (indexes and names from a step down to a sub-block)."""
    error = ValidationError(message)
    for position in range(len(path) - 1, -1, -1):
        part = path[position]
        if isinstance(part, int):
            in_list = position > 0 and path[position - 1] in _LIST_BLOCKS
            error_class = (
                blocks.ListBlockValidationError if in_list else blocks.StreamBlockValidationError
            )
            error = error_class(block_errors={part: error})
        else:
            error = blocks.StructBlockValidationError(block_errors={part: error})
    return error


def _merge(errors: dict, index: int, error: ValidationError):
    # Several problems in one step: keep the first, the editor fixes them one at a time.
    errors.setdefault(index, error)


class StepsBlock(blocks.StreamBlock):
    """The ``steps`` StreamField: checks the whole démarche, since names are unique page-wide."""

    step = StepBlock()

    class Meta:
        min_num = 1

    def clean(self, value, *args, **kwargs):
        value = super().clean(value, *args, **kwargs)
        errors = {}
        seen: dict[str, str] = {}
        earlier: dict = {}
        certified: dict[str, tuple] = {}
        groups = {i.name for s in value for i in iter_inputs(s.value) if i.block_type == "groupe"}
        for step_index, step in enumerate(value):
            step_fields = {}
            for item in iter_inputs(step.value):
                if item.block_type in CERTIFIED_BLOCKS:
                    where = (step_index, "fields", *item.path)
                    if item.name in certified:
                        _merge(
                            errors,
                            step_index,
                            _field_error(
                                where[1:],
                                _("Une démarche ne peut contenir qu'un bloc « %(label)s ».")
                                % {"label": item.value.block.label},
                            ),
                        )
                    certified[item.name] = where
                    group = (item.value.get("children_group") or "").strip()
                    if group and group not in groups:
                        _merge(
                            errors,
                            step_index,
                            _field_error(
                                (*where[1:], "children_group"),
                                _("Aucun groupe répétable ne s'appelle « %(name)s ».")
                                % {"name": group},
                            ),
                        )
                    continue
                name = item.name
                where = (step_index, "fields", *item.path, "name")
                if name in seen:
                    _merge(
                        errors,
                        step_index,
                        _field_error(
                            where[1:],
                            _("Le nom technique « %(name)s » est déjà utilisé par « %(other)s ».")
                            % {"name": name, "other": seen[name]},
                        ),
                    )
                seen.setdefault(name, item.label)
                if item.block_type in ("choix_unique", "choix_multiples") and not [
                    c for c in item.value.get("choices") or () if c.strip()
                ]:
                    _merge(
                        errors,
                        step_index,
                        _field_error(
                            (step_index, "fields", *item.path, "choices")[1:],
                            _("Ajoutez au moins un choix."),
                        ),
                    )
                if name.split(".")[0] in RESERVED_PREFIXES:
                    _merge(
                        errors,
                        step_index,
                        _field_error(
                            where[1:],
                            _(
                                "« %(name)s » est réservé aux données certifiées : choisissez un "
                                "autre nom technique."
                            )
                            % {"name": name},
                        ),
                    )
                if item.block_type == "groupe":
                    sub_names = set()
                    for sub in iter_group_inputs(item):
                        if sub.name in sub_names:
                            _merge(
                                errors,
                                step_index,
                                _field_error(
                                    (step_index, "fields", *sub.path, "name")[1:],
                                    _(
                                        "Le nom technique « %(name)s » est déjà utilisé dans ce "
                                        "groupe."
                                    )
                                    % {"name": sub.name},
                                ),
                            )
                        sub_names.add(sub.name)
                step_fields[name] = item
            # Conditions: a step's condition reads earlier steps; a field's condition reads
            # earlier steps or earlier fields of the same step (the latter only in the browser).
            later = set(step_fields) | {
                i.name
                for s in value[step_index + 1 :]
                for i in iter_inputs(s.value)
                if i.block_type not in CERTIFIED_BLOCKS
            }
            self._check_condition(
                errors, step_index, ("condition",), step.value.get("condition"), earlier, later
            )
            available_here = dict(earlier)
            for item in iter_inputs(step.value, include_information=True):
                cond_later = later - set(available_here)
                self._check_condition(
                    errors,
                    step_index,
                    ("fields", *item.path, "condition"),
                    item.value.get("condition"),
                    available_here,
                    cond_later,
                )
                if item.name and item.block_type not in CERTIFIED_BLOCKS:
                    available_here[item.name] = _spec(item)
            for name, item in step_fields.items():
                earlier[name] = _spec(item)
        if errors:
            raise blocks.StreamBlockValidationError(block_errors=errors)
        return value

    def _check_condition(self, errors, step_index, path, condition, available, later):
        from wagtail_passfamille.blocks.rules_messages import problem_message

        rule = condition.as_rule() if condition else None
        if rule is None:
            return
        problems = [p for p in validate_rule(rule, available, later=later) if p.is_error]
        if problems:
            problem = problems[0]
            sub = tuple(problem.path[:2])  # ("conditions", i) → the ListBlock item
            rule_path = ("rules", sub[1]) if len(sub) == 2 else ()
            _merge(
                errors,
                step_index,
                _field_error((*path, *rule_path) if rule_path else path, problem_message(problem)),
            )


def _spec(item):
    kind = FIELD_KINDS.get(item.block_type, "text")
    choices = tuple(item.value.get("choices") or ())
    multiple = item.block_type in ("choix_multiples", "groupe")
    return answer_variable(item.name, kind, item.label, multiple=multiple, choices=choices)


def answer_specs(steps) -> dict:
    """{machine name: VariableSpec} of every answer of a démarche, for rules on answers."""
    return {
        item.name: _spec(item)
        for step in steps
        for item in iter_inputs(step.value)
        if item.block_type not in CERTIFIED_BLOCKS
    }
