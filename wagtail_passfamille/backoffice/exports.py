"""Exports of the filtered listing: CSV streamed in constant memory, XLSX written row by row.

Columns are chosen by the agent among: the listing's plain columns, the answers (by machine
name, with the label of the démarche's current version), the certified fields (per source) and
the outcome. Every text cell is made formula-safe: a spreadsheet never evaluates what a citizen
typed (``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``).
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import ExpressionWrapper, F, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_passfamille.backoffice.display import answer_text, humanize_key, source_label
from wagtail_passfamille.blocks.schema import all_inputs
from wagtail_passfamille.models.submissions import Decision, Status, Verification
from wagtail_passfamille.rules.outcome import Outcome
from wagtail_passfamille.security.crypto import decrypt_json_many

CHUNK_SIZE = 500
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CERTIFIED_SAMPLE = 200


def formula_safe(value: Any) -> Any:
    """Neutralise a cell a spreadsheet would read as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str

    @property
    def kind(self) -> str:
        return self.key.partition(":")[0]

    def value(self, submission, reader: RowReader | None = None) -> Any:
        reader = reader or RowReader()
        kind, _sep, name = self.key.partition(":")
        if kind == "base":
            return reader.base(submission, name)
        if kind == "answer":
            return reader.answer(submission, name)
        if kind == "certified":
            source, _sep, field = name.partition(".")
            record = submission.certified_record.get(source)
            if record is None:
                return ""
            if field == "verification":
                return record.verification
            return _flat((record.fields or {}).get(field))
        if kind == "outcome":
            return reader.outcome(submission, name)
        return ""


