"""How a field block's answer reads as text, for the citizen's recap and the agent's screen."""

from __future__ import annotations

import datetime as dt

import phonenumbers
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def display_value(block_type, value):
    """An answer as a citizen reads it ("Oui", "3 septembre 2026", "06 12 34 56 78")."""
    if value in (None, "", [], {}):
        return _("Non renseigné")
    if block_type == "case_a_cocher":
        return _("Oui") if value else _("Non")
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    if block_type == "telephone":
        try:
            return phonenumbers.format_number(
                phonenumbers.parse(value, "FR"), phonenumbers.PhoneNumberFormat.NATIONAL
            )
        except phonenumbers.NumberParseException:
            return value
    if block_type == "adresse" and isinstance(value, dict):
        lines = [value.get("voie"), value.get("complement")]
        lines.append(f"{value.get('code_postal', '')} {value.get('commune', '')}".strip())
        return "\n".join(line for line in lines if line)
    if block_type == "fichier":
        return getattr(value, "safe_name", None) or getattr(value, "name", "") or str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
