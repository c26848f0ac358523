"""SIRET validation (the ``recipient`` of every API Particulier v3 call).

Pure Python, shared by the client (which refuses a bad recipient before any request) and the
Wagtail site settings form.
"""

from __future__ import annotations

import re

_SIRET_RE = re.compile(r"[0-9]{14}", re.ASCII)

# La Poste's establishments share the SIREN 356 000 000 and are numbered past what the Luhn
# key allows; INSEE also accepts theirs when the sum of the digits is a multiple of 5.
_LA_POSTE_SIREN = "356000000"


def normalise_siret(value: str) -> str:
    """Drop the spaces people type or paste ("130 025 265 00013")."""
    return re.sub(r"[\s\u00a0\u202f]", "", value or "")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_valid_siret(value: str) -> bool:
    """14 ASCII digits passing the Luhn check (or La Poste's own rule)."""
    if not isinstance(value, str) or not _SIRET_RE.fullmatch(value):
        return False
    if luhn_ok(value):
        return True
    return value.startswith(_LA_POSTE_SIREN) and sum(int(c) for c in value) % 5 == 0
