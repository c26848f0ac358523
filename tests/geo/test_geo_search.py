"""Birthplace search: matching, ranking, codes, robustness."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wagtail_passfamille import geo
from wagtail_passfamille.geo.normalize import normalize_name
from wagtail_passfamille.geo.store import communes_table


def codes(query: str, limit: int = 20, **kwargs) -> list[str]:
    return [c.code for c in geo.search_communes(query, limit, **kwargs)]


def test_charleville_mezieres():
    results = geo.search_communes("charleville")
    assert [c.code for c in results[:2]] == ["51129", "08105"]  # exact name first: Charleville
    assert results[1].label == "Charleville-Mézières (08)"
    assert codes("Charleville 08") == ["08105"]
    assert codes("charleville-mezieres")[0] == "08105"
    assert codes("CHARLEVILLE MÉZIÈRES")[0] == "08105"
    assert codes("mez charl")[0] == "08105"  # words in any order, prefixes


@pytest.mark.parametrize("query", ["st etienne", "Saint-Étienne", "SAINT ETIENNE", "st-étienne"])
def test_saint_etienne_however_written(query):
    results = geo.search_communes(query, 5)
    assert results[0].code == "42218"
    assert results[0].label == "Saint-Étienne (42)"
    # then other names starting with Saint-Étienne, the most populous first
    assert results[1].nom.startswith("Saint-Étienne-")
    assert results[1].population >= results[2].population


def test_saint_is_a_word_not_a_prefix():
    assert "67482" not in codes("saint")  # Strasbourg starts with "st", not with "saint"
    assert "67482" in codes("st")  # "st" may be Strasbourg being typed
    assert "42218" in codes("sain")  # Saint being typed
    assert codes("sainte maxime")[0] == "83115"
    assert codes("ste maxime")[0] == "83115"


def test_paris_lists_its_arrondissements_in_order_not_the_commune():
    results = geo.search_communes("paris")
    assert [c.code for c in results] == [f"751{n:02d}" for n in range(1, 21)]
    assert results[12].label == "Paris 13e Arrondissement (75)"
    assert results[12].current_code == "75056"
    assert "75056" not in codes("paris", 100)  # births in Paris are registered by arrondissement
    assert codes("paris 13") == ["75113"]
    assert codes("lyon 3") == ["69383"]
    assert codes("marseille 13")[0] == "13213"


def test_current_only_finds_paris_itself():
    assert codes("paris", current_only=True)[0] == "75056"
    assert all(
        c.is_current and c.type is geo.CommuneType.ACTUELLE
        for c in geo.search_communes("bellegarde", current_only=True)
    )


def test_corsica():
    assert codes("ajaccio") == ["2A004"]
    assert codes("2A004") == ["2A004"]
    assert codes("2a004") == ["2A004"]
    assert codes("bastia")[0] == "2B033"
    assert all(c.departement == "2B" for c in geo.search_communes("2b"))
    assert geo.search_communes("ajaccio")[0].label == "Ajaccio (2A)"


def test_overseas():
    assert codes("mamoudzou") == ["97611"]
    assert geo.search_communes("mamoudzou")[0].label == "Mamoudzou (976)"
    assert codes("saint denis 974")[0] == "97411"
    assert codes("saint-denis")[:2] == ["97411", "93066"]  # by population
    assert codes("97411")[0] == "97411"
    assert codes("fort de france")[0] == "97209"


def test_a_merged_commune_found_by_its_old_name_keeps_its_old_code():
    result = geo.search_communes("bellegarde sur valserine")[0]
    assert (result.code, result.type, result.current_code) == (
        "01033",
        geo.CommuneType.DELEGUEE,
        "01033",
    )
    assert result.label == "Bellegarde-sur-Valserine (01) — commune fusionnée dans Valserhône"
    result = geo.search_communes("arbignieu")[0]
    assert (result.code, result.current_code) == ("01015", "01015")
    # A former commune with its own code: Lamarche-en-Woëvre, associée of Nonsard-Lamarche.
    result = geo.search_communes("lamarche en woevre")[0]
    assert (result.code, result.type, result.current_code) == (
        "55273",
        geo.CommuneType.ASSOCIEE,
        "55386",
    )


def test_a_former_code_without_a_name_is_found_by_its_code_only():
    # Mohon, merged into Charleville-Mézières in 1966: the source has its code, not its name.
    (result,) = geo.search_communes("08299")
    assert result.nom is None
    assert result.type is geo.CommuneType.ANCIENNE
    assert result.current_code == "08105"
    assert result.label == "Ancien code commune 08299 (08) — aujourd’hui Charleville-Mézières"
    assert "08299" not in codes("charleville", 100)


def test_a_postcode_typed_for_a_code_finds_the_commune_first():
    # 75013 is Paris 13e's postcode and the former code of Le Bourget (Seine, before 1968).
    results = geo.search_communes("75013")
    assert [c.code for c in results] == ["75113", "75013"]
    assert results[1].label == "Ancien code commune 75013 (75) — aujourd’hui Le Bourget (93)"
    assert "08105" in codes("08000")


def test_articles_apostrophes_hyphens():
    assert codes("le mans")[0] == "72181"
    assert codes("mans")[0] == "72181"  # the article does not hide the exact name
    assert codes("l'hay les roses") == ["94038"]
    assert codes("lhay les roses") == ["94038"]
    assert codes("y") == ["80829"]  # a one-letter commune
    assert codes("s") == []  # not half of France


def test_a_deleguee_repeating_its_commune_nouvelle_is_shown_once():
    table = communes_table()
    twins = [
        row
        for row in range(len(table))
        if table.types[row] == 2 and table.noms[row] == table.noms[table.parents[row]]
    ]
    assert twins, "the data have communes déléguées named like their commune nouvelle"
    name = table.noms[twins[0]]
    found = [c for c in geo.search_communes(name, 100) if c.code == table.codes[twins[0]]]
    assert len(found) == 1 and found[0].is_current


@pytest.mark.parametrize("query", ["", "   ", "-", "''", "0", "zzzzzz", "99100", "00000"])
def test_nothing_found(query):
    assert geo.search_communes(query) == []


def test_limit():
    assert len(geo.search_communes("saint", 5)) == 5
    assert geo.search_communes("paris", 0) == []
    assert len(geo.search_communes("saint", 10_000)) == geo.search.MAX_LIMIT


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60), st.integers(min_value=-5, max_value=200))
def test_search_never_crashes(query, limit):
    results = geo.search_communes(query, limit)
    assert len(results) <= max(0, min(limit, geo.search.MAX_LIMIT))
    assert all(geo.is_known_commune_code(c.code) for c in results)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_every_named_commune_is_found_by_its_name_and_departement(data):
    check_found(data.draw(st.integers(min_value=0, max_value=len(communes_table()) - 1)))


def test_a_deleguee_spelled_like_its_commune_is_found_as_the_commune():
    table = communes_table()
    row = next(i for i, n in enumerate(table.noms) if n == "Vrigne-aux-Bois")
    check_found(row)


def check_found(row):
    table = communes_table()
    name = table.noms[row]
    if name is None or row in geo.index.communes_with_arrondissements():
        return
    query = f"{name} {table.departements[row]}"
    found = {(c.code, c.nom) for c in geo.search_communes(query, geo.search.MAX_LIMIT)}
    assert (table.codes[row], name) in found or (
        # a déléguée named like its commune nouvelle (hyphens and case aside: « Vrigne-aux-Bois »
        # in « Vrigne aux Bois ») is shown once, as the commune
        normalize_name(table.noms[table.parents[row]]) == normalize_name(name)
        and table.codes[row] == table.codes[table.parents[row]]
        and (table.codes[row], table.noms[table.parents[row]]) in found
    )
