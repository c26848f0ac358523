"""The démarche's own identity fields, filled from FranceConnect and locked for the identified
citizen.

Which fields: the step's short texts marked « nom du demandeur » or whose autocomplete option is
a name (``family-name``, ``given-name``, ``additional-name``, ``name``), and its dates whose
autocomplete option is ``bday``. They take the FranceConnect identity (the usage name when
FranceConnect gives one, else the birth name; the first of the first names for ``given-name``,
the others for ``additional-name``) and are read-only: the values are written into the posted and
the stored data on the server, so a different value posted is ignored and the recap, the checks
and the submission all read FranceConnect's. FranceConnect's rule: the citizen has the civil
status corrected at its source; the step says how, and how to tell the service
(``franceconnect/report_error.html``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from wagtail_passfamille.blocks.schema import iter_inputs

NAME_TOKENS = frozenset({"family-name", "given-name", "additional-name", "name"})
LOCKED_HELP = _("Transmis par FranceConnect : ne peut pas être modifié ici.")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def tokens(step_value) -> dict[str, str]:
    """field name → autocomplete token, for the step's top-level identity fields."""
    found = {}
    for item in iter_inputs(step_value):
        if item.block_type == "texte_court":
            token = item.value.get("autocomplete") or (
                "family-name" if item.value.get("is_applicant_name") else ""
            )
            if token in NAME_TOKENS:
                found[item.name] = token
        elif item.block_type == "date" and item.value.get("autocomplete") == "bday":
            found[item.name] = "bday"
    return found


def value_for(autocomplete: str, claims: Mapping[str, Any]) -> str | dt.date | None:
    """FranceConnect's value for a field with that autocomplete option (None: nothing)."""
    given = list(claims.get("given_name_array") or str(claims.get("given_name") or "").split())
    family = claims.get("preferred_username") or claims.get("family_name") or ""
    try:
        birth = dt.date.fromisoformat(str(claims.get("birthdate") or ""))
    except ValueError:
        birth = None  # a date FranceConnect gives partly (born abroad): typed by the citizen
    values = {
        "family-name": family,
        "given-name": given[0] if given else "",
        "additional-name": " ".join(given[1:]),
        "name": " ".join([*given, family]).strip(),
        "bday": birth,
    }
    return values.get(autocomplete) or None


def locks(step_value, claims: Mapping[str, Any] | None) -> dict[str, str | dt.date]:
    """field name → FranceConnect's value, for the fields of the step it fills."""
    if not claims:
        return {}
    values = {name: value_for(token, claims) for name, token in tokens(step_value).items()}
    return {name: value for name, value in values.items() if value}


def locked_data(data, prefix: str, values: Mapping[str, str | dt.date]):
    """A copy of posted or stored data with FranceConnect's values in the locked fields."""
    data = data.copy()
    for name, value in values.items():
        key = f"{prefix}-{name}"
        for part in [k for k in list(data) if k.startswith(key + "_")]:
            del data[part]  # a date's three inputs: the ISO value replaces them
        data.setlist(key, [value.isoformat() if isinstance(value, dt.date) else value])
    return data


def mark(form, values: Mapping[str, Any]) -> None:
    """Read-only inputs saying where their value comes from."""
    for name in values:
        field = form.fields.get(name)
        if field is None:
            continue
        field.widget.attrs["readonly"] = True
        field.help_text = LOCKED_HELP
        field.locked_by_franceconnect = True
    form.franceconnect_locked = any(name in form.fields for name in values)


def report_email(service_contact: str) -> str:
    """The service's e-mail address in its contact text, for « Signaler une erreur »."""
    found = EMAIL.search(service_contact or "")
    return found.group(0) if found else ""
