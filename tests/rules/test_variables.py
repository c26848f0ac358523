import dataclasses
import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wagtail_passfamille.rules import (
    CATALOGUE,
    Context,
    RegisteredChild,
    Unknown,
    UnknownReason,
    build_context,
    quotient_annuel,
    quotient_mensuel,
    required_scopes,
    unknown,
)

from .strategies import half_up_cents

REF = dt.date(2026, 9, 1)


def test_the_package_imports_nothing_from_django_or_the_rest_of_the_project():
    code = (
        "import sys, wagtail_passfamille.rules\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'wagtail')\n"
        "    or (m.startswith('wagtail_passfamille.') and not m.startswith("
        "'wagtail_passfamille.rules')))\n"
        "print(','.join(bad))\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == ""


# ----- quotients ------------------------------------------------------------------------------

parts_strategy = st.integers(min_value=1, max_value=60).map(lambda quarters: Decimal(quarters) / 4)


@given(st.integers(min_value=0, max_value=2_000_000), parts_strategy)
def test_quotients_with_halves_and_quarters_round_once_half_up(rfr, parts):
    assert quotient_annuel(rfr, parts) == half_up_cents(Fraction(rfr) / Fraction(parts))
    assert quotient_mensuel(rfr, parts) == half_up_cents(Fraction(rfr) / (12 * Fraction(parts)))


def test_quotient_examples():
    assert quotient_annuel(30000, Decimal("2.5")) == Decimal("12000.00")
    assert quotient_mensuel(30000, Decimal("2.5")) == Decimal("1000.00")
    assert quotient_mensuel(10000, 3) == Decimal("277.78")
    assert quotient_annuel(10001, Decimal("2.75")) == Decimal("3636.73")  # 3636.7272…
    # Rounded once: 13 / (12 × 4.25) = 0.2549… → 0.25. Rounding the annual quotient first
    # (13 / 4.25 = 3.0588… → 3.06, then / 12 = 0.255 → 0.26) would be a cent off.
    assert quotient_mensuel(13, Decimal("4.25")) == Decimal("0.25")
    with pytest.raises(ValueError):
        quotient_annuel(1000, 0)


# ----- build_context --------------------------------------------------------------------------

CAF = {
    "quotient_familial": {"valeur": 650, "fournisseur": "CAF"},
    "enfants": [{"date_naissance": "2016-04-20"}, {"date_naissance": "2020-00-00"}],
    "commune": "51108",
}
DGFIP = {
    "revenu_fiscal_reference": 30000,
    "nombre_parts": "2,5",
    "nombre_personnes_a_charge": 1,
    "commune": "2a004",
}


def test_verified_sources_give_values_and_provenance():
    ctx = build_context({}, reference_date=REF, caf=CAF, dgfip=DGFIP)
    assert ctx.get("caf.quotient_familial") == 650
    assert ctx.get("caf.fournisseur") == "CNAF"  # staging says "CAF"
    assert ctx.get("caf.nombre_enfants") == 2
    assert ctx.get("caf.ages_enfants") == (10, unknown("ambiguous"))
    assert ctx.get("caf.commune") == "51108"
    assert ctx.get("dgfip.nombre_parts") == Decimal("2.5")
    assert ctx.get("dgfip.commune") == "2A004"
    assert ctx.get("dgfip.quotient_annuel") == Decimal("12000.00")
    assert ctx.get("dgfip.quotient_mensuel") == Decimal("1000.00")
    assert ctx.get("caf.verification") == "verifie"
    assert ctx.provenance("caf.quotient_familial") == "caf:verifie"
    assert ctx.provenance("dgfip.quotient_mensuel") == "dgfip:verifie"


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("non_trouve", UnknownReason.NOT_FOUND),
        ("a_verifier", UnknownReason.PENDING),
        ("justificatif", UnknownReason.PENDING),
        ("refus_partage", UnknownReason.REFUSED),
        (None, UnknownReason.NOT_REQUESTED),
    ],
)
def test_unverified_sources_make_every_certified_value_unknown_with_its_reason(state, reason):
    ctx = build_context({}, reference_date=REF, caf_verification=state, dgfip_verification=state)
    for name in CATALOGUE:
        if name.startswith(("caf.", "dgfip.")) and not name.endswith(".verification"):
            assert ctx.get(name) == Unknown(reason), name
    expected_state = state if state else Unknown(UnknownReason.NOT_REQUESTED)
    assert ctx.get("caf.verification") == expected_state
    assert ctx.provenance("caf.quotient_familial") == f"caf:{state or 'non_demande'}"


