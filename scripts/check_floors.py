"""Check that every direct dependency is installed at the floor pyproject.toml declares.

CI's lowest-versions pass installs with ``uv pip install --resolution lowest-direct``, then runs
this in that environment: a floor that cannot be installed (uv would pick a later release) or a
dependency left out fails the run, so the floors in pyproject.toml stay true.

    .venv-lowest/bin/python scripts/check_floors.py
"""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def direct_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    return [Requirement(line) for line in requirements]


def floor(requirement: Requirement) -> Version | None:
    """The lowest version a requirement allows (``>=X`` or ``==X.*``), if it names one."""
    for spec in requirement.specifier:
        if spec.operator == ">=" or spec.operator == "==":
            return Version(spec.version.removesuffix(".*"))
    return None


def main() -> int:
    problems = []
    for requirement in direct_requirements():
        lowest = floor(requirement)
        try:
            installed = Version(version(requirement.name))
        except PackageNotFoundError:
            problems.append(f"{requirement.name}: not installed")
            continue
        if lowest is None:
            continue
        if installed != lowest:  # Version("5.2") == Version("5.2.0")
            problems.append(f"{requirement.name}: {installed} installed, floor {lowest}")
        print(f"{requirement.name:<22} floor {lowest!s:<10} installed {installed}")
    for problem in problems:
        print(f"NOT AT ITS FLOOR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
