"""The certified record: the one writer and reader of a submission's certified JSON."""

import importlib

import pytest

from tests.certified.helpers import certified_record_of
from wagtail_passfamille.models.certified_record import (
    FORMAT_VERSION,
    CertifiedRecord,
    ChildMatch,
    SourceRecord,
)
from wagtail_passfamille.services.matching import Match

migration = importlib.import_module("wagtail_passfamille.migrations.0009_certified_record_v2")


def test_a_fetched_record_round_trips(sandbox):
    record = certified_record_of("martin")
    stored = record.to_dict()
    assert stored["version"] == FORMAT_VERSION
    assert CertifiedRecord.from_dict(stored) == record
    caf = record.get("caf")
    assert caf.verified and caf.fields["quotient_familial"]["valeur"] == 200
    assert caf.provenance["fournisseur"] == "MSA"


def test_what_0_1_stored_is_read_and_migrated_alike():
    legacy = {
        "caf": {
            "verification": "verifie",
            "choice": "recuperer",
            "fields": {"quotient_familial": {"valeur": 812}},
            "provenance": {"source": "caf"},
            "matching": [{"position": 1, "result": "rattache"}],
        },
        "dgfip": {"verification": "a_verifier", "choice": "recuperer", "numero_fiscal": "39"},
    }
    read = CertifiedRecord.from_dict(legacy)
    assert read.get("caf").matching == (ChildMatch(1, Match.FOUND),)
    assert read.get("dgfip").kept_identifiers == {"numero_fiscal": "39"}
    assert CertifiedRecord.from_dict(migration.to_v2(legacy)) == read
    assert migration.to_v2(read.to_dict()) is None  # already v2: left alone
    assert migration.to_v2({}) is None


def test_an_unknown_version_is_refused_not_misread():
    with pytest.raises(ValueError):
        CertifiedRecord.from_dict({"version": 99, "sources": {}})


def test_erasing_values_keeps_nothing():
    record = CertifiedRecord({"caf": SourceRecord("verifie", "recuperer", {"x": 1})})
    assert record.without_values().to_dict() == {}
    assert not CertifiedRecord.from_dict({})