def test_result_and_verification_state_must_agree():
    with pytest.raises(ValueError):
        build_context({}, reference_date=REF, caf=CAF, caf_verification="refus_partage")
    with pytest.raises(ValueError):
        build_context({}, reference_date=REF, dgfip_verification="verifie")
    with pytest.raises(ValueError):
        build_context({}, reference_date=REF, caf_verification="peut-etre")


def test_missing_fields_are_not_requested_or_scope_not_granted():
    caf = {"quotient_familial": 500, "fournisseur": "MSA"}
    ctx = build_context({}, reference_date=REF, caf=caf)
    assert ctx.get("caf.commune") == unknown("not_requested")
    ctx = build_context({}, reference_date=REF, caf=caf, caf_scopes={"cnaf_quotient_familial"})
    assert ctx.get("caf.commune") == unknown("scope_not_granted")
    assert ctx.get("caf.nombre_enfants") == unknown("scope_not_granted")
    assert ctx.get("caf.quotient_familial") == 500


def test_null_zero_and_garbage_values_are_unknown_never_guessed():
    caf = {"quotient_familial": 0, "fournisseur": "CPAM", "commune": None, "enfants": "x"}
    ctx = build_context({}, reference_date=REF, caf=caf)
    # A QF of 0 means "unknown" upstream: it must not land the family in the cheapest bracket.
    assert ctx.get("caf.quotient_familial") == unknown("not_found")
    assert ctx.get("caf.fournisseur") == unknown("invalid")
    assert ctx.get("caf.commune") == unknown("not_found")
    assert ctx.get("caf.nombre_enfants") == unknown("invalid")
    dgfip = {"revenu_fiscal_reference": 20000, "nombre_parts": "0", "commune": "Paris"}
    ctx = build_context({}, reference_date=REF, dgfip=dgfip)
    assert ctx.get("dgfip.nombre_parts") == unknown("invalid")
    assert ctx.get("dgfip.quotient_mensuel") == unknown("invalid")
    assert ctx.get("dgfip.commune") == unknown("invalid")
    ctx = build_context({}, reference_date=REF, dgfip={"nombre_parts": 2}, dgfip_scopes=["x"])
    assert ctx.get("dgfip.quotient_annuel") == unknown("scope_not_granted")


def test_an_unknown_given_by_the_services_layer_is_kept():
    caf = {"quotient_familial": 700, "commune": unknown("ambiguous")}
    ctx = build_context({}, reference_date=REF, caf=caf)
    assert ctx.get("caf.commune") == unknown("ambiguous")


@pytest.mark.parametrize(
    ("birth", "age"),
    [
        ("2020-09-01", 6),
        ("2020-09-02", 5),
        ("2020-08-00", 6),  # every day of August 2020: 6 on 1 September 2026
        ("2020-09-00", None),  # 5 or 6
        ("2019-00-00", None),  # 6 or 7
        ("0000-00-00", None),
        ("2027-01-01", "absent"),  # not born at the reference date
        ("2026-09-00", None),  # maybe not born yet
    ],
)
def test_ages_from_partial_birth_dates(birth, age):
    ctx = build_context({}, reference_date=REF, caf={"enfants": [{"date_naissance": birth}]})
    ages = ctx.get("caf.ages_enfants")
    if age == "absent":
        assert ages == ()
    else:
        assert ages == (unknown("ambiguous") if age is None else age,)


