"""The packaged data are exactly what scripts/build_geo_data.py makes of the shared sources."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from wagtail_passfamille import geo

from .conftest import ROOT

DATA = resources.files("wagtail_passfamille.geo").joinpath("data")
API_COMMUNE_CODE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")


def test_rebuilding_from_the_shared_sources_gives_the_packaged_files(build_script, shared_geo):
    # Country names come from CLDR through Babel, a build-time tool: reuse the packaged ones,
    # the rest of the countries file (codes, grouping, order) is rebuilt from the CSV.
    names = build_script.packaged_country_names(Path(str(DATA)))
    for name, content in build_script.build(shared_geo, names).items():
        assert DATA.joinpath(name).read_bytes() == content, (
            f"{name} is stale: run python scripts/build_geo_data.py"
        )


def test_every_source_commune_is_packaged_with_its_type_and_name(shared_geo):
    source = json.loads((shared_geo / "communes.json").read_text(encoding="utf-8"))
    for record in source:
        packaged = {(c.nom, c.type.value) for c in geo.communes_with_code(record["code"])}
        assert (record["nom"], record["type"]) in packaged, record


def test_every_former_code_leads_to_the_commune_holding_it(shared_geo):
    source = json.loads((shared_geo / "communes.json").read_text(encoding="utf-8"))
    chef_lieu = {r["code"]: r["chefLieu"] for r in source if "chefLieu" in r}
    checked = 0
    for record in source:
        for old in record.get("anciensCodes", ()):
            if not API_COMMUNE_CODE.match(old):  # Corsican 20xxx, renumbered 2A/2B in 1976
                assert not geo.is_known_commune_code(old)
                continue
            # A déléguée/associée belongs to its chefLieu, which twice disagrees with the
            # anciensCodes listing it (55273, 60455: moved to another commune since).
            expected = chef_lieu.get(old, record["code"])
            assert {c.current_code for c in geo.communes_with_code(old)} == {expected}
            checked += 1
    assert checked > 3000


def test_departements_and_countries_match_their_sources(shared_geo):
    source = json.loads((shared_geo / "departements.json").read_text(encoding="utf-8"))
    assert {(d.code, d.nom) for d in geo.departements()} == {(d["code"], d["nom"]) for d in source}
    with (shared_geo / "countries-cog.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        country = geo.get_country(row["cog_pays"])
        iso = "GB" if row["iso_alpha2"] == "UK" else row["iso_alpha2"]
        assert country is not None and iso in country.iso_codes, row
    assert {c.code for c in geo.countries()} == {r["cog_pays"] for r in rows} | {"99100"}


def test_commune_codes_are_well_formed_and_sorted():
    table = geo.store.communes_table()
    assert table.codes == sorted(table.codes)
    assert all(API_COMMUNE_CODE.match(code) for code in table.codes)
    assert len(table) > 39_000


def test_licences_ship_beside_the_data():
    text = DATA.joinpath("LICENSE-decoupage-administratif.txt").read_text(encoding="utf-8")
    assert "MIT License" in text and "Etalab" in text
    assert "UNICODE LICENSE V3" in DATA.joinpath("LICENSE-cldr-unicode.txt").read_text("utf-8")


def test_the_package_reads_nothing_outside_itself():
    for path in Path(geo.__file__).parent.glob("*.py"):
        assert "reference/geo" not in path.read_text(encoding="utf-8"), path


def test_geo_imports_neither_django_nor_the_rest_of_the_project():
    code = (
        "import sys, wagtail_passfamille.geo as g;"
        "g.search_communes('paris'); g.resolve_commune('75013', 'PARIS'); g.countries();"
        "mods = [m for m in sys.modules if m.startswith(('django', 'wagtail'))];"
        "print(' '.join(mods))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    modules = result.stdout.split()
    assert not [m for m in modules if m.startswith("django")]
    assert {m for m in modules if not m.startswith("wagtail_passfamille.geo")} == {
        "wagtail_passfamille"
    }


@pytest.mark.parametrize(
    ("code", "nom", "kind", "current"),
    [
        ("08105", "Charleville-Mézières", geo.CommuneType.ACTUELLE, "08105"),
        ("2A004", "Ajaccio", geo.CommuneType.ACTUELLE, "2A004"),
        ("75113", "Paris 13e Arrondissement", geo.CommuneType.ARRONDISSEMENT, "75056"),
        ("97611", "Mamoudzou", geo.CommuneType.ACTUELLE, "97611"),
        ("01033", "Valserhône", geo.CommuneType.ACTUELLE, "01033"),
        ("08299", None, geo.CommuneType.ANCIENNE, "08105"),
    ],
)
def test_get_commune(code, nom, kind, current):
    commune = geo.get_commune(code.lower())
    assert commune is not None
    assert (commune.code, commune.nom, commune.type, commune.current_code) == (
        code,
        nom,
        kind,
        current,
    )
    assert geo.is_known_commune_code(code)


def test_a_code_shared_by_a_commune_nouvelle_and_its_deleguee():
    assert [(c.nom, c.type) for c in geo.communes_with_code("01033")] == [
        ("Valserhône", geo.CommuneType.ACTUELLE),
        ("Bellegarde-sur-Valserine", geo.CommuneType.DELEGUEE),
    ]


@pytest.mark.parametrize("code", ["", "00404", "20004", "99100", "ABCDE", "7511", " "])
def test_unknown_commune_codes(code):
    assert geo.get_commune(code) is None
    assert not geo.is_known_commune_code(code)
    assert geo.communes_with_code(code) == []


def test_departements():
    codes = [d.code for d in geo.departements()]
    assert codes[0] == "01" and "2A" in codes and "2B" in codes and "976" in codes
    assert geo.get_departement("2a") == geo.Departement("2A", "Corse-du-Sud")
    assert geo.get_departement("08").label == "Ardennes (08)"
    assert geo.get_departement("20") is None
