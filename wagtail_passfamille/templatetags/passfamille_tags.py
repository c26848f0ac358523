"""Accessible rendering of citizen form fields: labels, hints and errors tied to their inputs."""

import json

from django import forms, template
from django.conf import settings
from django.forms.widgets import ChoiceWidget
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail_passfamille import geo
from wagtail_passfamille.conf import themed

register = template.Library()

# Widgets rendered as a group of inputs: a fieldset and a legend name the group (RGAA 11.5).
GROUPED_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)


def _content_language():
    """The language editors write démarches in (the site's default language)."""
    return settings.LANGUAGE_CODE.split("-")[0]


def _foreign_interface():
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0] != _content_language()


@register.simple_tag
def editor_lang():
    """``lang="fr"`` for an element holding editor-written text, when the interface is not in
    the editors' language (RGAA 8.7); nothing otherwise."""
    return format_html(' lang="{}"', _content_language()) if _foreign_interface() else ""


@register.filter
def editor_text(value):
    """Editor-written text in a span carrying its language when the interface speaks another
    (our own translated strings are lazy and left alone)."""
    if not value or isinstance(value, Promise) or not _foreign_interface():
        return value
    return format_html('<span lang="{}">{}</span>', _content_language(), value)


@register.simple_tag
def step_progress(number, count=None):
    """« Étape 4 sur 6 », or « Étape 4 » while later steps may still appear or disappear."""
    if count:
        return _("Étape %(number)s sur %(count)s") % {"number": number, "count": count}
    return _("Étape %(number)s") % {"number": number}


@register.simple_tag
def passfamille_field(bound_field, show_errors=True):
    field_id = bound_field.auto_id or bound_field.html_name
    errors = bound_field.errors if show_errors else []
    hint_id = f"{field_id}-hint" if bound_field.help_text else ""
    error_id = f"{field_id}-error" if errors else ""
    described_by = " ".join(i for i in (hint_id, error_id) if i)
    widget = bound_field.field.widget
    grouped = isinstance(widget, GROUPED_WIDGETS)
    attrs = {}
    if not grouped:
        if described_by:
            attrs["aria-describedby"] = described_by
        if errors:
            attrs["aria-invalid"] = "true"
    elif errors and isinstance(widget, forms.MultiWidget):
        attrs["aria-invalid"] = "true"
    current_file = None
    if isinstance(bound_field.field, forms.FileField) and bound_field.form.is_bound:
        data = bound_field.data
        current_file = (
            getattr(data, "safe_name", None) or getattr(data, "name", None) if data else None
        )
    client_rule = getattr(bound_field.form, "client_conditions", {}).get(bound_field.name)
    widget_html = bound_field.as_widget(attrs=attrs)
    if grouped:
        # The fieldset carries the field's id (the error summary's target, focusable): the
        # wrapper Django gives a group of inputs must not repeat it.
        widget_html = mark_safe(widget_html.replace(f' id="{field_id}"', "", 1))
    if not errors and bound_field.errors:
        # Django marks fields with errors invalid; errors not shown (coming back to a step)
        # must not be announced either.
        widget_html = mark_safe(widget_html.replace(' aria-invalid="true"', ""))
    context = {
        "condition_json": json.dumps(client_rule) if client_rule else "",
        "prefix": bound_field.form.prefix or "",
        "field": bound_field,
        "current_file": current_file,
        "field_id": field_id,
        "widget_html": widget_html,
        "errors": errors,
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": described_by,
        "grouped": grouped,
        # Choices typed by the editor (a label of ours is lazy: translated, choices too).
        "choices_lang": editor_lang()
        if isinstance(widget, ChoiceWidget) and not isinstance(bound_field.label, Promise)
        else "",
        "is_checkbox": isinstance(widget, forms.CheckboxInput),
        "optional": not bound_field.field.required
        and bound_field.name not in getattr(bound_field.form, "conditionally_required", ()),
    }
    return render_to_string(themed("wizard/field.html"), context)


def _labelled(label, error):
    return _("%(label)s : %(error)s") % {"label": label, "error": error}


@register.filter
def error_summary(form):
    """[(anchor id, message)] for every error of a step, groups' items included."""
    if not getattr(form, "show_errors", True) or not form.is_bound:
        return []
    items = [("", str(error)) for error in form.non_field_errors()]
    for bound_field in form:
        for error in bound_field.errors:
            items.append((bound_field.auto_id, _labelled(bound_field.label, error)))
    for formset in getattr(form, "formsets", {}).values():
        for error in formset.non_form_errors():
            items.append((f"group-{formset.prefix}", str(error)))
        for item_form in formset.forms:
            for bound_field in item_form:
                for error in bound_field.errors:
                    label = (
                        f"{formset.spec.item_label} {item_form.item_number} — {bound_field.label}"
                    )
                    items.append((bound_field.auto_id, _labelled(label, error)))
    return items


@register.filter
def json_attr(value):
    """JSON for a data-* attribute (the template escapes it)."""
    return json.dumps(value)


@register.simple_tag(takes_context=True)
def passfamille_block(context, item):
    """A block with a template of its own (certified data): ``wizard/blocks/<type>.html``."""
    form = item["form"]
    section = form.certified_sections.get(item["key"])
    extra = {"item": item}
    if section is not None:
        extra.update(
            {
                "section": section,
                "fields": {
                    name.removeprefix(section.prefix): form[name]
                    for name in form.fields
                    if name.startswith(section.prefix)
                },
                "status": (context.get("certified_status") or {}).get(section.source),
                "commune_results": (context.get("commune_results") or {}).get(section.source),
                # What an identified citizen is shown of their own data (FranceConnect).
                "franceconnect_result": (context.get("franceconnect_data") or {}).get(
                    section.source
                ),
                "ticked_labels": [
                    label
                    for value, label in section.value.block.child_blocks["data"].field.choices
                    if value in section.value.ticked
                ],
            }
        )
    template = themed(f"wizard/blocks/{item['type']}.html")
    return render_to_string(template, {**context.flatten(), **extra}, context.get("request"))


@register.filter
def commune_label(code):
    """ "Charleville-Mézières (08)" for a COG code (current commune first)."""

    communes = geo.communes_with_code(code or "")
    return communes[0].label if communes else code
