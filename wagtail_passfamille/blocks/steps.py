"""Steps of a démarche and the page-wide checks an editor needs before publishing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_passfamille.blocks.children_fields import resolve
from wagtail_passfamille.blocks.conditions import ConditionBlock
from wagtail_passfamille.blocks.fields import FIELD_BLOCKS
from wagtail_passfamille.blocks.schema import CERTIFIED_BLOCKS, iter_inputs
from wagtail_passfamille.blocks.step_checks import check_steps, variable_spec
from wagtail_passfamille.blocks.values import StepValue

# The slug of the review step after the editor's steps (``etape-1``… come from their order).
RECAP_SLUG = "recapitulatif"


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


class StepsBlock(blocks.StreamBlock):
    """The ``steps`` StreamField: checks the whole démarche, since names are unique page-wide."""

    step = StepBlock()

    class Meta:
        min_num = 1

    def clean(self, value, *args, **kwargs):
        value = super().clean(value, *args, **kwargs)
        errors = {}
        # Several problems in one step: show the first, the editor fixes them one at a time.
        for problem in check_steps(value):
            errors.setdefault(problem.step, _field_error(problem.path, problem.message))
        if errors:
            raise blocks.StreamBlockValidationError(block_errors=errors)
        show_children_fields(value)
        return value


def show_children_fields(steps):
    """Store the children's group and fields found for each certified block that matches
    children: the editor sees, after saving, what was chosen (and it stays fixed)."""
    for step in steps:
        for item in iter_inputs(step.value):
            if item.block_type not in CERTIFIED_BLOCKS or "children_group" not in item.value:
                continue
            found = resolve(steps, item.value)
            if found is None:
                continue
            item.value["children_group"] = found.group
            if found.first_name:
                item.value["child_first_name_field"] = found.first_name
            if found.birth_date:
                item.value["child_birth_date_field"] = found.birth_date


def answer_specs(steps) -> dict:
    """{machine name: VariableSpec} of every answer of a démarche, for rules on answers."""
    return {
        item.name: variable_spec(item)
        for step in steps
        for item in iter_inputs(step.value)
        if item.block_type not in CERTIFIED_BLOCKS
    }
