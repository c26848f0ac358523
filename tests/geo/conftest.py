"""Fixtures of the geo tests: pure Python, no Django, no database."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_GEO = ROOT.parent / "shared" / "reference" / "geo"


@pytest.fixture(scope="session")
def build_script() -> ModuleType:
    """scripts/build_geo_data.py, imported as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "build_geo_data", ROOT / "scripts" / "build_geo_data.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def shared_geo() -> Path:
    """The shared reference data, or a loud skip: without them the packaged data go unchecked."""
    if not (SHARED_GEO / "communes.json").exists():
        message = (
            f"!!! {SHARED_GEO} IS ABSENT: THE PACKAGED GEO DATA WERE NOT COMPARED WITH THEIR "
            "SOURCE !!!"
        )
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    return SHARED_GEO
