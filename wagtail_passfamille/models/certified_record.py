"""The certified data of a submission: the one type that writes and reads its stored JSON.

A :class:`CertifiedRecord` holds one :class:`SourceRecord` per certified source the citizen
went through (verification state, the citizen's choice, the ticked fields and their
provenance, and for a source with children the :class:`ChildMatch` of each registered child).
``Submission.certified`` stores ``record.to_dict()``; display, exports, retention, erasure and
deferred verification read ``Submission.certified_record``. Like ``rules.Outcome`` it carries a
format version; :meth:`CertifiedRecord.from_dict` also reads the unversioned form written
before 0.2.0 (migration 0009 rewrites stored rows).

Frozen dataclasses of JSON-able values, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from wagtail_passfamille.services.matching import Match

FORMAT_VERSION = 2  # 1: the unversioned {source: {...}} dict of 0.1


@dataclass(frozen=True)
class ChildMatch:
    """The matching of the ``position``-th registered child (1-based, in the order entered)."""

    position: int
    result: Match

    def to_dict(self) -> dict[str, Any]:
        return {"position": self.position, "result": self.result.value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChildMatch:
        return cls(position=int(data["position"]), result=Match(data["result"]))


@dataclass(frozen=True)
class SourceRecord:
    """What a submission keeps of one certified source."""

    verification: str = ""  # a Verification value: verifie, non_trouve, a_verifier…
    choice: str | None = None  # the citizen's choice: recuperer, justificatif, refus
    fields: Mapping[str, Any] | None = None  # the ticked data, when fetched
    provenance: Mapping[str, Any] = field(default_factory=dict)
    matching: tuple[ChildMatch, ...] = ()
    #: Only an agent can settle it (identity not recognised, or the deadline passed).
    manual_review: bool = False
    #: Identifiers the démarche keeps after verification (« conserver le numéro fiscal »).
    kept_identifiers: Mapping[str, str] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return self.verification == "verifie" and self.fields is not None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"verification": self.verification, "choice": self.choice}
        if self.fields is not None:
            data["fields"] = dict(self.fields)
            data["provenance"] = dict(self.provenance)
        if self.matching:
            data["matching"] = [match.to_dict() for match in self.matching]
        if self.manual_review:
            data["manual_review"] = True
        if self.kept_identifiers:
            data["kept_identifiers"] = dict(self.kept_identifiers)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SourceRecord:
        kept = dict(data.get("kept_identifiers") or {})
        if data.get("numero_fiscal"):  # where 0.1 kept it
            kept["numero_fiscal"] = data["numero_fiscal"]
        fields = data.get("fields")
        return cls(
            verification=data.get("verification") or "",
            choice=data.get("choice"),
            fields=dict(fields) if isinstance(fields, Mapping) else None,
            provenance=dict(data.get("provenance") or {}),
            matching=tuple(ChildMatch.from_dict(item) for item in data.get("matching") or ()),
            manual_review=bool(data.get("manual_review")),
            kept_identifiers=kept,
        )


@dataclass(frozen=True)
class CertifiedRecord:
    """The certified data of one submission, by source name, in the order they were met."""

    sources: Mapping[str, SourceRecord] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.sources)

    def get(self, name: str) -> SourceRecord | None:
        return self.sources.get(name)

    def items(self) -> Iterable[tuple[str, SourceRecord]]:
        return self.sources.items()

    def with_source(self, name: str, record: SourceRecord) -> CertifiedRecord:
        return CertifiedRecord({**self.sources, name: record})

    def updated(self, name: str, **changes) -> CertifiedRecord:
        """A copy with one source's record changed (created empty when absent)."""
        return self.with_source(name, replace(self.sources.get(name) or SourceRecord(), **changes))

    def without_values(self) -> CertifiedRecord:
        """Empty: what is left once the certified data are erased (the outcome stays)."""
        return CertifiedRecord()

    def states(self) -> list[str]:
        return [record.verification for record in self.sources.values()]

    def to_dict(self) -> dict[str, Any]:
        if not self.sources:
            return {}
        return {
            "version": FORMAT_VERSION,
            "sources": {name: record.to_dict() for name, record in self.sources.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CertifiedRecord:
        """Read what ``to_dict`` wrote, or the unversioned form of 0.1; ``{}`` is empty."""
        return cls(
            {name: SourceRecord.from_dict(v) for name, v in cls.stored_sources(data).items()}
        )

    @staticmethod
    def stored_sources(data: Mapping[str, Any] | None) -> Mapping[str, Mapping[str, Any]]:
        """Each source's stored mapping, as :meth:`from_dict` finds them (both forms), without
        building the records: what an export of many rows reads (``verification``, ``fields``,
        as :meth:`SourceRecord.from_dict` reads them)."""
        if not data:
            return {}
        if "version" not in data:  # 0.1: {source: {...}} at the top level
            return {k: v for k, v in data.items() if isinstance(v, Mapping)}
        if data["version"] != FORMAT_VERSION:
            raise ValueError(f"unsupported certified record version {data['version']!r}")
        return data.get("sources") or {}
