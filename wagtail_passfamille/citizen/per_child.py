"""Per-child gates on the citizen's side: the refused children named on the recap and on the
steps after the children's group, within the anonymous no-disclosure rule.

A gate on what the citizen typed (a birth date, a sub-field of the children's group) tells them
nothing about anyone's certified data: its per-child refusals are shown to every citizen, and it
may stop the démarche when it refuses every child. A gate reading certified data (``caf.…``,
``dgfip.…``) is shown only when the outcome may be disclosed (:mod:`.disclosure`).
"""

from __future__ import annotations

from django.utils import timezone

from wagtail_passfamille.blocks.rules import EACH_CHILD
from wagtail_passfamille.models import outcomes
from wagtail_passfamille.rules import CATALOGUE

#: The prefixes of certified data (the sources' variables; ``demarche.…`` derives from answers).
CERTIFIED_PREFIXES = frozenset(
    spec.name.partition(".")[0] for spec in CATALOGUE.values() if spec.source != "demarche"
)


def reads_certified(gate) -> bool:
    return any(name.partition(".")[0] in CERTIFIED_PREFIXES for name in gate.rule.variables())


class PerChildMixin:
    """What the wizard shows of per-child gates (``self.discloses()`` is FranceConnect's)."""

    def per_child_outcome(self):
        """The outcome, when a gate is per child (none otherwise: no cost on other démarches)."""
        if not any(gate.value.get("applies_to") == EACH_CHILD for gate in self.page.eligibility):
            return None
        return self.outcome()

    def ages(self) -> dict:
        """``FormBuilder``'s ``child_age``: what the browser needs to compute a child's age."""
        group = self.page.children_group_name()
        if not group:
            return {}
        on = self.page.reference_date or timezone.localdate()
        return {"child_age": (group, self.page.child_birth_date_field(), on.isoformat())}

    def child_names(self) -> dict[int, str]:
        return outcomes.child_names(self.page, self.all_answers())

    def discloses_outcome(self, outcome) -> bool:
        """The whole outcome may be shown (and may stop the démarche): nothing anonymous was
        looked up, or every gate that refuses reads only what the citizen typed."""
        if self.discloses():
            return True
        refusing = [result for result in outcome.gates if result.blocks]
        return bool(refusing) and not any(reads_certified(r.gate) for r in refusing)

    def refused_lines(self, outcome) -> list[str]:
        """« Inscription de Léa impossible : … » for the refusals this citizen may see."""
        if outcome is None:
            return []
        names = self.child_names()
        disclose = self.discloses()
        return [
            line
            for result in outcome.gates
            if disclose or not reads_certified(result.gate)
            for line in result.child_lines(names)
        ]

    def mark_refused_items(self, sections, outcome) -> None:
        """Each refused child's item in the recap says so, with the gate's message."""
        group = self.page.children_group_name()
        if outcome is None or not group:
            return
        names = self.child_names()
        shown = {}
        for result in outcome.gates:
            if self.discloses() or not reads_certified(result.gate):
                for position, line in zip(
                    result.refused_positions, result.child_lines(names), strict=True
                ):
                    shown.setdefault(position, []).append(line)
        for section in sections:
            for row in section["rows"]:
                if row.get("name") != group:
                    continue
                for position, item in enumerate(row.get("group_items") or ()):
                    item["refused"] = shown.get(position, [])
