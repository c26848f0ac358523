"""Shared hypothesis strategies and exact reference arithmetic for the rules tests."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from wagtail_passfamille.rules import Bracket, Truth

truths = st.sampled_from(list(Truth))


def half_up_cents(value: Fraction) -> Decimal:
    """Reference rounding to the cent, half away from zero, in exact rational arithmetic."""
    scaled = abs(value) * 100
    cents = math.floor(scaled + Fraction(1, 2))
    result = Decimal(cents) / 100
    return (-result if value < 0 else result).quantize(Decimal("0.01"))


def money(min_value: str = "0", max_value: str = "100") -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(min_value), max_value=Decimal(max_value), places=2)


@st.composite
def partitions(draw: st.DrawFn, min_cuts: int = 0, max_cuts: int = 7) -> list[Bracket]:
    """Brackets covering [0, +∞) (or (−∞, +∞)) exactly once, in ascending order."""
    cuts = draw(
        st.lists(
            st.decimals(min_value=Decimal(1), max_value=Decimal(5000), places=2),
            min_size=min_cuts,
            max_size=max_cuts,
            unique=True,
        )
    )
    cuts.sort()
    first = draw(st.sampled_from([None, Decimal(0)]))
    bounds = [first, *cuts, None]
    amounts = draw(st.lists(money(), min_size=len(bounds) - 1, max_size=len(bounds) - 1))
    return [
        Bracket(f"Tranche {index + 1}", bounds[index], bounds[index + 1], amounts[index])
        for index in range(len(bounds) - 1)
    ]
