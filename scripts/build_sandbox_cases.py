"""Convert the official staging cases into the sandbox's packaged data file.

The source is ``../shared/reference/api-particulier/staging-cases/`` (YAML copied from
datagouv/apistration ``mocks/payloads``); the output is
``wagtail_passfamille/sandbox/data/staging_cases.json``, which ships in the wheel, so that the
sandbox never reads ``../shared`` at run time. Each case keeps its ``params`` (the query without
``recipient``), ``status`` and ``payload`` (the exact body, as a string).

The ``historical`` folder (the avis-d'imposition route, deleted from staging in 2024) is left out:
that route answers 410 in production and in the sandbox.

It also copies the DGFiP OpenAPI schemas of the situation IR answers
(``openapi/api-impot-particulier.json``) to ``tests/api_particulier/data/``, against which a test
validates the sandbox's own tax households.

    .venv/bin/python scripts/build_sandbox_cases.py            # (re)write the data file
    .venv/bin/python scripts/build_sandbox_cases.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "reference" / "api-particulier" / "staging-cases"
OUTPUT = ROOT / "wagtail_passfamille" / "sandbox" / "data" / "staging_cases.json"
DGFIP_OPENAPI = DEFAULT_SOURCE.parent / "openapi" / "api-impot-particulier.json"
SCHEMA_OUTPUT = ROOT / "tests" / "api_particulier" / "data" / "impot_particulier_schemas.json"
# The answers of the situation IR routes the sandbox serves, by route.
DGFIP_ROUTES = (
    "/spi/{spi}/situations/ir/assiettes/annrev/{annrev}",
    "/spi/{spi}/dernieresituation/ir/assiettes/annrev/{annrev}",
    "/situations/ir/assiettes/annrev/{annrev}",
    "/dernieresituation/ir/assiettes/annrev/{annrev}",
)

# The folders the sandbox serves, named as in apistration's mocks/payloads.
FOLDERS = (
    "api_particulier_v3_cnav_quotient_familial_with_civility",
    "api_particulier_v3_cnav_quotient_familial_with_france_connect",
    "api_particulier_v2_cnav_quotient_familial_v2",
    "france_connect",
)


def _case(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = {"params", "status", "payload"} - set(document)
    if missing:
        raise ValueError(f"{path.name}: missing {sorted(missing)}")
    payload = document["payload"]
    if not isinstance(payload, str):
        raise ValueError(f"{path.name}: payload must be the body as text")
    json.loads(payload)  # every staging body is JSON; fail the build, not the sandbox
    case = {
        "file": path.name,
        "description": (document.get("title") or document.get("description") or "").strip(),
        "params": document["params"],
        "status": int(document["status"]),
        "payload": payload,
    }
    return case


def build(source: Path = DEFAULT_SOURCE) -> dict[str, Any]:
    """The data file's content, from the YAML cases under ``source``."""
    endpoints = {}
    for folder in FOLDERS:
        files = sorted(
            p for p in (source / folder).iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
        )
        if not files:
            raise ValueError(f"no case in {folder}")
        endpoints[folder] = [_case(p) for p in files]
    return {
        "source": "datagouv/apistration mocks/payloads, via "
        "../shared/reference/api-particulier/staging-cases (scripts/build_sandbox_cases.py)",
        "endpoints": endpoints,
    }


def build_schemas(openapi: Path = DGFIP_OPENAPI) -> dict[str, Any]:
    """The 2xx schemas of the situation IR routes, with every component they reference."""
    spec = json.loads(openapi.read_text(encoding="utf-8"))
    components = spec["components"]["schemas"]
    routes: dict[str, str] = {}
    for route in DGFIP_ROUTES:
        responses = spec["paths"][route]["get"]["responses"]
        ok = responses.get("200") or responses["default"]  # the FC route documents "default"
        ((_media, content),) = ok["content"].items()
        routes[route] = content["schema"]["$ref"].rsplit("/", 1)[1]
    needed: dict[str, Any] = {}
    pending = sorted(set(routes.values()))
    while pending:
        name = pending.pop()
        if name in needed:
            continue
        needed[name] = components[name]
        text = json.dumps(components[name])
        pending += [ref.split('"')[0] for ref in text.split('"$ref": "#/components/schemas/')[1:]]
    return {
        "source": "../shared/reference/api-particulier/openapi/api-impot-particulier.json "
        "(scripts/build_sandbox_cases.py)",
        "routes": routes,
        "schemas": dict(sorted(needed.items())),
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    outputs = {
        OUTPUT: render(build(args.source)),
        SCHEMA_OUTPUT: render(build_schemas(args.source.parent / "openapi" / DGFIP_OPENAPI.name)),
    }
    stale = [p for p, text in outputs.items() if not p.exists() or p.read_text("utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run scripts/build_sandbox_cases.py")
        return 1 if stale else 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