def test_answers_blank_values_groups_and_registered_children():
    answers = {
        "regime_alimentaire": "sans porc",
        "commentaire": "   ",
        "options": [],
        "enfants": [
            {"prenom": "Léa", "date_naissance": "2018-05-02", "regime": "végétarien"},
            {"prenom": "Tom", "date_naissance": dt.date(2016, 1, 10), "regime": ""},
            {"prenom": "Zoé", "date_naissance": None, "regime": "sans porc"},
        ],
    }
    ctx = build_context(answers, reference_date=REF, children_group="enfants")
    assert ctx.get("regime_alimentaire") == "sans porc"
    assert ctx.get("commentaire") == unknown("unanswered")
    assert ctx.get("options") == unknown("unanswered")
    assert ctx.get("jamais_vu") == unknown("unanswered")
    assert ctx.get("enfants.regime") == ("végétarien", "sans porc")
    assert ctx.get("enfants.absent") == unknown("unanswered")
    assert ctx.get("demarche.nombre_enfants_inscrits") == 3
    assert ctx.children == (
        RegisteredChild(0, dt.date(2018, 5, 2)),
        RegisteredChild(1, dt.date(2016, 1, 10)),
        RegisteredChild(2, None),
    )
    assert ctx.provenance("regime_alimentaire") == "reponse"


def test_context_is_immutable_even_for_nested_answers():
    answers = {"enfants": [{"prenom": "Léa"}]}
    ctx = build_context(answers, reference_date=REF)
    answers["enfants"][0]["prenom"] = "changed"
    assert ctx.get("enfants")[0]["prenom"] == "Léa"
    with pytest.raises(TypeError):
        ctx.values["x"] = 1  # type: ignore[index]


def test_reserved_prefixes_default_to_not_requested():
    ctx = Context({"caf": "a field named caf"})
    assert ctx.get("caf.quotient_familial") == unknown("not_requested")
    assert ctx.get("demarche.nombre_enfants_inscrits") == unknown("not_requested")


def test_catalogue_says_which_scopes_a_variable_needs():
    assert CATALOGUE["caf.commune"].scopes == ("cnaf_adresse",)
    assert CATALOGUE["caf.quotient_familial"].numeric
    assert not CATALOGUE["caf.ages_enfants"].numeric  # a list: not usable by a grid
    assert not CATALOGUE["caf.commune"].numeric
    assert CATALOGUE["caf.fournisseur"].choices == ("CNAF", "MSA")
    assert required_scopes(["caf.commune", "dgfip.quotient_mensuel", "regime"]) == {
        "cnaf_adresse",
        "dgfip_rfr",
        "dgfip_nbpart",
    }
    for spec in CATALOGUE.values():
        assert spec.label and spec.name.split(".")[0] == spec.source


@dataclasses.dataclass(frozen=True)
class _PartialDate:  # the shape of the API client's PartialDate, without importing it
    annee: int | None
    mois: int | None = None
    jour: int | None = None


@dataclasses.dataclass(frozen=True)
class _Personne:
    date_naissance: _PartialDate | None


def test_children_as_typed_objects_with_partial_dates():
    enfants = (
        _Personne(_PartialDate(2016, 4, 20)),
        _Personne(_PartialDate(2020, 8, None)),
        _Personne(_PartialDate(2020, None, None)),
        _Personne(_PartialDate(None)),
        _Personne(None),
    )
    ctx = build_context({}, reference_date=REF, caf={"enfants": enfants})
    ambiguous = unknown("ambiguous")
    assert ctx.get("caf.ages_enfants") == (10, 6, ambiguous, ambiguous, ambiguous)
    assert ctx.get("caf.nombre_enfants") == 5


def test_answers_cannot_pass_for_certified_data():
    answers = {"caf.quotient_familial": 1, "caf.autre": "x", "dgfip.commune": "51108", "qf": 1}
    ctx = build_context(answers, reference_date=REF, caf_verification="refus_partage")
    assert ctx.get("caf.quotient_familial") == unknown("refused")
    assert ctx.get("caf.autre") == unknown("not_requested")
    assert ctx.get("dgfip.commune") == unknown("not_requested")
    assert ctx.get("qf") == 1
    with pytest.raises(ValueError):
        build_context({}, reference_date=REF, extra={"caf.quotient_familial": 100})
    ctx = build_context({}, reference_date=REF, extra={"demarche.annee": 2026, "quartier": "A"})
    assert (ctx.get("demarche.annee"), ctx.provenance("quartier")) == (2026, "extra")
