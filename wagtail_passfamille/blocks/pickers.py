"""Editor-facing widgets: what an editor picks instead of typing a technical name or a code.

The stored value stays the plain string it always was (a variable name such as
``caf.quotient_familial`` or ``enfants.pai``, a condition value, an INSEE code): only the input
changes. Each picked input is a text input marked ``data-pf-picker``; the editor's script
(``static/wagtail_passfamille/js/editor_pickers.js``, loaded with the page editor) reads the
démarche's steps in the page and offers lists in its place: the earlier fields by step and
label, the certified data by label, the operators that fit, the field's own choices, a date
input, a commune search. Without that script the text input is still there, and the save checks
(``step_checks``, the page's ``rules_errors``) refuse what does not exist, in French.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from wagtail import blocks

# What a picked input holds; the script chooses its list from this.
VARIABLE, NUMBER_VARIABLE, VALUE = "variable", "number-variable", "value"
# A repeatable group of the steps, and a short-text or date sub-field of it (children matching).
GROUP, GROUP_TEXT, GROUP_DATE = "group", "group-text", "group-date"


class PickerInput(forms.TextInput):
    """A text input the editor's script replaces by a list (the text input stays the value)."""

    def __init__(self, picker: str, attrs=None):
        attrs = {"data-pf-picker": picker, "autocomplete": "off", **(attrs or {})}
        super().__init__(attrs)
        self.picker = picker


class PickedCharBlock(blocks.CharBlock):
    """A ``CharBlock`` whose input is a picker; stored, and migrated, as a plain ``CharBlock``."""

    def __init__(self, *args, picker: str = VARIABLE, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.widget = PickerInput(picker, attrs=self.field.widget_attrs(self.field.widget))

    def deconstruct(self):
        # Migrations see a CharBlock: the widget is no part of the stored form.
        args, kwargs = self._constructor_args
        kwargs = {k: v for k, v in kwargs.items() if k != "picker"}
        return ("wagtail.blocks.CharBlock", list(args), kwargs)


def stream_child_error(index, message, field: str | None = None):
    """A page-wide check's message shown on the stream child it is about (``index``), on its
    sub-block ``field`` (the grid's « Donnée », the gate's condition) when one is named.

    The editor then sees the message beside what to change, in a panel that opens, counted on
    its tab; ``message_dict`` and ``messages`` still give the message itself.
    """
    inner = ValidationError(message)
    if field:
        inner = blocks.StructBlockValidationError(block_errors={field: inner})
    else:
        inner = blocks.StructBlockValidationError(non_block_errors=[inner])
    error = blocks.StreamBlockValidationError(block_errors={index: inner})
    # ``ValidationError`` formats its message with its params: keep a « % » as it is.
    error.message = str(message).replace("%", "%%")
    return error
