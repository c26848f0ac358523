"""Children registered in a démarche against the children of the CAF/MSA file."""

import datetime as dt

import pytest

from wagtail_passfamille.services import match_children
from wagtail_passfamille.services.matching import birth_date_matches, first_name_matches


@pytest.mark.parametrize(
    "typed, caf, expected",
    [
        ("Léa", "LEA", True),  # accents
        ("lea", "LÉA MARIE", True),  # case, several first names
        ("Jean-Pierre", "JEAN PIERRE THOMAS", True),  # hyphen versus space
        ("Jean Pierre", "JEAN-PIERRE", True),
        ("Marie", "ANNE MARIE", True),  # any of the first names
        ("Jean", "JEAN-PIERRE", True),  # the first part of a compound first name
        ("Pierre Jean", "JEAN PIERRE", False),  # order matters
        ("Noé", "NOEMIE", False),  # a prefix is not a name
        ("Chloé", "CHLOE-ANNE", True),
        ("", "LEA", False),
        ("Léa", None, False),
        ("Zoë", "ZOE", True),  # diaeresis
        ("Æla", "AELA", True),  # ligature
    ],
)
def test_first_names(typed, caf, expected):
    assert first_name_matches(typed, caf) is expected


@pytest.mark.parametrize(
    "typed, caf, expected",
    [
        (dt.date(2018, 5, 14), "2018-05-14", True),
        ("2018-05-14", "2018-05-14", True),
        (dt.date(2018, 5, 14), "2018-05-00", True),  # unknown day
        (dt.date(2018, 5, 14), "2018-00-00", True),  # unknown day and month
        (dt.date(2018, 5, 14), "2018-06-00", False),
        (dt.date(2018, 5, 14), "0000-00-00", False),  # nothing known: no match
        (dt.date(2018, 5, 14), "2019-05-14", False),
        (dt.date(2018, 5, 14), "", False),
        (dt.date(2018, 5, 14), None, False),
        ("not a date", "2018-05-14", False),
    ],
)
def test_birth_dates(typed, caf, expected):
    assert birth_date_matches(typed, caf) is expected


CAF_CHILDREN = [
    {"prenoms": "ALEXIS VINCENT", "date_naissance": "2006-04-20"},
    {"prenoms": "FLEUR EDITH", "date_naissance": "2010-04-20"},
    {"prenoms": "JEAN-PIERRE", "date_naissance": "2020-00-00"},
]


def test_a_family_with_a_missing_and_an_extra_child():
    registered = [
        {"prenom": "Fleur", "date_naissance": "2010-04-20"},  # on the file
        {"prenom": "Léa", "date_naissance": "2018-05-14"},  # not on the file
        {"prenom": "Jean Pierre", "date_naissance": "2020-07-01"},  # partial date on the file
        {"prenom": "", "date_naissance": "2019-01-01"},  # incomplete
    ]
    assert [r["result"] for r in match_children(registered, CAF_CHILDREN)] == [
        "rattache",
        "non_trouve",
        "rattache",
        "inconnu",
    ]  # ALEXIS, on the file but not registered, is simply not there


def test_twins_with_partial_dates_are_ambiguous():
    caf = [
        {"prenoms": "LOUIS", "date_naissance": "2015-00-00"},
        {"prenoms": "LOUIS MARIE", "date_naissance": "2015-03-00"},
    ]
    (result,) = match_children([{"prenom": "Louis", "date_naissance": "2015-03-02"}], caf)
    assert result["result"] == "ambigu"


def test_no_caf_children_at_all():
    registered = [{"prenom": "Léa", "date_naissance": "2018-05-14"}]
    assert match_children(registered, None) == [{"position": 1, "result": "non_trouve"}]
