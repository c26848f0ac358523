"""Django form fields of citizen answers that Django does not have: phone, postal address, a
date typed in three inputs."""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class FrenchPhoneField(forms.CharField):
    """A phone number as French people type it ("06 12 34 56 78", "+33 6…"), stored E.164."""

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
    default_error_messages = {
        "invalid": _(
            "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 "
            "ou +33 6 12 34 56 78."
        )
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        if re.search(r"[^0-9+().\-\s]", value, flags=re.ASCII):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = phonenumbers.parse(value, "FR")
        except phonenumbers.NumberParseException:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class LabelledPartsWidget(forms.MultiWidget):
    """Several inputs, each with its own visible label from ``part_labels`` (RGAA 11.1): the
    template renders ``part_label`` beside every subwidget."""

    part_labels: tuple = ()

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], self.part_labels):
            subwidget["part_label"] = label
            # Django's attrs.html as one string (``flatatt``: the same escaping, True written
            # bare, False and None left out): its loop over every attribute of every part was
            # most of the cost of rendering a date or an address.
            subwidget["attrs_html"] = flatatt(subwidget["attrs"])
        return context


class AddressWidget(LabelledPartsWidget):
    template_name = "wagtail_passfamille/widgets/address.html"
    part_labels = (
        _("Numéro et voie"),
        _("Complément d'adresse (facultatif)"),
        _("Code postal"),
        _("Commune"),
    )

    def __init__(self, attrs=None):
        widgets = (
            forms.TextInput(attrs={"autocomplete": "address-line1"}),
            forms.TextInput(attrs={"autocomplete": "address-line2"}),
            forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 6}
            ),
            forms.TextInput(attrs={"autocomplete": "address-level2"}),
        )
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dict):
            return [value.get(k, "") for k in ("voie", "complement", "code_postal", "commune")]
        return ["", "", "", ""]


class AddressField(forms.MultiValueField):
    """A French postal address as four labelled inputs, answered as a dict."""

    widget = AddressWidget
    default_error_messages = {
        "incomplete": _("Indiquez le numéro et la voie, le code postal et la commune."),
        "invalid_postcode": _("Le code postal est composé de 5 chiffres, par exemple 51000."),
    }

    def __init__(self, **kwargs):
        fields = (
            forms.CharField(max_length=120),
            forms.CharField(max_length=120, required=False),
            forms.CharField(max_length=5),
            forms.CharField(max_length=80),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return None
        voie, complement, code_postal, commune = [*data_list, "", "", "", ""][:4]
        if not re.fullmatch(r"[0-9]{5}", code_postal or "", flags=re.ASCII):
            raise ValidationError(self.error_messages["invalid_postcode"], code="invalid_postcode")
        return {
            "voie": voie,
            "complement": complement,
            "code_postal": code_postal,
            "commune": commune,
        }


def autocomplete_attrs(token) -> dict:
    """The ``autocomplete`` attribute for an editor's choice (none when not chosen)."""
    return {"autocomplete": token} if token else {}


class DateInputsWidget(LabelledPartsWidget):
    """A date as day, month and year inputs: the order never depends on the browser's language.

    The value read back is « jour/mois/année » for ``DateField`` to parse; a date posted as one
    value (``name=2018-05-14``, an older form or a script) is still read.
    """

    template_name = "wagtail_passfamille/widgets/partial_date.html"
    part_labels = (_("Jour"), _("Mois"), _("Année"))

    def __init__(self, attrs=None, *, birth_date=False):
        numeric = {"inputmode": "numeric"}
        tokens = ("bday-day", "bday-month", "bday-year") if birth_date else ("", "", "")
        sizes = (2, 2, 4)
        widgets = [
            forms.TextInput(
                attrs={**numeric, "size": size, "maxlength": size, **autocomplete_attrs(token)}
            )
            for size, token in zip(sizes, tokens)
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str) and value.count("/") == 2:
            return value.split("/")  # as typed, shown again with its error
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return ["", "", ""]
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        if not any(parts):
            return data.get(name)
        return "/".join(part.strip() if part else "" for part in parts)

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and name not in data


class TickedChoicesField(forms.MultipleChoiceField):
    """Tick boxes with the editor's minimum and maximum number of ticks."""

    def __init__(self, *, min_choices=None, max_choices=None, **kwargs):
        super().__init__(**kwargs)
        self.min_choices, self.max_choices = min_choices, max_choices

    def validate(self, value):
        super().validate(value)
        count = len(value or ())
        if count and self.min_choices and count < self.min_choices:
            raise ValidationError(
                ngettext_lazy(
                    "Cochez au moins %(num)d choix.", "Cochez au moins %(num)d choix.", "num"
                )
                % {"num": self.min_choices},
                code="min_choices",
            )
        if self.max_choices and count > self.max_choices:
            raise ValidationError(
                ngettext_lazy(
                    "Cochez au plus %(num)d choix.", "Cochez au plus %(num)d choix.", "num"
                )
                % {"num": self.max_choices},
                code="max_choices",
            )


DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]


class CitizenDateField(forms.DateField):
    """A date typed as day, month and year in three labelled inputs (never a native picker,
    whose order follows the browser's language); an ISO date posted as one value still works."""

    widget = DateInputsWidget
    default_error_messages = {
        "invalid": _(
            "Indiquez une date qui existe : le jour (1 à 31), le mois (1 à 12) et l'année "
            "(4 chiffres), par exemple 14 5 2018."
        ),
    }

    def __init__(self, *, min_date=None, max_date=None, not_in_future=False, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)
        self.min_date, self.max_date, self.not_in_future = min_date, max_date, not_in_future

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value.year < 1900:
            raise ValidationError(_("Indiquez une année à quatre chiffres."), code="year")
        if self.not_in_future and value > timezone.localdate():
            raise ValidationError(_("La date ne peut pas être dans le futur."), code="future")
        if self.min_date and value < self.min_date:
            raise ValidationError(
                _("La date doit être le %(date)s ou après.")
                % {"date": date_format(self.min_date, "SHORT_DATE_FORMAT")},
                code="min_date",
            )
        if self.max_date and value > self.max_date:
            raise ValidationError(
                _("La date doit être le %(date)s ou avant.")
                % {"date": date_format(self.max_date, "SHORT_DATE_FORMAT")},
                code="max_date",
            )
