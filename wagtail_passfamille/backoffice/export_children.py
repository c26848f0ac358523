"""Exports with one row per registered child: the items of each démarche's children group.

Each child's row carries the application's chosen columns (its reference first, when chosen)
followed by the child's number and the group's sub-fields; an application without a child keeps
one row, its child cells empty, so that no application is left out of an export.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wagtail_passfamille.backoffice.exports import ExportRow, RowReader, formula_safe
from wagtail_passfamille.blocks.schema import all_inputs, iter_group_inputs


@dataclass(frozen=True)
class ChildColumns:
    groups: dict[int, str]  # démarche id → the name of its children group
    fields: list[tuple[str, str]]  # (sub-field name, label), every démarche's, in order

    def labels(self) -> list[str]:
        return [_("Enfant")] + [
            _("Enfant — %(label)s") % {"label": label} for _name, label in self.fields
        ]

    def rows(self, row: ExportRow, values: list, reader: RowReader) -> Iterator[list]:
        group = self.groups.get(row.page_id)
        items = row.answers.get(group) if group else None
        if not isinstance(items, list) or not items:
            yield values + [""] * (len(self.fields) + 1)
            return
        kinds = {name: kind for kind, name in (row.types.get(group, ("", None))[1] or ())}
        for number, entry in enumerate(items, start=1):
            entry = entry if isinstance(entry, dict) else {}
            yield (
                values
                + [number]
                + [
                    formula_safe(reader.text(kinds.get(name, ""), entry[name]))
                    if name in entry
                    else ""
                    for name, _label in self.fields
                ]
            )


def child_columns(demarches: Iterable) -> ChildColumns | None:
    """The children groups of these démarches (``None`` when none has one)."""
    groups, fields, seen = {}, [], set()
    for page in demarches:
        name = page.children_group_name()
        if not name:
            continue
        groups[page.pk] = name
        for _index, _step, item in all_inputs(page.steps):
            if item.block_type != "groupe" or item.name != name:
                continue
            for sub in iter_group_inputs(item):
                if sub.name and sub.name not in seen:
                    seen.add(sub.name)
                    fields.append((sub.name, str(sub.label or sub.name)))
    return ChildColumns(groups, fields) if groups else None
