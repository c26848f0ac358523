import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wagtail_passfamille.rules import format_euros, format_number, format_percent, to_cents
from wagtail_passfamille.rules.coerce import (
    age_on,
    birth_date_bounds,
    normalise_text,
    to_bool,
    to_date,
    to_decimal,
)

from .strategies import half_up_cents

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("850", Decimal(850)),
        ("2,35", Decimal("2.35")),
        (" 1 200,5 ", Decimal("1200.5")),
        ("1\u202f200", Decimal(1200)),
        (850, Decimal(850)),
        (2.35, Decimal("2.35")),
        (Decimal("0.10"), Decimal("0.10")),
        ("abc", None),
        ("", None),
        ("NaN", None),
        ("Infinity", None),
        (True, None),
        (None, None),
        ([1], None),
    ],
)
def test_to_decimal(raw, expected):
    assert to_decimal(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-09-01", dt.date(2026, 9, 1)),
        ("01/09/2026", dt.date(2026, 9, 1)),
        ("1/9/2026", dt.date(2026, 9, 1)),
        (dt.datetime(2026, 9, 1, 12, 30), dt.date(2026, 9, 1)),
        ("2026-02-30", None),
        ("31/02/2026", None),
        ("2026-9-1", None),
        ("demain", None),
        (20260901, None),
    ],
)
def test_to_date(raw, expected):
    assert to_date(raw) == expected


def test_to_bool_reads_french_and_english_words():
    assert to_bool("Oui") is True
    assert to_bool("NON") is False
    assert to_bool("vrai") is True
    assert to_bool(False) is False
    assert to_bool("peut-être") is None


def test_normalise_text_ignores_case_accents_spacing_and_apostrophes():
    assert normalise_text("  Végétarien ") == normalise_text("VEGETARIEN")
    assert normalise_text("L’Haÿ-les-Roses") == normalise_text("l'hay-les-roses")
    assert normalise_text("sans   porc") == "sans porc"
    assert normalise_text("Saint-Étienne") != normalise_text("Saint Etienne")


@given(st.decimals(min_value=-10000, max_value=10000, places=4))
def test_to_cents_rounds_half_up_like_exact_arithmetic(amount):
    assert to_cents(amount) == half_up_cents(Fraction(amount))


def test_to_cents_half_cases():
    assert to_cents(Decimal("2.345")) == Decimal("2.35")
    assert to_cents(Decimal("2.3449")) == Decimal("2.34")
    assert to_cents(Decimal("0.005")) == Decimal("0.01")


@pytest.mark.parametrize(
    ("raw", "bounds"),
    [
        ("2016-04-20", (dt.date(2016, 4, 20), dt.date(2016, 4, 20))),
        ("2020-04-00", (dt.date(2020, 4, 1), dt.date(2020, 4, 30))),
        ("2020-02-00", (dt.date(2020, 2, 1), dt.date(2020, 2, 29))),
        ("2020-00-00", (dt.date(2020, 1, 1), dt.date(2020, 12, 31))),
        ("2020-00-15", (dt.date(2020, 1, 1), dt.date(2020, 12, 31))),
        ("0000-00-00", None),
        ("2020-13-00", None),
        ("2021-02-29", None),
        ("20/04/2016", None),
    ],
)
def test_partial_birth_dates_give_a_range(raw, bounds):
    assert birth_date_bounds(raw) == bounds


def test_age_on_counts_completed_years_and_29_february():
    assert age_on(dt.date(2020, 9, 1), dt.date(2026, 9, 1)) == 6
    assert age_on(dt.date(2020, 9, 2), dt.date(2026, 9, 1)) == 5
    assert age_on(dt.date(2016, 2, 29), dt.date(2026, 2, 28)) == 9
    assert age_on(dt.date(2016, 2, 29), dt.date(2026, 3, 1)) == 10


def test_french_amounts():
    assert format_euros(Decimal("2.35")) == f"2,35{NBSP}€"
    assert format_euros(Decimal("2.345")) == f"2,35{NBSP}€"
    assert format_euros(Decimal(1200)) == f"1{NNBSP}200,00{NBSP}€"
    assert format_euros(Decimal("1234567.8")) == f"1{NNBSP}234{NNBSP}567,80{NBSP}€"
    assert format_euros(Decimal(0)) == f"0,00{NBSP}€"
    assert format_percent(Decimal(30)) == f"30{NBSP}%"
    assert format_percent(Decimal("12.50")) == f"12,5{NBSP}%"
    assert format_number(Decimal("850.00")) == "850"
    assert format_number(Decimal("-3.5")) == "−3,5"
