"""Walk the inputs of a démarche's steps: one description shared by forms, checks and recaps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from wagtail_passfamille import sources

# How rules read each field type's answer (rules.variables.VariableKind values).
FIELD_KINDS = {
    "texte_court": "text",
    "texte_long": "text",
    "email": "text",
    "telephone": "text",
    "nombre": "number",
    "date": "date",
    "choix_unique": "choice",
    "choix_multiples": "choice",
    "case_a_cocher": "boolean",
    "fichier": "text",
    "adresse": "text",
    "groupe": "group",
}

# Blocks that show something but take no answer.
DISPLAY_ONLY = frozenset({"information"})
# Blocks that fetch certified data: block type → source (their inputs are identities, kept
# out of the answers).
CERTIFIED_BLOCKS = {source.block_type: source.name for source in sources.all_sources()}


@dataclass(frozen=True)
class Input:
    """One field of a step: its type, value, machine name and where it sits in the stream."""

    block_type: str
    value: Any
    block_id: str | None
    path: tuple  # (index,) at the top of a step, (group index, "fields", index) in a group

    @property
    def name(self) -> str:
        return "" if self.block_type in DISPLAY_ONLY else self.value.clean_name

    @property
    def label(self) -> str:
        return self.value.get("label", "") if self.block_type not in DISPLAY_ONLY else ""


def iter_inputs(step_value, *, include_information: bool = False) -> Iterator[Input]:
    """The top-level inputs of a step, groups included as one input (their items nest)."""
    for index, child in enumerate(step_value.get("fields") or ()):
        if child.block_type in DISPLAY_ONLY and not include_information:
            continue
        yield Input(child.block_type, child.value, child.id, (index,))


def iter_group_inputs(group_input: Input) -> Iterator[Input]:
    for index, child in enumerate(group_input.value.get("fields") or ()):
        yield Input(child.block_type, child.value, child.id, (*group_input.path, "fields", index))


def with_group_inputs(inputs) -> Iterator[Input]:
    """Each input, followed by its sub-fields when it is a repeatable group."""
    for item in inputs:
        yield item
        if item.block_type == "groupe":
            yield from iter_group_inputs(item)


def all_inputs(steps) -> Iterator[tuple[int, Any, Input]]:
    """(step index, step value, input) over the whole démarche, groups' sub-fields included."""
    for step_index, step in enumerate(steps):
        for item in iter_inputs(step.value):
            yield step_index, step.value, item
            if item.block_type == "groupe":
                for sub in iter_group_inputs(item):
                    yield step_index, step.value, sub
