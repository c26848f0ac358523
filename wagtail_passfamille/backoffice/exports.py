"""Exports of the filtered listing: CSV streamed in constant memory, XLSX written row by row.

Columns are chosen by the agent among: the listing's plain columns, the answers (by machine
name, with the label of the démarche's current version), the certified fields (per source) and
the outcome. Every text cell is made formula-safe: a spreadsheet never evaluates what a citizen
typed (``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_passfamille.backoffice.display import answer_text, humanize_key, source_label
from wagtail_passfamille.blocks.schema import all_inputs
from wagtail_passfamille.models.submissions import Decision, Status, Verification
from wagtail_passfamille.rules.outcome import Outcome

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

    def value(self, submission) -> Any:
        kind, _sep, name = self.key.partition(":")
        if kind == "base":
            return BASE_GETTERS[name](submission)
        if kind == "answer":
            return _answer_cell(submission, name)
        if kind == "certified":
            source, _sep, field = name.partition(".")
            record = submission.certified_record.get(source)
            if record is None:
                return ""
            if field == "verification":
                return record.verification
            return _flat((record.fields or {}).get(field))
        if kind == "outcome":
            return _outcome_cell(submission, name)
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


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


STATUS_LABELS = dict(Status.choices)
VERIFICATION_LABELS = dict(Verification.choices)
DECISION_LABELS = dict(Decision.choices)

BASE_GETTERS = {
    "reference": lambda s: s.reference,
    "demarche": lambda s: s.page.title,
    "submitted_at": lambda s: _local(s.submitted_at),
    "status": lambda s: str(STATUS_LABELS.get(s.status, s.status)),
    "verification": lambda s: str(VERIFICATION_LABELS.get(s.verification, s.verification)),
    "decision": lambda s: str(DECISION_LABELS.get(s.decision, s.decision)),
    "tariff": lambda s: s.tariff,
}


def _snapshot_types(submission) -> dict[str, dict]:
    types = {}
    for step in submission.form_snapshot or []:
        for field in (step.get("fields") if isinstance(step, dict) else None) or []:
            if field.get("name"):
                types[field["name"]] = field
    return types


def _answer_cell(submission, name):
    answers = submission.answers if isinstance(submission.answers, dict) else {}
    if name not in answers:
        return ""
    value = answers[name]
    field = _snapshot_types(submission).get(name, {})
    if field.get("type") == "groupe" and isinstance(value, list):
        subs = field.get("fields") or []
        items = []
        for entry in value:
            entry = entry if isinstance(entry, dict) else {}
            items.append(
                ", ".join(
                    answer_text(sub.get("type", ""), entry.get(sub.get("name")))
                    for sub in subs
                    if sub.get("name") in entry
                )
            )
        return " | ".join(items)
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, int | float):
        return value
    return answer_text(field.get("type", ""), value)


def _outcome_cell(submission, name):
    outcome = submission.outcome if isinstance(submission.outcome, dict) else {}
    if name == "summary":
        try:
            return " ; ".join(Outcome.from_dict(outcome).summary_lines())
        except Exception:
            return ""
    if name.startswith("grid."):
        grid_name = name.removeprefix("grid.")
        for result in outcome.get("tariffs") or []:
            if (result.get("grid") or {}).get("name") == grid_name:
                return " — ".join(
                    str(v) for v in (result.get("bracket"), result.get("amount")) if v
                )
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


def export_queryset(queryset):
    return queryset.select_related("page").order_by("submitted_at", "pk")


def iter_rows(queryset, columns: list[Column], allowed_ids=None) -> Iterator[list]:
    """The header, then one row per submission, read in chunks (constant memory)."""
    yield [column.label for column in columns]
    for submission in export_queryset(queryset).iterator(chunk_size=CHUNK_SIZE):
        if allowed_ids is not None and submission.pk not in allowed_ids:
            continue  # not in what was audited (changed since): never exported unaudited
        yield [formula_safe(column.value(submission)) for column in columns]


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
