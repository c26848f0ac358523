"""FormBuilder: a step's blocks → a Django form class, one ``create_<type>_field`` per type.

Modelled on ``wagtail.contrib.forms.forms.FormBuilder``: adding a field type is adding one small
method. Repeatable groups become bounded formsets carried by the step form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from wagtail_passfamille.blocks.schema import (
    CERTIFIED_BLOCKS,
    Input,
    iter_group_inputs,
    iter_inputs,
)
from wagtail_passfamille.citizen.certified_forms import SECTIONS
from wagtail_passfamille.citizen.fields import (
    AddressField,
    CitizenDateField,
    DateInputsWidget,
    FrenchPhoneField,
    TickedChoicesField,
    autocomplete_attrs,
)
from wagtail_passfamille.citizen.uploads import CitizenFileField
from wagtail_passfamille.rules.logic import Truth
from wagtail_passfamille.rules.variables import CHILD_AGE

EMPTY_ANSWERS = (None, "", [], False)


class StepForm(forms.Form):
    """One step: fields, repeatable groups (formsets) and same-step display conditions.

    ``visible_when``: field name → callable(answers of this step) → Truth, for fields whose
    condition reads an earlier field of the same step. The browser may hide them with
    JavaScript; the server decides again and ignores the values of the fields it hides.
    """

    group_specs: Mapping[str, GroupSpec] = {}
    #: What the step shows, in the editor's order: ("field" | "group" | "information", key).
    layout: tuple = ()
    information: Mapping[str, object] = {}
    #: Certified-data blocks of the step: source → CertifiedSection.
    certified_sections: Mapping[str, object] = {}
    visible_when: Mapping[str, Callable[[dict], Truth]] = {}
    #: The same conditions as JSON, for the browser to hide and show fields as one types.
    client_conditions: Mapping[str, dict] = {}
    conditionally_required: frozenset[str] = frozenset()
    template_name = "wagtail_passfamille/wizard/step_form.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_errors = True
        self.formsets = {}
        for name, spec in self.group_specs.items():
            formset = spec.formset_class(
                data=self.data if self.is_bound else None,
                files=self.files if self.is_bound else None,
                prefix=self.add_prefix(name),
            )
            formset.spec = spec
            formset.name = name
            self.formsets[name] = formset

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name, formset in self.formsets.items():
            if formset.is_valid():
                self.cleaned_data[name] = [
                    form.cleaned_data for form in formset.forms if form.has_changed()
                ]
            else:
                self._errors.setdefault(name, self.error_class()).extend(
                    formset.non_form_errors() or [_("Corrigez les erreurs ci-dessous.")]
                )
                self.cleaned_data.pop(name, None)
        self._apply_same_step_conditions()

    def clean(self):
        cleaned = super().clean()
        # The lookups to run once the step is valid (by the wizard, never here).
        self.lookup_requests = {
            source: section.clean(self) for source, section in self.certified_sections.items()
        }
        return cleaned

    def _apply_same_step_conditions(self):
        if not self.visible_when or not hasattr(self, "cleaned_data"):
            return
        answers = dict(self.cleaned_data)
        self.hidden_fields_by_condition = set()
        for name, visible in self.visible_when.items():
            if visible(answers) is not Truth.TRUE:
                self.hidden_fields_by_condition.add(name)
                self._errors.pop(name, None)
                self.cleaned_data.pop(name, None)
                answers.pop(name, None)
            elif name in self.conditionally_required and (
                self.cleaned_data.get(name) in EMPTY_ANSWERS
            ):
                self.add_error(name, ValidationError(_("Ce champ est obligatoire."), "required"))

    def layout_items(self):
        """The step's content in order, ready for templates."""
        for kind, key in self.layout:
            if kind == "field" and key in self.fields:
                yield {"type": "field", "field": self[key]}
            elif kind == "group" and key in self.formsets:
                yield {"type": "group", "name": key, "formset": self.formsets[key]}
            elif kind == "information":
                text, rule = self.information[key]
                yield {
                    "type": "information",
                    "text": text,
                    "condition": rule.to_dict() if rule is not None else None,
                }
            elif kind not in ("field", "group", "information"):
                yield {"type": kind, "key": key, "form": self}

    def has_changed(self):
        return super().has_changed() or any(f.has_changed() for f in self.formsets.values())


