"""A démarche's outcome: gate decisions and tariffs, storable with snapshots of what produced it.

``to_dict()`` embeds each gate and grid as it was when computed, so editing a grid later never
changes a stored outcome; ``from_dict()`` reads it back without consulting the current grids.
Neither holds a certified value: only variable names and their provenance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .gates import Decision, Gate, GateResult, evaluate_gates, overall_decision
from .tariffs import Grid, GridResult, grids_valid_on
from .variables import Context

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Outcome:
    reference_date: dt.date
    decision: Decision
    gates: tuple[GateResult, ...] = ()
    tariffs: tuple[GridResult, ...] = ()

    def tariff(self, name: str) -> GridResult | None:
        return next((result for result in self.tariffs if result.grid.name == name), None)

    @property
    def can_submit(self) -> bool:
        return self.decision is not Decision.NOT_ELIGIBLE

    @property
    def for_review(self) -> bool:
        """Submitted "pour examen": an agent must look at it before it is accepted."""
        return self.decision is Decision.REVIEW

    @property
    def default_applied(self) -> bool:
        """Some tariff is a default one, because its variable was unknown."""
        return any(result.default_applied for result in self.tariffs)

    @property
    def refused_children(self) -> tuple[int, ...]:
        """Positions of the registered children a per-child gate refuses."""
        return tuple(sorted({p for result in self.gates for p in result.refused_positions}))

    def child_lines(self, names: Mapping[int, str] | None = None) -> list[str]:
        """« Inscription de Léa impossible : … », one per refused child and gate."""
        return [line for result in self.gates for line in result.child_lines(names)]

    def summary_lines(self, names: Mapping[int, str] | None = None) -> list[str]:
        """French lines for the recap step and the confirmation page.

        Gate messages first; when a gate stops the démarche, only the blocking messages (a
        tariff the citizen cannot get would only confuse). ``names``: the registered
        children's first names by position, for the children a per-child gate refuses.
        """
        if self.decision is Decision.NOT_ELIGIBLE:
            return [
                line
                for result in self.gates
                if result.blocks
                for line in (result.child_lines(names) or [result.message])
                if line
            ]
        lines = self.child_lines(names)
        lines += [result.message for result in self.gates if result.message]
        for result in self.tariffs:
            lines.extend(result.summary_lines(names))
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "reference_date": self.reference_date.isoformat(),
            "decision": self.decision.value,
            "gates": [result.to_dict() for result in self.gates],
            "tariffs": [result.to_dict() for result in self.tariffs],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outcome:
        version = data.get("version")
        if version != FORMAT_VERSION:
            raise ValueError(f"unsupported outcome format version {version!r}")
        return cls(
            reference_date=dt.date.fromisoformat(data["reference_date"]),
            decision=Decision(data["decision"]),
            gates=tuple(GateResult.from_dict(item) for item in data.get("gates") or ()),
            tariffs=tuple(GridResult.from_dict(item) for item in data.get("tariffs") or ()),
        )


def compute_outcome(
    gates: Iterable[Gate],
    grids: Iterable[Grid],
    context: Context,
    *,
    on: dt.date | None = None,
) -> Outcome:
    """Evaluate every gate and every grid in force on ``on`` (default: the context's
    reference date). Call it on the server at each step that shows the outcome and again at
    submit; never trust an outcome posted back by the browser."""
    day = on or context.reference_date
    if day is None:
        raise ValueError(
            "an outcome needs a reference date (pass `on` or build the context with one)"
        )
    results = evaluate_gates(gates, context)
    # A child refused by a per-child gate is not registered: not priced, not ranked.
    refused = {p for result in results for p in result.refused_positions}
    priced = context.without_children(refused)
    tariffs = tuple(grid.compute(priced) for grid in grids_valid_on(tuple(grids), day))
    return Outcome(day, overall_decision(results), results, tariffs)
