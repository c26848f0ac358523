"""French formatting of amounts for citizen-facing lines and editor messages.

French typography: a comma as decimal separator, a narrow no-break space (U+202F) between
thousands, a no-break space (U+00A0) before "€" and "%" so they never wrap onto a line alone.
"""

from __future__ import annotations

from decimal import Decimal

from .coerce import canonical_decimal, to_cents

NBSP = "\u00a0"
NNBSP = "\u202f"


def _group_thousands(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return NNBSP.join(groups)


def format_number(value: Decimal | int | None) -> str:
    """1234.5 → "1 234,5" (trailing zeros dropped); None → "∞" (an open bracket end)."""
    if value is None:
        return "∞"
    text = canonical_decimal(Decimal(value))
    sign = ""
    if text.startswith("-"):
        sign, text = "−", text[1:]  # U+2212, the typographic minus
    whole, _, fraction = text.partition(".")
    result = sign + _group_thousands(whole)
    return f"{result},{fraction}" if fraction else result


def format_euros(amount: Decimal) -> str:
    """2.35 → "2,35 €", 1200 → "1 200,00 €": always two decimals, rounded half up."""
    cents = to_cents(amount)
    sign = "−" if cents < 0 else ""
    whole, _, fraction = format(abs(cents), "f").partition(".")
    return f"{sign}{_group_thousands(whole)},{fraction or '00'}{NBSP}€"


def format_percent(value: Decimal) -> str:
    """30 → "30 %", 12.5 → "12,5 %"."""
    return f"{format_number(value)}{NBSP}%"