def _flat(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " | ".join(_flat(v) for v in value)
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    return str(value)


def _snapshot_types(snapshot) -> dict[str, dict]:
    types = {}
    for step in snapshot or []:
        for field in (step.get("fields") if isinstance(step, dict) else None) or []:
            if field.get("name"):
                types[field["name"]] = field
    return types


def _outcome_summary(outcome) -> str:
    try:
        return " ; ".join(Outcome.from_dict(outcome).summary_lines())
    except Exception:
        return ""


def _outcome_grid(outcome, grid_name) -> str:
    for result in outcome.get("tariffs") or []:
        if (result.get("grid") or {}).get("name") == grid_name:
            return " — ".join(str(v) for v in (result.get("bracket"), result.get("amount")) if v)
    return ""


class _Memo(dict):
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


class RowReader:
    """What the rows of one export share, computed once per export rather than once per cell:
    démarche titles (no page row per submission), translated labels, form snapshots and
    outcomes parsed once per distinct text, the text of repeated answers (a date of birth)."""

    def __init__(self):
        self.titles = {}
        self.status = {k: str(v) for k, v in Status.choices}
        self.verification = {k: str(v) for k, v in Verification.choices}
        self.decision = {k: str(v) for k, v in Decision.choices}
        self.yes, self.no = _("Oui"), _("Non")
        self.zone = timezone.get_current_timezone()
        self._snapshots = _Memo(limit=200)
        self._outcomes = _Memo()
        self._texts = _Memo()

    def title(self, page_id):
        if page_id not in self.titles:
            from wagtail.models import Page

            self.titles[page_id] = (
                Page.objects.filter(pk=page_id).values_list("title", flat=True).first() or ""
            )
        return self.titles[page_id]

    def base(self, s, name):
        if name == "reference":
            return s.reference
        if name == "demarche":
            return self.title(s.page_id)
        if name == "submitted_at":
            value = s.submitted_at
            return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if value else ""
        if name == "status":
            return self.status.get(s.status, s.status)
        if name == "verification":
            return self.verification.get(s.verification, s.verification)
        if name == "decision":
            return self.decision.get(s.decision, s.decision)
        if name == "tariff":
            return s.tariff
        return ""

    def snapshot_types(self, submission) -> dict[str, dict]:
        text = getattr(submission, "snapshot_text", None)
        if text is None:  # an instance loaded without export_queryset()
            return _snapshot_types(submission.form_snapshot)
        return self._snapshots.get_or(text, lambda: _snapshot_types(json.loads(text)))

    def text(self, block_type, value):
        return self._texts.get_or((block_type, value), lambda: answer_text(block_type, value))

    def answer(self, submission, name):
        answers = submission.answers if isinstance(submission.answers, dict) else {}
        if name not in answers:
            return ""
        value = answers[name]
        field = self.snapshot_types(submission).get(name, {})
        if field.get("type") == "groupe" and isinstance(value, list):
            subs = field.get("fields") or []
            items = []
            for entry in value:
                entry = entry if isinstance(entry, dict) else {}
                items.append(
                    ", ".join(
                        self.text(sub.get("type", ""), entry.get(sub.get("name")))
                        for sub in subs
                        if sub.get("name") in entry
                    )
                )
            return " | ".join(items)
        if isinstance(value, bool):
            return self.yes if value else self.no
        if isinstance(value, int | float):
            return value
        return self.text(field.get("type", ""), value)

    def outcome(self, submission, name):
        text = getattr(submission, "outcome_text", None)
        if text is None:
            outcome = submission.outcome if isinstance(submission.outcome, dict) else {}
            return self._outcome_cell(outcome, name)
        return self._outcomes.get_or(
            (text, name), lambda: self._outcome_cell(json.loads(text), name)
        )

    @staticmethod
    def _outcome_cell(outcome, name):
        outcome = outcome if isinstance(outcome, dict) else {}
        if name == "summary":
            return _outcome_summary(outcome)
        if name.startswith("grid."):
            return _outcome_grid(outcome, name.removeprefix("grid."))
        return ""


def base_columns() -> list[Column]:
    group = _("Demande")
    return [
        Column("base:reference", _("Référence"), group),
        Column("base:demarche", _("Démarche"), group),
        Column("base:submitted_at", _("Déposée le"), group),
        Column("base:status", _("Statut"), group),
        Column("base:verification", _("Vérification"), group),
        Column("base:decision", _("Éligibilité"), group),
        Column("base:tariff", _("Tarif"), group),
    ]


def available_columns(demarches: Iterable, queryset) -> list[Column]:
    """Every column an agent may choose for these démarches and this filtered queryset."""
    columns = base_columns()
    seen = set()
    answers_group = _("Réponses")
    grids = set()
    for page in demarches:
        for _index, _step, item in all_inputs(page.steps):
            if item.path and len(item.path) > 1:
                continue  # a group's sub-field: exported inside its group's cell
            if item.name and item.name not in seen:
                seen.add(item.name)
                columns.append(
                    Column(f"answer:{item.name}", f"{item.label} ({item.name})", answers_group)
                )
    certified = set()
    for submission in queryset.order_by("-pk").only("certified", "outcome")[:CERTIFIED_SAMPLE]:
        for source, record in submission.certified_record.items():
            certified.add((source, "verification"))
            for field in record.fields or {}:
                certified.add((source, str(field)))
        for result in (submission.outcome or {}).get("tariffs") or []:
            name = (result.get("grid") or {}).get("name")
            if name:
                grids.add((name, (result.get("grid") or {}).get("title") or name))
    certified_group = _("Données certifiées")
    for source, field in sorted(certified, key=lambda sf: (sf[0], sf[1] != "verification", sf[1])):
        label = source_label(source)
        what = _("vérification") if field == "verification" else humanize_key(field)
        columns.append(Column(f"certified:{source}.{field}", f"{label} — {what}", certified_group))
    outcome_group = _("Résultat")
    columns.append(Column("outcome:summary", _("Résultat (résumé)"), outcome_group))
    for name, title in sorted(grids):
        columns.append(Column(f"outcome:grid.{name}", f"{title} ({name})", outcome_group))
    return columns


# The encrypted columns each kind of column reads, decrypted a chunk at a time.
ENCRYPTED_READS = {"answer": ("answers",), "certified": ("certified",)}
PLAIN = ("pk", "reference", "page_id", "submitted_at", "status", "verification", "decision")


def export_queryset(queryset, columns: list[Column] = ()):
    """Only what the chosen columns read, never the page row, the contact e-mail or pending
    lookups. Encrypted columns come as their tokens (``<name>_token``, decrypted by chunks in
    :func:`iter_rows`); the snapshot and the outcome as text, parsed once per distinct text by
    :class:`RowReader`."""
    kinds = {column.kind for column in columns}
    queryset = queryset.select_related(None).only(*PLAIN, "tariff")
    tokens = {
        f"{name}_token": ExpressionWrapper(F(name), output_field=TextField())
        for kind in sorted(kinds)
        for name in ENCRYPTED_READS.get(kind, ())
    }
    texts = {}
    if "answer" in kinds:
        texts["snapshot_text"] = Cast("form_snapshot", TextField())
    if "outcome" in kinds:
        texts["outcome_text"] = Cast("outcome", TextField())
    return queryset.annotate(**tokens, **texts).order_by("submitted_at", "pk")


def _decrypted_chunks(queryset, columns):
    """The submissions in chunks of :data:`CHUNK_SIZE`, their encrypted columns decrypted
    together (:func:`decrypt_json_many`): one call per column and chunk, not per cell."""
    names = [
        name
        for kind in ENCRYPTED_READS
        for name in ENCRYPTED_READS[kind]
        if any(column.kind == kind for column in columns)
    ]
    rows = export_queryset(queryset, columns).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        for name in names:
            values = decrypt_json_many([getattr(s, f"{name}_token") for s in chunk])
            for submission, value in zip(chunk, values, strict=True):
                setattr(submission, name, value if value is not None else {})
        yield chunk


def iter_rows(queryset, columns: list[Column], allowed_ids=None) -> Iterator[list]:
    """The header, then one row per submission, read in chunks (constant memory)."""
    yield [column.label for column in columns]
    reader = RowReader()
    for chunk in _decrypted_chunks(queryset, columns):
        for submission in chunk:
            if allowed_ids is not None and submission.pk not in allowed_ids:
                continue  # not in what was audited (changed since): never exported unaudited
            yield [formula_safe(column.value(submission, reader)) for column in columns]


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows: Iterator[list]) -> Iterator[str]:
    """CSV lines (";" separated, UTF-8 with a BOM: what French spreadsheets open directly)."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def xlsx_file(rows: Iterator[list]):
    """An XLSX written in write-only mode into an anonymous temporary file, rewound."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Demandes"))
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


def _xlsx_cell(value):
    # Control characters are illegal in XLSX; a formula-looking string was already prefixed.
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " or c in "\n\t")
    return value
