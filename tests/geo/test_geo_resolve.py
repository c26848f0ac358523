"""The commune of a postal address: postcode + town name → current commune's COG code."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wagtail_passfamille import geo
from wagtail_passfamille.geo.store import communes_table


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("51000 CHÂLONS-EN-CHAMPAGNE", ("51000", "CHÂLONS-EN-CHAMPAGNE")),
        ("  75700\u00a0PARIS CEDEX 07 ", ("75700", "PARIS CEDEX 07")),
        ("51 000 CHALONS EN CHAMPAGNE", ("51000", "CHALONS EN CHAMPAGNE")),
        ("CHALONS EN CHAMPAGNE 51000", ("51000", "CHALONS EN CHAMPAGNE")),
        ("75002 PARIS", ("75002", "PARIS")),
        ("PARIS", None),
        ("75002", None),
        ("7500 PARIS", None),
        ("", None),
    ],
)
def test_parse_code_postal_ville(value, expected):
    assert geo.parse_code_postal_ville(value) == expected


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("51000 CHÂLONS-EN-CHAMPAGNE", "51108"),
        ("51000 CHALONS EN CHAMPAGNE", "51108"),
        ("51000 chalons-en-champagne", "51108"),
        ("42000 ST ETIENNE", "42218"),
        ("42100 SAINT-ETIENNE", "42218"),
        ("72000 LE MANS", "72181"),
        ("72000 MANS", "72181"),
        ("72000 MANS (LE)", "72181"),
        ("94240 L HAY LES ROSES", "94038"),
        ("94240 L'HAŸ-LES-ROSES", "94038"),
        ("94240 HAY LES ROSES (L')", "94038"),
        ("08000 CHARLEVILLE MEZIERES", "08105"),
        ("20000 AJACCIO", "2A004"),
        ("20200 BASTIA", "2B033"),
        ("97600 MAMOUDZOU", "97611"),
        ("97133 SAINT BARTHELEMY", "97701"),  # a 971 postcode for the 977 collectivity
        ("75002 PARIS", "75056"),  # the address of the staging case "nominal"
        # CEDEX: the postcode is not a commune's, the town is looked for in the département
        ("75700 PARIS CEDEX 07", "75056"),
        ("20700 AJACCIO CEDEX 9", "2A004"),
        ("51100 REIMS CEDEX", "51454"),
        # the old commune's name with the commune nouvelle's postcode
        ("01200 BELLEGARDE SUR VALSERINE", "01033"),
        ("01300 ARBIGNIEU", "01015"),
        ("01200 VALSERHONE", "01033"),
    ],
)
def test_resolve(line, code):
    postcode, town = geo.parse_code_postal_ville(line)
    assert geo.resolve_commune(postcode, town) == code


def test_a_postcode_shared_by_many_communes_is_decided_by_the_name():
    served = [c for c in _current_communes() if "51300" in c.codes_postaux]
    assert len(served) > 40  # Vitry-le-François and its villages
    for commune in served:
        assert geo.resolve_commune("51300", commune.nom.upper()) == commune.code


@pytest.mark.parametrize(
    ("postcode", "town", "arrondissement"),
    [
        ("75013", "PARIS", "75113"),
        ("75116", "PARIS", "75116"),
        ("75013", "PARIS 13", "75113"),
        ("75013", "PARIS 13E ARRONDISSEMENT", "75113"),
        ("69009", "LYON", "69389"),
        ("13013", "MARSEILLE", "13213"),
        ("75700", "PARIS CEDEX 07", None),  # a CEDEX number is not an arrondissement
    ],
)
def test_arrondissements_resolve_to_the_commune(postcode, town, arrondissement):
    resolved = geo.resolve_address(postcode, town)
    assert resolved is not None
    assert resolved.code in ("75056", "69123", "13055")
    assert resolved.arrondissement == arrondissement
    assert geo.resolve_commune(postcode, town) == resolved.code


def test_resolve_address_details():
    resolved = geo.resolve_address("01200", "BELLEGARDE-SUR-VALSERINE")
    assert resolved == geo.ResolvedCommune(
        code="01033",
        nom="Valserhône",
        departement="01",
        arrondissement=None,
        matched_name="Bellegarde-sur-Valserine",
    )


@pytest.mark.parametrize(
    ("postcode", "town"),
    [
        ("08000", "MOHON"),  # merged in 1966, its name is not in the data: no guess
        ("51000", "EPERNAY"),  # Épernay is 51200: a postcode and a town that disagree
        ("51000", "CHALONS SUR MARNE"),  # renamed in 1998, the data know only the new name
        ("00000", "PARIS"),
        ("98000", "MONACO"),
        ("75013", ""),
        ("75013", "CEDEX"),
        ("", "PARIS"),
        ("7501", "PARIS"),
        ("75013X", "PARIS"),
        ("51300", "SAINT"),
        ("51300", "VITRY"),  # a prefix is not a name
        ("75700", "SAINT DENIS CEDEX"),  # no Saint-Denis in Paris
    ],
)
def test_unresolved_is_none(postcode, town):
    assert geo.resolve_commune(postcode, town) is None
    assert geo.resolve_address(postcode, town) is None


def test_homonyms_are_not_guessed_without_their_postcode():
    # Vergné (17330) and La Vergne (17400) fold to the same name once accents and articles go.
    assert geo.resolve_commune("17330", "VERGNE") == "17464"
    assert geo.resolve_commune("17400", "LA VERGNE") == "17465"
    assert geo.resolve_commune("17999", "LA VERGNE") is None  # a CEDEX-like unknown postcode
    assert geo.resolve_commune("17999", "SAINTES") == "17415"  # unique in the département


def test_every_current_commune_resolves_from_each_of_its_postcodes():
    for commune in _current_communes():
        for postcode in commune.codes_postaux:
            assert geo.resolve_commune(postcode, commune.nom) == commune.current_code, (
                postcode,
                commune.nom,
            )


def _current_communes() -> list[geo.Commune]:
    table = communes_table()
    return [table.commune(row) for row in range(len(table)) if table.types[row] in (0, 1)]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=60))
def test_resolve_never_raises(postcode, town):
    code = geo.resolve_commune(postcode, town)
    assert code is None or geo.get_commune(code).type is geo.CommuneType.ACTUELLE


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\d{5}", fullmatch=True), st.text(max_size=60))
def test_resolve_never_raises_with_real_looking_postcodes(postcode, town):
    geo.resolve_address(postcode, town)
    geo.parse_code_postal_ville(f"{postcode} {town}")


@given(st.one_of(st.text(max_size=80), st.none(), st.integers()))
def test_parse_never_raises(value):
    parsed = geo.parse_code_postal_ville(value)
    assert parsed is None or (len(parsed[0]) == 5 and parsed[0].isdigit() and parsed[1])
