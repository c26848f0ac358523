"""Posted data of a step: what is kept in the session, and group items removed without JS."""

from __future__ import annotations

from django import forms


def posted_keys(form):
    """Every data key a step form (and its formsets) reads."""
    keys = []
    forms_to_read = [form]
    for formset in getattr(form, "formsets", {}).values():
        keys.extend(formset.management_form.add_prefix(n) for n in formset.management_form.fields)
        forms_to_read.extend(formset.forms)
    for a_form in forms_to_read:
        for bound_field in a_form:
            widget = bound_field.field.widget
            if isinstance(widget, forms.MultiWidget):
                keys.extend(f"{bound_field.html_name}_{i}" for i in range(len(widget.widgets)))
                keys.append(bound_field.html_name)  # a date posted as one ISO value
            else:
                keys.append(bound_field.html_name)
    return keys


def file_fields(form):
    """The bound file fields of a step: its own, and those of its groups' items a condition
    shows (a PAI document is kept only for a child whose PAI is « Oui »)."""
    for bound_field in form:
        if isinstance(bound_field.field, forms.FileField):
            yield bound_field
    for formset in getattr(form, "formsets", {}).values():
        for item in formset.forms:
            shown = getattr(item, "cleaned_data", None)
            for bound_field in item:
                if isinstance(bound_field.field, forms.FileField) and (
                    shown is None or bound_field.name in shown
                ):
                    yield bound_field


def remove_item_files(stored, formset, index):
    """Item ``index`` removed: its stored files go (their storage names are returned, to be
    deleted), the following items' files move down with their answers."""
    total = formset.total_form_count()
    dropped = []
    for name in formset.form.base_fields:
        key = f"{formset.prefix}-{index}-{name}"
        if key in stored:
            dropped.append(stored.pop(key)["tmp_name"])
        for position in range(index + 1, total):
            source = f"{formset.prefix}-{position}-{name}"
            if source in stored:
                stored[f"{formset.prefix}-{position - 1}-{name}"] = stored.pop(source)
    return dropped


def remove_item(data, formset, index):
    """Drop item ``index`` of a formset in posted data, shifting the following items down."""
    total = formset.total_form_count()
    if not 0 <= index < total:
        return
    fields = list(formset.form.base_fields)
    for position in range(index, total - 1):
        for name in fields:
            source = f"{formset.prefix}-{position + 1}-{name}"
            target = f"{formset.prefix}-{position}-{name}"
            _move(data, source, target)
    for name in fields:
        for key in [k for k in data if k.startswith(f"{formset.prefix}-{total - 1}-{name}")]:
            del data[key]
    data[formset.management_form.add_prefix("TOTAL_FORMS")] = str(total - 1)


def _move(data, source, target):
    """Replace the keys of item field ``target`` by those of ``source`` (absent ones too)."""
    for key in [k for k in list(data) if k == target or k.startswith(target + "_")]:
        del data[key]
    for key in [k for k in list(data) if k == source or k.startswith(source + "_")]:
        data.setlist(target + key[len(source) :], data.getlist(key))
        del data[key]
