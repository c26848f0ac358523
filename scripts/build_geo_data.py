#!/usr/bin/env python
"""Build the packaged geographic data of ``wagtail_passfamille.geo`` from the shared references.

    python scripts/build_geo_data.py                  # rebuild wagtail_passfamille/geo/data/
    python scripts/build_geo_data.py --check          # exit 1 if the packaged data are stale

Sources (see docs/geo.md): ``communes.json`` and ``departements.json`` of the npm package
``@etalab/decoupage-administratif`` 6.0.0 (MIT), ``countries-cog.csv`` (ISO alpha-2 → INSEE COG),
and the French country names of Unicode CLDR as shipped by Babel (build-time only: install it
beside the build with ``pip install --target /tmp/babel babel`` and run with
``PYTHONPATH=/tmp/babel``). Without Babel, ``--reuse-country-names`` takes the names from the
packaged ``countries.json``, which is enough when only the commune data change.

The run-time package never reads the sources: everything it needs is written under
``wagtail_passfamille/geo/data/``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "reference" / "geo"
DATA_DIR = ROOT / "wagtail_passfamille" / "geo" / "data"

COMMUNES_FILE = "communes.json.gz"
DEPARTEMENTS_FILE = "departements.json"
COUNTRIES_FILE = "countries.json"
SOURCE_LICENCE = "LICENSE-decoupage-administratif.txt"
CLDR_LICENCE = "LICENSE-cldr-unicode.txt"
SOURCE_NAME = "@etalab/decoupage-administratif 6.0.0"
COUNTRIES_SOURCE = "INSEE COG codes (countries-cog.csv); French names: Unicode CLDR via Babel"

# Same order as CommuneType in wagtail_passfamille/geo/entities.py: the index is the stored type.
TYPES = (
    "commune-actuelle",
    "arrondissement-municipal",
    "commune-deleguee",
    "commune-associee",
    "commune-ancienne",
)
ANCIENNE = TYPES.index("commune-ancienne")

# API Particulier refuses commune codes outside this pattern (REFERENCE.md §1): the Corsican codes
# 20xxx, renumbered 2Axxx/2Bxxx in 1976, are listed in anciensCodes but can never be sent.
API_COMMUNE_CODE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")

FRANCE = ("99100", "France", ["FR"], [])
# countries-cog.csv spells the United Kingdom "UK" (an exceptionally reserved code); ISO and CLDR
# use "GB".
ISO_FIXES = {"UK": "GB"}
# INSEE gives one COG code to a state and its dependent territories. When a group holds its
# sovereign state, the state's name names the code; the others become `other_names`. A group
# without its state (e.g. 99425, the British territories of the Caribbean) is named by joining
# its territories' names. Hand-written from the grouping in countries-cog.csv.
SOVEREIGN = {
    "99101": "DK",
    "99103": "NO",
    "99132": "GB",
    "99135": "NL",
    "99501": "AU",
    "99502": "NZ",
}


def departement_of_code(code: str) -> str:
    """The département part of a COG commune code: 3 characters overseas, 2 elsewhere."""
    return code[:3] if code[:2] in ("97", "98") else code[:2]


def build_communes(source: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Columns of every commune record a birthplace or an address may carry.

    Every record of the source is kept, plus one ``commune-ancienne`` record per former code
    (``anciensCodes``) that the source does not also list as a déléguée/associée, since only those
    have a name. Former codes refused by the API (Corsican 20xxx) are left out.
    """
    records = list(source)
    current = {r["code"]: r for r in records if r["type"] == "commune-actuelle"}
    present = {r["code"] for r in records}
    rows: list[tuple[Any, ...]] = []
    for r in records:
        kind = TYPES.index(r["type"])
        if r["type"] == "arrondissement-municipal":
            parent = r["commune"]
        elif r["type"] in ("commune-deleguee", "commune-associee"):
            parent = r["chefLieu"]
        else:
            parent = r["code"]
        if parent not in current:
            raise ValueError(f"{r['code']} {r['nom']}: parent {parent} is not a current commune")
        rows.append(
            (
                r["code"],
                r["nom"],
                kind,
                r["departement"],
                # "" = the current commune of the same code, the usual case: keeps the file small.
                "" if parent == r["code"] else parent,
                r.get("population"),
                " ".join(r.get("codesPostaux", ())),
            )
        )
        for old in r.get("anciensCodes", ()):
            if old in present or not API_COMMUNE_CODE.match(old):
                continue
            rows.append((old, None, ANCIENNE, departement_of_code(old), r["code"], None, ""))
            present.add(old)
    # Sorted by code then type rank: the first record of a code is the one get_commune() returns.
    rows.sort(key=lambda row: (row[0], row[2], row[1] or ""))
    table: dict[str, Any] = {"source": SOURCE_NAME, "count": len(rows)}
    for index, name in enumerate(("code", "nom", "type")):
        table[name] = [row[index] for row in rows]
    # Sparse columns, keyed by row number: loading 40 000 strings that are all "" or all derived
    # from the code would only raise the memory peak of the first load.
    table["departement"] = {
        str(i): row[3] for i, row in enumerate(rows) if row[3] != departement_of_code(row[0])
    }
    table["parent"] = {str(i): row[4] for i, row in enumerate(rows) if row[4]}
    table["population"] = [row[5] for row in rows]
    table["codes_postaux"] = [row[6] for row in rows]
    return table


