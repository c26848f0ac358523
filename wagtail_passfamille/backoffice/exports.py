"""Exports of the filtered listing: CSV streamed in constant memory, XLSX written row by row.

Columns are chosen by the agent among: the listing's plain columns, the answers (by machine
name, with the label of the démarche's current version), the certified fields (per source) and
the outcome. Every text cell is made formula-safe: a spreadsheet never evaluates what a citizen
typed (``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from itertools import islice
from operator import attrgetter
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wagtail_passfamille.backoffice import export_xlsx
from wagtail_passfamille.backoffice.display import (
    FORMATTED_TEXT,
    answer_text,
    humanize_key,
    source_label,
    verification_labels,
)
from wagtail_passfamille.backoffice.export_reading import (
    ExportRow,
    Memo,
    export_rows,
    snapshot_types,
)
from wagtail_passfamille.blocks.schema import all_inputs
from wagtail_passfamille.models.certified_record import CertifiedRecord
from wagtail_passfamille.models.submissions import Decision, Status
from wagtail_passfamille.rules.outcome import Outcome

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CERTIFIED_SAMPLE = 200
ROWS_PER_LANGUAGE = 500
_MISSING = object()
_UNTYPED = ("", None)
# Cells that never hold text typed by a citizen or an editor: no formula to neutralise.
SAFE_COLUMNS = {"base:reference", "base:submitted_at", "base:status", "base:verification"}


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
        """This column's cell for one submission instance (the exports read rows in chunks
        instead, with :meth:`RowReader.cell` compiled once per column)."""
        reader = reader or RowReader()
        return reader.cell(self)(reader.row_of(submission))


def _flat(value, yes="Oui", no="Non") -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_flat(v, yes, no)}" for k, v in value.items())
    if isinstance(value, list):
        return " | ".join(_flat(v, yes, no) for v in value)
    if isinstance(value, bool):
        return yes if value else no
    return str(value)


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


class RowReader:
    """What the rows of one export share, computed once per export rather than once per cell:
    démarche titles (no page row per submission), translated labels, form snapshots and
    outcomes parsed once per distinct text, the text of repeated answers (a date of birth),
    and one compiled function per column (:meth:`cell`).

    Built where the export starts (in the view, under the agent's language and time zone): a
    CSV is streamed after the view returned, when Wagtail's override of the agent's language
    is over. The labels are translated here, once; what is computed later (an answer's text, an
    outcome's summary, memoised) is computed under :attr:`language` (:func:`_rows`)."""

    def __init__(self):
        self.language = translation.get_language()
        self.titles = {}
        self.status = {k: str(v) for k, v in Status.choices}
        self.verification = verification_labels()
        self.decision = {k: str(v) for k, v in Decision.choices}
        self.yes, self.no = _("Oui"), _("Non")
        self.zone = timezone.get_current_timezone()
        self.snapshots = Memo(limit=200)
        self._outcomes = Memo()
        self._texts = Memo()

    def title(self, page_id):
        if page_id not in self.titles:
            from wagtail.models import Page

            self.titles[page_id] = (
                Page.objects.filter(pk=page_id).values_list("title", flat=True).first() or ""
            )
        return self.titles[page_id]

    def row_of(self, submission) -> ExportRow:
        """An :class:`ExportRow` from a submission instance."""
        outcome = submission.outcome if isinstance(submission.outcome, dict) else {}
        return ExportRow(
            submission.pk,
            submission.reference,
            submission.page_id,
            submission.submitted_at,
            submission.status,
            submission.verification,
            submission.decision,
            submission.tariff,
            submission.answers if isinstance(submission.answers, dict) else {},
            CertifiedRecord.stored_sources(submission.certified),
            snapshot_types(submission.form_snapshot),
            json.dumps(outcome),
        )

    def cell(self, column: Column) -> Callable[[ExportRow], Any]:
        """The function giving ``column``'s cell of a row."""
        kind, _sep, name = column.key.partition(":")
        if kind == "base":
            return self._base_cell(name)
        if kind == "answer":
            return partial(self.answer, name=name)
        if kind == "certified":
            source, _sep, field = name.partition(".")
            return partial(self.certified, source=source, field=field)
        if kind == "outcome":
            return partial(self.outcome, name=name)
        return lambda row: ""

    def _base_cell(self, name):
        if name in ("reference", "tariff"):
            return attrgetter(name)
        if name == "demarche":
            return lambda row: (
                self.titles[row.page_id]
                if row.page_id in self.titles
                else (self.title(row.page_id))
            )
        if name == "submitted_at":
            zone = self.zone
            return lambda row: (
                row.submitted_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
                if row.submitted_at
                else ""
            )
        if name in ("status", "verification", "decision"):
            labels, get = getattr(self, name), attrgetter(name)
            return lambda row: labels.get(get(row), get(row))
        return lambda row: ""

    def text(self, block_type, value):
        """:func:`answer_text`, memoised; most strings read as they are stored."""
        if value.__class__ is str and value and block_type not in FORMATTED_TEXT:
            return value
        return self._texts.get_or((block_type, value), partial(answer_text, block_type, value))

    def answer(self, row, name):
        value = row.answers.get(name, _MISSING)
        if value is _MISSING:
            return ""
        kind, subs = row.types.get(name, _UNTYPED)
        if value.__class__ is str:
            return self.text(kind, value)
        if subs is not None and isinstance(value, list):
            return " | ".join(self.group_item(entry, subs) for entry in value)
        if isinstance(value, bool):
            return self.yes if value else self.no
        if isinstance(value, int | float):
            return value
        return self.text(kind, value)

    def group_item(self, entry, subs) -> str:
        """One item of a group (a child) as « Léa, 14 mai 2018 »."""
        entry = entry if isinstance(entry, dict) else {}
        text = self.text
        return ", ".join(text(kind, entry[name]) for kind, name in subs if name in entry)

    def certified(self, row, source, field):
        """As :class:`~wagtail_passfamille.models.certified_record.SourceRecord` reads a
        source's stored mapping, without building one per row; the source's verification
        state by its label, as the submission's page shows it (« Vérifiée », not ``verifie``)."""
        record = row.certified.get(source)
        if record is None:
            return ""
        if field == "verification":
            state = record.get("verification") or ""
            return self.verification.get(state, state) if state else ""
        fields = record.get("fields")
        return _flat(fields.get(field) if isinstance(fields, Mapping) else None, self.yes, self.no)

    def outcome(self, row, name):
        text = row.outcome_text
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


READ_ANSWERS = Column("answer:", "", "")  # no cell: makes the rows carry the answers


def iter_rows(queryset, columns: list[Column], allowed_ids=None, children=None) -> Iterator[list]:
    """The header, then one row per submission, read in chunks (constant memory); with
    ``children`` (:class:`~.export_children.ChildColumns`), one row per registered child. The
    header and the labels are made now, in the caller's language (:class:`RowReader`); the
    rows as they are read."""
    header = [column.label for column in columns] + (children.labels() if children else [])
    reader = RowReader()
    return _rows(queryset, columns, allowed_ids, children, header, reader)


def _rows(queryset, columns, allowed_ids, children, header, reader) -> Iterator[list]:
    """The rows, made :data:`ROWS_PER_LANGUAGE` at a time under the export's language: what is
    translated as rows are read (« Non renseigné », an outcome's summary) is in the agent's
    language, for one override per batch (never held across a ``yield``)."""
    yield header
    values = _values(queryset, columns, allowed_ids, children, reader)
    while True:
        with translation.override(reader.language):
            batch = list(islice(values, ROWS_PER_LANGUAGE))
        if not batch:
            return
        yield from batch


def _values(queryset, columns, allowed_ids, children, reader) -> Iterator[list]:
    cells = [reader.cell(column) for column in columns]
    # formula_safe() inlined over the cells that may hold typed text: a call per cell cost
    # more than most cells.
    guarded = [index for index, column in enumerate(columns) if column.key not in SAFE_COLUMNS]
    prefixes = FORMULA_PREFIXES
    reads = [*columns, READ_ANSWERS] if children else columns
    for row in export_rows(queryset, reads, reader.snapshots):
        if allowed_ids is not None and row.pk not in allowed_ids:
            continue  # not in what was audited (changed since): never exported unaudited
        values = [cell(row) for cell in cells]
        for index in guarded:
            value = values[index]
            if isinstance(value, str) and value.startswith(prefixes):
                values[index] = "'" + value
        if children is None:
            yield values
        else:
            yield from children.rows(row, values, reader)


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
    """An XLSX of the rows in an anonymous temporary file, rewound (:mod:`.export_xlsx`)."""
    return export_xlsx.xlsx_file(rows, str(_("Demandes")))
