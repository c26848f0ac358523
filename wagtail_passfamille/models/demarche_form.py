"""The démarche's admin form and reference prefixes: each démarche has its own prefix.

The prefix starts every reference (CANT-2026-000123) and tells agents which démarche a
reference belongs to; the sequence is per prefix (``ReferenceCounter``). The admin refuses a
prefix another démarche uses; the models and the page copy propose a free one.
"""

from __future__ import annotations

import string

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

PREFIX_MAX = 8


def prefix_taken(model, prefix: str, exclude_pk=None) -> bool:
    others = model.objects.filter(reference_prefix=prefix)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def free_prefix(model, base: str, exclude_pk=None) -> str:
    """``base`` if no other démarche has it, else ``base`` with one or two letters added
    (CANT, CANTB, CANTC…), within the 8 letters a prefix may have."""
    base = "".join(c for c in base.upper() if c in string.ascii_uppercase)[:PREFIX_MAX] or "DEM"
    base = base if len(base) >= 2 else base + "X"
    candidates = [base]
    candidates += [base[: PREFIX_MAX - 1] + c for c in string.ascii_uppercase[1:]]
    candidates += [
        base[: PREFIX_MAX - 2] + a + b
        for a in string.ascii_uppercase
        for b in string.ascii_uppercase
    ]
    taken = set(model.objects.exclude(pk=exclude_pk).values_list("reference_prefix", flat=True))
    return next(c for c in candidates if c not in taken)


class DemarcheAdminForm(WagtailAdminPageForm):
    def clean_reference_prefix(self):
        prefix = self.cleaned_data.get("reference_prefix")
        model = type(self.instance)
        if prefix and prefix_taken(model, prefix, exclude_pk=self.instance.pk):
            raise forms.ValidationError(
                _(
                    "Le préfixe « %(prefix)s » est déjà celui d'une autre démarche : les "
                    "références ne diraient plus de quelle démarche elles viennent. "
                    "Proposition : « %(free)s »."
                )
                % {"prefix": prefix, "free": free_prefix(model, prefix, self.instance.pk)}
            )
        return prefix
