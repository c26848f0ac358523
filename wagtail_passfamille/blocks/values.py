"""Behaviour of block values (blocks are shared singletons: they describe, values behave)."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from wagtail import blocks

from wagtail_passfamille.rules.conditions import (
    Condition,
    Group,
    GroupMode,
    Operator,
    Quantifier,
    Rule,
)
from wagtail_passfamille.rules.text import machine_name


def split_choices(value: str) -> tuple[str, ...]:
    """The editor types a "fait partie de" list as "A; B; C"."""
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


class ConditionValue(blocks.StructValue):
    """A display condition: no rule at all means "always shown"."""

    def as_rule(self) -> Rule | None:
        conditions = []
        for item in self.get("rules") or ():
            variable = (item.get("variable") or "").strip()
            if not variable or item.get("operator") not in set(Operator):
                # Only in a draft (autosave defers required inputs): publishing asks for them.
                continue
            operator = Operator(item["operator"])
            value = item.get("value") or ""
            if operator is Operator.ONE_OF:
                value = split_choices(value)
            elif operator in (Operator.IS_FILLED, Operator.IS_NOT_FILLED):
                value = None
            quantifier = item.get("quantifier") or Quantifier.ANY
            quantifier = quantifier if quantifier in set(Quantifier) else Quantifier.ANY
            conditions.append(Condition(variable, operator, value, quantifier))
        if not conditions:
            return None
        return Group(GroupMode(self.get("mode") or "all"), tuple(conditions))

    @property
    def variables(self) -> frozenset[str]:
        rule = self.as_rule()
        return rule.variables() if rule else frozenset()


class FieldValue(blocks.StructValue):
    """An input field: its stored answers are keyed by ``clean_name``, frozen once submitted."""

    @property
    def clean_name(self) -> str:
        return self.get("name") or machine_name(self.get("label", ""))

    @property
    def condition_rule(self) -> Rule | None:
        condition = self.get("condition")
        return condition.as_rule() if condition else None


class GroupValue(FieldValue):
    """A repeatable group ("Enfants à inscrire") of simple fields."""

    @property
    def sub_fields(self):
        return list(self.get("fields") or ())


class StepValue(blocks.StructValue):
    @property
    def condition_rule(self) -> Rule | None:
        condition = self.get("condition")
        return condition.as_rule() if condition else None

    @property
    def field_children(self):
        """The stream children (block_type, value, id) of the step's fields."""
        return list(self.get("fields") or ())


# Which quotient familial a démarche uses (QuotientFamilialBlock's ``mois_reference``).
LATEST, APPLICATION_MONTH, FIXED_MONTH = "dernier", "mois_demande", "fixe"


class CertifiedValue(blocks.StructValue):
    """A certified-data block: its source (a registered ``sources`` name) names its fields
    and its data."""

    @property
    def source(self) -> str:
        return self.block.meta.source

    @property
    def clean_name(self) -> str:
        return self.source

    @property
    def ticked(self) -> tuple[str, ...]:
        return tuple(self.get("data") or ())

    @property
    def children_group(self) -> str:
        """The repeatable group of registered children matched against the source's own
        children ("" when the block names none)."""
        return (self.get("children_group") or "").strip()

    @property
    def condition_rule(self) -> Rule | None:
        condition = self.get("condition")
        return condition.as_rule() if condition else None

    def reference_month(self, today) -> tuple[int | None, int | None]:
        """The month of the quotient familial to ask for (``annee``, ``mois``): none for the
        latest known, the month of the application, or the editor's fixed month."""
        rule = self.get("mois_reference") or LATEST
        if rule == APPLICATION_MONTH:
            return today.year, today.month
        if rule == FIXED_MONTH and self.get("annee_fixe") and self.get("mois_fixe"):
            return int(self.get("annee_fixe")), int(self.get("mois_fixe"))
        return None, None


class CommaDecimalField(forms.DecimalField):
    """A French number: « 0,6 » is 0.6 (never 6), « 1 200,50 » is 1200.50; « 0.6 » too.

    A plain text input (``inputmode="decimal"``): a browser's number input in another locale
    may drop the comma before the server sees it.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value).replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value, "f").replace(".", ",")
        return value


class CommaDecimalBlock(blocks.DecimalBlock):
    """A ``DecimalBlock`` typed the French way (see :class:`CommaDecimalField`)."""

    def __init__(self, required=True, help_text=None, max_digits=None, decimal_places=None, **kw):
        super().__init__(
            required=required,
            help_text=help_text,
            max_digits=max_digits,
            decimal_places=decimal_places,
            **kw,
        )
        self.field = CommaDecimalField(
            required=required,
            help_text=help_text,
            max_digits=max_digits,
            decimal_places=decimal_places,
        )