def build_departements(source: Iterable[Mapping[str, Any]]) -> list[list[str]]:
    return sorted(([d["code"], d["nom"]] for d in source), key=lambda d: d[0])


def read_country_codes(path: Path) -> list[tuple[str, str]]:
    """(ISO alpha-2 as ISO spells it, COG code) pairs of countries-cog.csv."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (ISO_FIXES.get(row["iso_alpha2"], row["iso_alpha2"]), row["cog_pays"])
            for row in csv.DictReader(handle)
        ]


def babel_country_names(isos: Iterable[str]) -> dict[str, str]:
    try:
        from babel import Locale  # build-time only, see the module docstring
    except ImportError:
        sys.exit(
            "Babel is needed for the French country names (CLDR): "
            "pip install --target /tmp/babel babel && PYTHONPATH=/tmp/babel python "
            + " ".join(sys.argv)
            + "\nor pass --reuse-country-names to keep the packaged names."
        )
    territories = Locale("fr").territories
    return {iso: territories[iso] for iso in isos}


def packaged_country_names(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """ISO → French name, read back from a packaged countries.json (for --reuse-country-names)."""
    countries = json.loads((data_dir / COUNTRIES_FILE).read_text(encoding="utf-8"))["countries"]
    names: dict[str, str] = {}
    for _code, name, isos, other_names in countries:
        if len(isos) == len(other_names) + 1:  # the sovereign state first, then its territories
            names.update(zip(isos, [name, *other_names]))
        else:  # a joined name: only other_names holds each territory's own name
            names.update(zip(isos, other_names))
    return names


def _sort_key(name: str) -> str:
    from wagtail_passfamille.geo.normalize import fold

    return fold(name)


def build_countries(pairs: Iterable[tuple[str, str]], names: Mapping[str, str]) -> list[list[Any]]:
    """One entry per COG code, France first, then in French alphabetical order (accents ignored)."""
    groups: dict[str, list[str]] = {}
    for iso, cog in pairs:
        if not re.fullmatch(r"99\d{3}", cog) or cog == FRANCE[0]:
            raise ValueError(f"unexpected COG country code {cog} for {iso}")
        groups.setdefault(cog, []).append(iso)
    countries: list[list[Any]] = []
    for cog, isos in groups.items():
        sovereign = SOVEREIGN.get(cog)
        if sovereign is not None and sovereign not in isos:
            raise ValueError(f"{cog}: {sovereign} is not among {isos}")
        if len(isos) > 1 and sovereign is None:
            ordered = sorted(isos, key=lambda iso: _sort_key(names[iso]))
            territories = [names[iso] for iso in ordered]
            countries.append([cog, " / ".join(territories), ordered, territories])
        else:
            head = sovereign or isos[0]
            others = sorted((iso for iso in isos if iso != head), key=lambda i: _sort_key(names[i]))
            countries.append([cog, names[head], [head, *others], [names[i] for i in others]])
    countries.sort(key=lambda c: _sort_key(c[1]))
    return [list(FRANCE), *countries]


def encode_communes(table: Mapping[str, Any]) -> bytes:
    # mtime=0 keeps the gzip bytes identical from one build to the next (no noise in git).
    payload = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return gzip.compress(payload, compresslevel=9, mtime=0)


def dump_json(head: Mapping[str, Any], key: str, items: Iterable[Any]) -> bytes:
    """A small JSON object whose list ``key`` holds one item per line: readable diffs in git."""
    lines = [json.dumps(item, ensure_ascii=False) for item in items]
    fields = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items()]
    body = ",\n".join(lines)
    return ("{" + ", ".join(fields) + f', "{key}": [\n{body}\n]}}\n').encode("utf-8")


def build(source_dir: Path, names: Mapping[str, str] | None) -> dict[str, bytes]:
    """File name → content of everything under geo/data/, from the shared sources."""
    communes = json.loads((source_dir / "communes.json").read_text(encoding="utf-8"))
    departements = json.loads((source_dir / "departements.json").read_text(encoding="utf-8"))
    pairs = read_country_codes(source_dir / "countries-cog.csv")
    if names is None:
        names = babel_country_names(iso for iso, _ in pairs)
    countries = build_countries(pairs, names)
    return {
        COMMUNES_FILE: encode_communes(build_communes(communes)),
        DEPARTEMENTS_FILE: dump_json(
            {"source": SOURCE_NAME}, "departements", build_departements(departements)
        ),
        COUNTRIES_FILE: dump_json({"source": COUNTRIES_SOURCE}, "countries", countries),
        SOURCE_LICENCE: (source_dir / SOURCE_LICENCE).read_bytes(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DATA_DIR)
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--reuse-country-names", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))  # for wagtail_passfamille.geo.normalize when run as a script

    names = packaged_country_names(args.output) if args.reuse_country_names else None
    files = build(args.source, names)
    if args.check:
        stale = [n for n, data in files.items() if _read(args.output / n) != data]
        for name in stale:
            print(f"stale: {args.output / name}")
        return 1 if stale else 0

    args.output.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.output / name).write_bytes(data)
    if names is None:  # the names came from Babel: ship CLDR's licence with them
        import babel

        shutil.copyfile(
            Path(babel.__file__).parent / "locale-data" / "LICENSE.unicode",
            args.output / CLDR_LICENCE,
        )
    for name in sorted(p.name for p in args.output.iterdir()):
        print(f"{(args.output / name).stat().st_size:>9,} {args.output / name}")
    return 0


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


if __name__ == "__main__":
    raise SystemExit(main())
