"""Inputs refused locally, before any request, with the API parameter named (reliability A6)."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wagtail_passfamille.api_particulier import (
    ApiParticulierClient,
    Identite,
    InvalidParameters,
    InvalidRecipient,
    PartialDate,
)
from wagtail_passfamille.api_particulier.validation import (
    clean_annee_revenus,
    clean_name,
    clean_numero_fiscal,
    clean_year_month,
    identite_query,
    today,
)

from .helpers import NOMINAL

TODAY = today()
YESTERDAY = TODAY - timedelta(days=1)

BAD_IDENTITIES = [
    ("nomNaissance", {"nom_naissance": ""}),
    ("nomNaissance", {"nom_naissance": "DUPONT2"}),
    ("nomNaissance", {"nom_naissance": "DU\x00PONT"}),
    ("nomNaissance", {"nom_naissance": "DU\u200bPONT"}),  # zero-width space
    ("nomNaissance", {"nom_naissance": "<script>"}),
    ("nomNaissance", {"nom_naissance": "A" * 101}),
    ("nomNaissance", {"nom_naissance": "---"}),
    ("nomUsage", {"nom_usage": "MARTIN;DROP"}),
    ("prenoms[]", {"prenoms": ()}),
    ("prenoms[]", {"prenoms": ("A", "B", "C", "D")}),
    ("prenoms[]", {"prenoms": "ALEXIS GÉRÔME"}),  # one string: first names go one by one
    ("prenoms[]", {"prenoms": ("ALEXIS", "")}),
    ("sexeEtatCivil", {"sexe": "X"}),
    ("sexeEtatCivil", {"sexe": ""}),
    ("codeCogInseePaysNaissance", {"code_pays_naissance": "FR"}),
    ("codeCogInseePaysNaissance", {"code_pays_naissance": "９９１００"}),  # fullwidth digits
    ("codeCogInseePaysNaissance", {"code_pays_naissance": "99100 "}),
    ("codeCogInseeCommuneNaissance", {"code_commune_naissance": "8480"}),
    ("codeCogInseeCommuneNaissance", {"code_commune_naissance": "2C004"}),
    ("codeCogInseeCommuneNaissance", {"code_commune_naissance": "٠٨٤٨٠"}),  # Arabic-Indic
    ("codeCogInseeCommuneNaissance", {"code_commune_naissance": None}),  # born in France: needed
    ("codeCogInseeCommuneNaissance", {"code_pays_naissance": "99404"}),  # abroad: no commune
    (
        "codeCogInseeDepartementNaissance",
        {
            "code_commune_naissance": None,
            "nom_commune_naissance": "Sedan",
            "code_departement_naissance": "00",
        },
    ),
    ("anneeDateNaissance", {"date_naissance": PartialDate(1899, 12, 31)}),
    # Born today, read when the test runs: a run that crosses midnight (Paris) would else
    # check a date that has become yesterday.
    ("anneeDateNaissance", lambda: {"date_naissance": PartialDate(*today().timetuple()[:3])}),
    ("anneeDateNaissance", {"date_naissance": PartialDate(TODAY.year + 1)}),
    ("jourDateNaissance", {"date_naissance": PartialDate(2023, 2, 29)}),  # not a leap year
    ("jourDateNaissance", {"date_naissance": PartialDate(1982, None, 27)}),
    ("moisDateNaissance", {"date_naissance": PartialDate(1982, 13)}),
]


@pytest.mark.parametrize(("parameter", "change"), BAD_IDENTITIES)
def test_bad_identities_are_refused_naming_the_parameter(parameter, change):
    change = change() if callable(change) else change
    with pytest.raises(InvalidParameters) as caught:
        identite_query(replace(NOMINAL, **change), endpoint="quotient_familial")
    assert caught.value.parameter == parameter
    assert caught.value.status_code is None  # refused here, not upstream


@pytest.mark.sandbox
@pytest.mark.parametrize(("parameter", "change"), BAD_IDENTITIES[:5])
def test_refused_identities_never_reach_the_network(particulier, sandbox, parameter, change):
    with pytest.raises(InvalidParameters):
        particulier.quotient_familial(replace(NOMINAL, **change))
    assert sandbox.stats.total == 0


GOOD_IDENTITIES = [
    {},
    {"nom_naissance": "ANO'NYMOS-LONS"},
    {"nom_naissance": "N’Diaye"},  # typographic apostrophe, normalised
    {"nom_naissance": "  de  la   Tour "},
    {"prenoms": ("Anne-Laure",)},
    {"prenoms": ("Ἀλέξανδρος",)},  # letters of any alphabet: the API transliterates
    {"code_commune_naissance": "2B033"},
    {"code_commune_naissance": "97411"},
    {"date_naissance": PartialDate(YESTERDAY.year, YESTERDAY.month, YESTERDAY.day)},
    {"date_naissance": PartialDate(1900, 1, 1)},
    {"date_naissance": None},
    {
        "code_commune_naissance": None,
        "nom_commune_naissance": "Ajaccio",
        "code_departement_naissance": "2a",
        "date_naissance": PartialDate(1970),
    },
    {"code_commune_naissance": None, "code_pays_naissance": "99350"},
    {"code_commune_naissance": None, "code_pays_naissance": "92352"},
]


@pytest.mark.parametrize("change", GOOD_IDENTITIES)
def test_good_identities_pass(change):
    query = identite_query(replace(NOMINAL, **change), endpoint="quotient_familial")
    assert [k for k, _ in query].count("nomNaissance") == 1


def test_names_are_tidied_but_kept_as_typed():
    assert clean_name("  N’Diaye   de  Sousa ", "nomNaissance", endpoint="e") == "N'Diaye de Sousa"
    assert clean_name("Gérôme", "prenoms[]", endpoint="e") == "Gérôme"


@given(st.text(max_size=120))
def test_any_text_is_either_a_clean_name_or_refused(text):
    try:
        name = clean_name(text, "nomNaissance", endpoint="e")
    except InvalidParameters as error:
        assert error.parameter == "nomNaissance"
    else:
        assert name and name == name.strip() and "  " not in name
        assert all(c.isalpha() or c in " '-" for c in name)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=YESTERDAY),
    st.sampled_from(["year", "month", "day"]),
)
def test_every_past_birth_date_is_sent_without_leading_zeros(birth, precision):
    parts = {"year": (birth.year,), "month": (birth.year, birth.month)}.get(
        precision, (birth.year, birth.month, birth.day)
    )
    query = dict(identite_query(replace(NOMINAL, date_naissance=PartialDate(*parts)), endpoint="e"))
    assert query["anneeDateNaissance"] == str(birth.year)
    if precision != "year":
        assert query["moisDateNaissance"] == str(birth.month)
    assert ("jourDateNaissance" in query) == (precision == "day")


@pytest.mark.parametrize(
    ("annee", "mois", "parameter"),
    [
        (TODAY.year - 3, None, "annee"),
        (TODAY.year + 1, None, "annee"),
        ("2024", None, "annee"),
        (True, None, "annee"),
        (None, 0, "mois"),
        (None, 13, "mois"),
        (TODAY.year, TODAY.month + 1 if TODAY.month < 12 else 13, "mois"),
    ],
)
def test_quotient_month_must_be_within_n_minus_2_and_not_future(annee, mois, parameter):
    with pytest.raises(InvalidParameters) as caught:
        clean_year_month(annee, mois, endpoint="e")
    assert caught.value.parameter == parameter


def test_quotient_month_limits_pass():
    assert clean_year_month(TODAY.year - 2, 1, endpoint="e") == (TODAY.year - 2, 1)
    assert clean_year_month(None, TODAY.month, endpoint="e") == (None, TODAY.month)


@pytest.mark.parametrize(
    "recipient", ["", "13002526500014", "1300252650001", "１３００２５２６５０００１３", None]
)
def test_recipient_is_checked_when_the_client_is_built(recipient):
    with pytest.raises(InvalidRecipient) as caught:
        ApiParticulierClient("http://127.0.0.1:9", "token", recipient)
    assert caught.value.parameter == "recipient"


def test_recipient_accepts_the_la_poste_exception_and_spaces():
    assert ApiParticulierClient("http://127.0.0.1:9", "t", "356 000 000 00048").recipient == (
        "35600000000048"
    )


@pytest.mark.parametrize(
    "spi",
    [
        "",
        "123456789012",
        "12345678901234",
        "39999999999O1",
        "３９９９９９９９９９９０１",
        "399999999\u200b9901",
        None,
    ],
)
def test_numero_fiscal_is_13_ascii_digits(spi):
    with pytest.raises(InvalidParameters) as caught:
        clean_numero_fiscal(spi, endpoint="situation_ir")
    assert caught.value.parameter == "spi"


def test_numero_fiscal_keeps_only_its_digits():
    assert clean_numero_fiscal("39 99\u00a0999\u202f999 901\t", endpoint="e") == "3999999999901"


@pytest.mark.parametrize("annee", [TODAY.year, 1989, "2024", None, 2024.0])
def test_annee_revenus_is_a_past_year(annee):
    with pytest.raises(InvalidParameters):
        clean_annee_revenus(annee, endpoint="e")


def test_the_identity_type_never_validates_by_itself():
    """Building an Identite never raises: forms can hold half-typed values."""
    assert Identite("", (), "?", "").nom_naissance == ""
