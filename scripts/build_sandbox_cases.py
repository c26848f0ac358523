"""Convert the official staging cases into the sandbox's packaged data file.

The source is ``../shared/reference/api-particulier/staging-cases/`` (YAML copied from
datagouv/apistration ``mocks/payloads``); the output is
``wagtail_passfamille/sandbox/data/staging_cases.json``, which ships in the wheel, so that the
sandbox never reads ``../shared`` at run time. Each case keeps its ``params`` (the query without
``recipient``), ``status`` and ``payload`` (the exact body, as a string).

The ``historical`` folder (the avis-d'imposition route, deleted from staging in 2024) is left out:
that route answers 410 in production and in the sandbox.

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


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = render(build(args.source))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run scripts/build_sandbox_cases.py")
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    count = sum(len(cases) for cases in json.loads(text)["endpoints"].values())
    print(f"wrote {count} cases to {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
