"""Validators and form fields shared by models and forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_passfamille.api_particulier.siret import is_valid_siret, normalise_siret
from wagtail_passfamille.conf import get_setting


def validate_siret(value):
    if not is_valid_siret(value):
        raise ValidationError(
            _(
                "Ce numéro SIRET n'est pas valide : il faut 14 chiffres dont le dernier est une "
                "clé de contrôle. Recopiez-le depuis l'annuaire des entreprises."
            ),
            code="invalid_siret",
        )


class SiretFormField(forms.CharField):
    """Accepts the SIRET as people paste it ("130 025 265 00013") and stores 14 digits."""

    def to_python(self, value):
        return normalise_siret(super().to_python(value))


class SiretField(models.CharField):
    default_validators = [validate_siret]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 14)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", SiretFormField)
        field = super().formfield(**kwargs)
        # The pasted value may hold spaces: the 14-digit limit applies after normalising.
        field.max_length = None
        field.validators = [v for v in field.validators if v.code != "max_length"]
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        return field


class ChoiceListField(models.JSONField):
    """A list of choices stored as JSON, edited as checkboxes."""

    def __init__(self, *args, choices_list=(), **kwargs):
        self.choices_list = list(choices_list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_list"] = self.choices_list
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.choices_list,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


class CredentialProfileSelect(forms.Select):
    """The credential profiles the integrator configured, as a list: the editor never types a
    profile's name. With none configured, the only choice says why."""

    def __init__(self, attrs=None):
        super().__init__(attrs)

    @property
    def choices(self):
        profiles = sorted(get_setting("CREDENTIALS") or {})
        if not profiles:
            return [
                (
                    "",
                    _(
                        "Aucun profil configuré : demandez à l'intégrateur de déclarer "
                        "WAGTAIL_PASSFAMILLE_CREDENTIALS (jeton API Particulier)."
                    ),
                )
            ]
        return [("", _("— Aucun : pas de données certifiées —")), *((p, p) for p in profiles)]

    @choices.setter
    def choices(self, value):
        pass  # the model field has no choices: the list is read from settings when rendered
