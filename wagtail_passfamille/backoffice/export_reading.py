"""How an export reads its rows: only what the chosen columns need, in chunks, as tuples.

Encrypted columns come as their tokens and are decrypted a chunk at a time
(:func:`~wagtail_passfamille.security.crypto.decrypt_many`); the form snapshot, about half
of a row's bytes, comes as a hash of its value and is read once per distinct snapshot; the
outcome comes as text, parsed once per distinct text by the exports' ``RowReader``.
"""

from __future__ import annotations

import secrets
from collections import namedtuple
from collections.abc import Iterator
from itertools import islice, repeat
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, ExpressionWrapper, F, Func, TextField, Value
from django.db.models.functions import MD5, Cast

from wagtail_passfamille.models.certified_record import CertifiedRecord
from wagtail_passfamille.security.crypto import decrypt_many, loads

CHUNK_SIZE = 2000

# One submission as the exports read it: plain columns, decrypted answers, the certified
# record's stored sources (``CertifiedRecord.stored_sources``), the types of the answers (from
# the form snapshot, parsed once per distinct snapshot), the outcome as text.
ExportRow = namedtuple(
    "ExportRow",
    "pk reference page_id submitted_at status verification decision tariff "
    "answers certified types outcome_text",
)

# The encrypted columns each kind of column reads, decrypted a chunk at a time.
ENCRYPTED_READS = {"answer": ("answers",), "certified": ("certified",)}
PLAIN = ("pk", "reference", "page_id", "submitted_at", "status", "verification", "decision")


class Memo(dict):
    """A dict that empties itself past ``limit`` entries: repeated values (dates of birth, a
    snapshot shared by thousands of submissions) are computed once, memory stays bounded."""

    def __init__(self, limit=20_000):
        super().__init__()
        self.limit = limit

    def get_or(self, key, compute):
        try:
            return self[key]
        except KeyError:
            pass
        except TypeError:  # unhashable: computed every time
            return compute()
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = compute()
        return value


def snapshot_types(snapshot) -> dict[str, tuple[str, tuple | None]]:
    """Each answer's block type, and for a group the (type, name) of its sub-fields."""
    types = {}
    for step in snapshot or []:
        for field in (step.get("fields") if isinstance(step, dict) else None) or []:
            if field.get("name"):
                subs = None
                if field.get("type") == "groupe":
                    subs = tuple(
                        (sub.get("type", ""), sub.get("name")) for sub in field.get("fields") or []
                    )
                types[field["name"]] = (field.get("type", ""), subs)
    return types


def snapshot_key(vendor: str):
    """An expression identifying a row's form snapshot by its value. On PostgreSQL, the jsonb
    hash that hash joins use, under a random seed drawn per export (nobody can build two
    snapshots that collide in an export): it reads the jsonb as it is stored, where the MD5 of
    its text first prints every snapshot as text (on 100 000 rows, 1.6 s of server time
    more than no key at all, against 0.8 s)."""
    if vendor == "postgresql":
        seed = secrets.randbits(63)
        return Func(
            F("form_snapshot"),
            Value(seed),
            function="jsonb_hash_extended",
            output_field=BigIntegerField(),
        )
    return MD5(Cast("form_snapshot", TextField()))


def reads(columns, vendor: str) -> dict[str, Any]:
    """What the chosen columns read beyond the plain ones, in the order they are selected."""
    kinds = {column.kind for column in columns}
    selected = {
        f"{name}_token": ExpressionWrapper(F(name), output_field=TextField())
        for kind in sorted(kinds)
        for name in ENCRYPTED_READS.get(kind, ())
    }
    if "answer" in kinds:
        selected["snapshot_key"] = snapshot_key(vendor)
    if "outcome" in kinds:
        selected["outcome_text"] = Cast("outcome", TextField())
    return selected


def export_queryset(queryset, columns=(), selected=None):
    """Only what the chosen columns read, as tuples (``values_list``): never the page row, the
    contact e-mail or pending lookups."""
    if selected is None:
        selected = reads(columns, connections[queryset.db].vendor)
    return (
        queryset.select_related(None)
        .annotate(**selected)
        .order_by("submitted_at", "pk")
        .values_list(*PLAIN, "tariff", *selected)
    )


def _snapshot_types_of(queryset, memo, keys_and_pks) -> dict[Any, dict]:
    """The answers' types of each snapshot of a chunk (by key), those not seen yet read in
    one query."""
    found, wanted = {}, {}
    for key, pk in keys_and_pks:
        if key in found or key in wanted:
            continue
        if key in memo:
            found[key] = memo[key]
        else:
            wanted[key] = pk
    if wanted:
        snapshots = dict(
            queryset.model._base_manager.filter(pk__in=wanted.values()).values_list(
                "pk", "form_snapshot"
            )
        )
        for key, pk in wanted.items():
            found[key] = memo.get_or(key, lambda pk=pk: snapshot_types(snapshots.get(pk)))
    return found


def export_rows(queryset, columns, snapshots: Memo) -> Iterator[ExportRow]:
    """One :class:`ExportRow` per submission, read :data:`CHUNK_SIZE` at a time. Each chunk's
    encrypted columns are decrypted together (:func:`decrypt_many`: one call per column and
    chunk); each row's JSON is parsed only when that row is read, so that a chunk's parsed
    answers are never alive at once (the cyclic garbage collector would walk them again and
    again: a fifth of an export's time)."""
    selected = reads(columns, connections[queryset.db].vendor)
    at = {name: index for index, name in enumerate([*PLAIN, "tariff", *selected])}
    plain = len(PLAIN) + 1
    rows = export_queryset(queryset, selected=selected).iterator(chunk_size=CHUNK_SIZE)
    stored_sources = CertifiedRecord.stored_sources
    answers_at, certified_at = at.get("answers_token"), at.get("certified_token")
    outcome_at, snapshot_at = at.get("outcome_text"), at.get("snapshot_key")
    while chunk := list(islice(rows, CHUNK_SIZE)):
        answers = certified = types = repeat(None)
        if answers_at is not None:
            answers = decrypt_many([row[answers_at] for row in chunk])
            chunk_types = _snapshot_types_of(
                queryset, snapshots, ((row[snapshot_at], row[0]) for row in chunk)
            )
            types = [chunk_types[row[snapshot_at]] for row in chunk]
        if certified_at is not None:
            certified = decrypt_many([row[certified_at] for row in chunk])
        for row, answers_plain, certified_plain, row_types in zip(
            chunk, answers, certified, types, strict=False
        ):
            row_answers = row_certified = None
            if answers_at is not None:
                row_answers = loads(answers_plain) if answers_plain is not None else None
                row_answers = row_answers if isinstance(row_answers, dict) else {}
            if certified_at is not None:
                row_certified = stored_sources(
                    loads(certified_plain) if certified_plain is not None else None
                )
            outcome = row[outcome_at] if outcome_at is not None else None
            yield ExportRow(*row[:plain], row_answers, row_certified, row_types, outcome)