class GroupItemForm(forms.Form):
    """One item of a repeatable group ("Enfant 1").

    ``visible_when``: sub-field → callable(answers of this item, keyed ``group.sub_field``) →
    Truth, for sub-fields whose condition reads a sibling ("PAI" = Oui shows "Document PAI" for
    that child only). The browser hides them as one answers; the server decides again.
    """

    template_name = "wagtail_passfamille/wizard/group_item.html"
    group_name = ""
    visible_when: Mapping[str, Callable[[dict], Truth]] = {}
    client_conditions: Mapping[str, dict] = {}
    conditionally_required: frozenset[str] = frozenset()

    def clean(self):
        cleaned = super().clean()
        if not self.visible_when:
            return cleaned
        answers = {f"{self.group_name}.{name}": value for name, value in cleaned.items()}
        for name, visible in self.visible_when.items():
            if visible(answers) is not Truth.TRUE:
                self._errors.pop(name, None)
                cleaned.pop(name, None)
                answers.pop(f"{self.group_name}.{name}", None)
            elif name in self.conditionally_required and cleaned.get(name) in EMPTY_ANSWERS:
                self.add_error(name, ValidationError(_("Ce champ est obligatoire."), "required"))
        return cleaned


class BoundedFormSet(forms.BaseFormSet):
    """A formset whose size never exceeds the editor's maximum, whatever the POST says."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": ngettext_lazy(
            "Indiquez au moins %(num)d élément.", "Indiquez au moins %(num)d éléments.", "num"
        ),
        "too_many_forms": ngettext_lazy(
            "Indiquez au plus %(num)d élément.", "Indiquez au plus %(num)d éléments.", "num"
        ),
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.item_number = (index or 0) + 1

    def get_form_kwargs(self, index):
        # Items up to the minimum are always validated: their inputs carry ``required``; an
        # extra item left empty is ignored, so its inputs must not claim to be required.
        kwargs = super().get_form_kwargs(index)
        kwargs["use_required_attribute"] = index is not None and index < self.min_num
        return kwargs


class GroupSpec:
    def __init__(self, value, item_form_class):
        self.value = value
        self.min_items = value.get("min_items") or 0
        self.max_items = max(value.get("max_items") or 1, 1)
        self.formset_class = forms.formset_factory(
            item_form_class,
            formset=BoundedFormSet,
            extra=0 if self.min_items else 1,
            min_num=self.min_items,
            max_num=self.max_items,
            absolute_max=self.max_items,
            validate_min=True,
            validate_max=True,
        )
        self.item_label = value.get("item_label") or _("Élément")
        self.add_label = value.get("add_label") or _("Ajouter")


class FormBuilder:
    """Build a step's form class from its field blocks."""

    def __init__(
        self,
        step_value,
        *,
        hidden: Callable[[Input], bool] = lambda item: False,
        same_step_visibility: Callable[[Input], Callable | None] = lambda item: None,
        child_age: tuple[str, str, str] | None = None,
    ):
        self.step_value = step_value
        self.hidden = hidden
        self.same_step_visibility = same_step_visibility
        #: (children's group, birth date sub-field, reference date): the browser computes a
        #: child's age in that child's item (:func:`item_rule`).
        self.child_age = child_age

    def get_create_field_function(self, block_type):
        method = getattr(self, f"create_{block_type}_field", None)
        if method is None:
            types = sorted(
                name.removeprefix("create_").removesuffix("_field")
                for name in dir(self)
                if name.startswith("create_") and name.endswith("_field")
            )
            raise AttributeError(
                f"Unknown field type {block_type!r}: FormBuilder has no create_{block_type}_field"
                f" (known types: {', '.join(types)})."
            )
        return method

    def get_field_options(self, value):
        return {
            "label": value.get("label", ""),
            "help_text": value.get("help_text", ""),
            "required": bool(value.get("required")),
        }

    @property
    def formfields(self) -> dict[str, forms.Field]:
        return self._build()[0]

    def get_form_class(self) -> type[StepForm]:
        fields, groups, visible_when, cond_required = self._build()
        attrs = {
            **fields,
            "certified_sections": dict(self._sections),
            "layout": tuple(self._layout),
            "information": self._information,
            "group_specs": groups,
            "visible_when": visible_when,
            # A condition on the children's ages outside their items is left to the server:
            # shown in the browser, ignored when it does not hold.
            "client_conditions": {
                name: rule.to_dict()
                for name in visible_when
                if CHILD_AGE not in (rule := self.rule_of(name)).variables()
            },
            "conditionally_required": frozenset(cond_required),
        }
        return type("StepForm", (StepForm,), attrs)

    def rule_of(self, name):
        return self.step_inputs[name].value.condition_rule

    @property
    def step_inputs(self) -> dict[str, Input]:
        return {item.name: item for item in iter_inputs(self.step_value)}

    def _build(self):
        fields, groups, visible_when, cond_required = {}, {}, {}, set()
        self._layout, self._information, self._sections = [], {}, {}
        for item in iter_inputs(self.step_value, include_information=True):
            if self.hidden(item):
                continue
            if item.block_type == "information":
                key = f"information-{len(self._information)}"
                self._information[key] = (item.value.get("text"), item.value.condition_rule)
                self._layout.append(("information", key))
                continue
            if item.block_type == "groupe":
                groups[item.name] = GroupSpec(item.value, self.build_group_item_form(item))
                self._layout.append(("group", item.name))
                continue
            if item.block_type in CERTIFIED_BLOCKS:
                # A block bringing several fields and a template of its own.
                section = SECTIONS[item.block_type](item.value)
                fields.update(section.fields())
                # Not "(facultatif)": required as soon as the citizen chooses to share.
                cond_required.update(section.name(n) for n in section.marked_required)
                self._sections[section.source] = section
                self._layout.append((item.block_type, item.name))
                continue
            self._layout.append(("field", item.name))
            options = self.get_field_options(item.value)
            visible = self.same_step_visibility(item)
            if visible is not None:
                visible_when[item.name] = visible
                if options["required"]:
                    # Checked in StepForm.clean, only if the field is shown.
                    cond_required.add(item.name)
                    options["required"] = False
            fields[item.name] = self.get_create_field_function(item.block_type)(item.value, options)
        return fields, groups, visible_when, cond_required

    def build_group_item_form(self, group_item: Input) -> type[forms.Form]:
        group = group_item.name
        attrs, visible_when, client, cond_required = {}, {}, {}, set()
        for sub in iter_group_inputs(group_item):
            if self.hidden(sub):
                continue
            options = self.get_field_options(sub.value)
            visible = self.same_step_visibility(sub)
            if visible is not None:
                visible_when[sub.name] = visible
                client[sub.name] = item_rule(
                    sub.value.condition_rule.to_dict(), group, self.child_age
                )
                if options["required"]:
                    cond_required.add(sub.name)
                    options["required"] = False
            attrs[sub.name] = self.get_create_field_function(sub.block_type)(sub.value, options)
        attrs.update(
            group_name=group,
            visible_when=visible_when,
            client_conditions=client,
            conditionally_required=frozenset(cond_required),
        )
        return type("GroupItemForm", (GroupItemForm,), attrs)

    # One method per field type -------------------------------------------------------------

    def create_texte_court_field(self, value, options):
        token = value.get("autocomplete") or (
            "family-name" if value.get("is_applicant_name") else ""
        )
        field = forms.CharField(
            max_length=value.get("max_length") or 255,
            widget=forms.TextInput(attrs=autocomplete_attrs(token)),
            **options,
        )
        field.is_applicant_name = bool(value.get("is_applicant_name"))
        return field

    def create_texte_long_field(self, value, options):
        return forms.CharField(
            max_length=value.get("max_length") or 10000,
            widget=forms.Textarea(attrs={"rows": 5}),
            **options,
        )

    def create_email_field(self, value, options):
        field = forms.EmailField(
            widget=forms.EmailInput(attrs=autocomplete_attrs(value.get("autocomplete", "email"))),
            **options,
        )
        field.is_contact = bool(value.get("is_contact"))
        return field

    def create_telephone_field(self, value, options):
        token = value.get("autocomplete", "tel")
        return FrenchPhoneField(
            widget=forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", **autocomplete_attrs(token)}
            ),
            **options,
        )

    def create_nombre_field(self, value, options):
        validators = []
        if value.get("min_value") is not None:
            validators.append(MinValueValidator(value["min_value"]))
        if value.get("max_value") is not None:
            validators.append(MaxValueValidator(value["max_value"]))
        widget = forms.NumberInput(attrs={"inputmode": "numeric"})
        if value.get("integer_only", True):
            return forms.IntegerField(validators=validators, widget=widget, **options)
        widget.attrs["inputmode"] = "decimal"
        return forms.DecimalField(
            max_digits=12, decimal_places=2, validators=validators, widget=widget, **options
        )

    def create_date_field(self, value, options):
        # The expected form, before the inputs (with the editor's help, if any).
        example = _("Par exemple 14 5 2018.")
        help_text = options.pop("help_text")
        options["help_text"] = format_lazy("{} {}", help_text, example) if help_text else example
        return CitizenDateField(
            min_date=value.get("min_date"),
            max_date=value.get("max_date"),
            not_in_future=bool(value.get("not_in_future")),
            widget=DateInputsWidget(birth_date=value.get("autocomplete") == "bday"),
            **options,
        )

    def create_choix_unique_field(self, value, options):
        choices = [(c, c) for c in value.get("choices") or () if c]
        if value.get("widget") == "select":
            return forms.ChoiceField(choices=[("", _("— Choisir —")), *choices], **options)
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)

    def create_choix_multiples_field(self, value, options):
        choices = [(c, c) for c in value.get("choices") or () if c]
        low, high = value.get("min_choices"), value.get("max_choices")
        return TickedChoicesField(
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            min_choices=low,
            max_choices=high,
            **options,
        )

    def create_case_a_cocher_field(self, value, options):
        return forms.BooleanField(**options)

    def create_fichier_field(self, value, options):

        return CitizenFileField(**options)

    def create_adresse_field(self, value, options):
        return AddressField(**options)


def item_rule(rule: dict, group: str, child_age=None) -> dict:
    """A sub-field's condition for the browser: ``group.sibling`` reads the same item's input
    (the item's form prefix is the container's ``data-prefix``), the child's age is computed
    from the item's birth date on ``age_on``."""

    def local(condition):
        if condition["variable"] == CHILD_AGE and child_age and child_age[0] == group:
            return {**condition, "variable": child_age[1], "age_on": child_age[2]}
        prefix, dot, rest = condition["variable"].partition(".")
        return {**condition, "variable": rest} if dot and prefix == group else condition

    if rule.get("type") == "group":
        return {**rule, "conditions": [local(c) for c in rule["conditions"]]}
    return local(rule)


def to_answer(value):
    """A cleaned value as stored in JSON answers (dates ISO, decimals as strings)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return [to_answer(v) for v in value]
    if isinstance(value, dict):
        return {k: to_answer(v) for k, v in value.items()}
    return value
