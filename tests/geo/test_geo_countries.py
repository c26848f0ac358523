"""Countries of birth: INSEE COG codes with French names, France first."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from wagtail_passfamille import geo
from wagtail_passfamille.geo.normalize import fold


def test_france_first_then_alphabetical():
    countries = geo.countries()
    assert countries[0] == geo.Country("99100", "France", ("FR",))
    assert countries[0].is_france
    names = [fold(c.name) for c in countries[1:]]
    assert names == sorted(names)
    assert len(countries) > 200


def test_codes_are_unique_cog_country_codes():
    codes = [c.code for c in geo.countries()]
    assert len(codes) == len(set(codes))  # usable as the values of a select
    assert all(re.fullmatch(r"99\d{3}", code) for code in codes)
    assert all(c.name and c.iso_codes for c in geo.countries())


def test_some_countries():
    assert geo.get_country("99109").name == "Allemagne"
    assert geo.get_country("99404").name == "États-Unis"  # Marge Simpson's staging case
    assert geo.get_country("99352").name == "Algérie"
    assert geo.get_country("99100").name == "France"
    assert geo.get_country("99999") is None
    assert geo.get_country("FR") is None


def test_territories_sharing_a_code():
    uk = geo.get_country("99132")
    assert uk.name == "Royaume-Uni"
    assert uk.iso_codes[0] == "GB"
    assert set(uk.other_names) == {"Guernesey", "Jersey", "Île de Man"}
    assert geo.country_for_iso("je") == uk
    assert geo.country_for_iso("UK") == uk
    caribbean = geo.get_country("99425")  # no sovereign state in the group: names joined
    assert "Bermudes" in caribbean.name and "Anguilla" in caribbean.name
    assert geo.country_for_iso("BM") == caribbean
    assert geo.country_for_iso("FR").code == "99100"
    assert geo.country_for_iso("ZZ") is None


@given(st.text(max_size=10))
def test_lookups_never_raise(code):
    geo.get_country(code)
    geo.country_for_iso(code)
    geo.get_departement(code)
    geo.get_commune(code)
    geo.is_known_commune_code(code)
