"""Typed values: partial dates that never crash, answers checked against the schema, JWT expiry."""

import base64
import json
from datetime import UTC, datetime

import pytest

from wagtail_passfamille.api_particulier import PartialDate, Provenance, token_expiry
from wagtail_passfamille.api_particulier.parsing import (
    InvalidAnswer,
    quotient_familial_v3,
    situation_ir,
)

PROVENANCE = Provenance(endpoint="quotient_familial", fetched_at=datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("raw", "parts", "complete"),
    [
        ("2010-04-20", (2010, 4, 20), True),
        ("2020-00-00", (2020, None, None), False),
        ("2020-05-00", (2020, 5, None), False),
        ("0000-00-00", (None, None, None), False),
        ("2021-02-30", (2021, 2, None), False),  # a day that does not exist is unknown
        ("2021-13-01", (2021, None, None), False),
        ("", (None, None, None), False),
        ("20/04/2010", (None, None, None), False),
    ],
)
def test_api_dates_keep_their_unknown_parts(raw, parts, complete):
    date = PartialDate.from_api(raw)
    assert (date.annee, date.mois, date.jour, date.is_complete) == (*parts, complete)
    assert date.isoformat() == raw  # printed exactly as the API gave it


def test_partial_dates_from_parts_and_from_input():
    assert PartialDate.from_parts("1981", "11", "00").isoformat() == "1981-11-00"
    assert PartialDate.from_parts("", "", "") is None
    assert PartialDate.from_parts(None, None, None) is None
    assert PartialDate.parse("1982").to_date() is None
    assert PartialDate.parse("1982-12-27").to_date().isoformat() == "1982-12-27"
    assert PartialDate.parse("1982-2").mois == 2
    for bad in ("27/12/1982", "1982-13", "1982-02-30", "82", "1982-12-27T00:00"):
        with pytest.raises(ValueError):
            PartialDate.parse(bad)


def _v3(**data):
    return {"data": data, "links": {}, "meta": {}}


QF = {
    "fournisseur": "CNAF",
    "valeur": 650,
    "annee": 2024,
    "mois": 9,
    "annee_calcul": 2024,
    "mois_calcul": 12,
}


def test_masked_blocks_are_none():
    result = quotient_familial_v3(_v3(quotient_familial=QF), PROVENANCE)
    assert result.quotient_familial.valeur == 650
    assert (result.allocataires, result.enfants, result.adresse) == (None, None, None)
    assert result.to_dict()["allocataires"] is None


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"data": None},
        _v3(quotient_familial={**QF, "fournisseur": "CAF"}),
        _v3(quotient_familial={**QF, "valeur": "650"}),
        _v3(quotient_familial={**QF, "valeur": -1}),
        _v3(quotient_familial={**QF, "valeur": True}),
        _v3(quotient_familial={**QF, "mois": 13}),
        _v3(quotient_familial={k: v for k, v in QF.items() if k != "annee"}),
        _v3(allocataires={"nom_naissance": "X"}),
        _v3(enfants=["X"]),
        _v3(enfants=[{"sexe": "X"}]),
        _v3(enfants=[{"date_naissance": 20100420}]),
        _v3(adresse=["1 RUE"]),
    ],
)
def test_answers_off_the_schema_are_refused(body):
    with pytest.raises(InvalidAnswer):
        quotient_familial_v3(body, PROVENANCE)


def test_situation_types_are_checked():
    with pytest.raises(InvalidAnswer):
        situation_ir({"rfr": "28450"}, 2024, PROVENANCE)
    with pytest.raises(InvalidAnswer):
        situation_ir({"pac": {"nbPac": "2"}}, 2024, PROVENANCE)
    empty = situation_ir({}, 2024, PROVENANCE)  # every field masked by the habilitation
    assert (empty.revenu_fiscal_reference, empty.declarants, empty.adresse_fiscale) == (
        None,
        (),
        None,
    )
    second_empty = situation_ir(
        {
            "nmNaiDec1": "SABLE",
            "nmNaiDec2": "",
            "prnmDec2": "",
            "dateNaisDec2": {"jour": "", "mois": "", "annee": ""},
        },
        2024,
        PROVENANCE,
    )
    assert len(second_empty.declarants) == 1  # older services send an absent declarant as ""


def _jwt(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part(claims)}.c2lnbmF0dXJl"


def test_token_expiry_is_read_from_the_exp_claim():
    assert token_expiry(_jwt({"exp": 2092953600})) == datetime(2036, 4, 28, tzinfo=UTC)
    assert token_expiry(_jwt({"sub": "no exp"})) is None
    assert token_expiry(_jwt({"exp": "soon"})) is None
    assert token_expiry("opaque-token") is None
    assert token_expiry("a.!!!.c") is None
