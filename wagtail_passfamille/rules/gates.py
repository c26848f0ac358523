"""Eligibility gates: a rule, a citizen message, and what to do when the rule fails.

TRUE → eligible. FALSE → not eligible: the démarche stops with the message, or, when the editor
allows it, the citizen may still submit "pour examen". UNKNOWN → always "pour examen": missing
data (not found, refused, pending) never refuses a family.

A gate « pour chaque enfant » (``per_child``) is evaluated once per registered child, on that
child's own data (their group item, their age): a child for whom it is FALSE is refused alone,
by name (:meth:`GateResult.child_lines`), and the others go on; the démarche stops only when
every child is refused. Without registered children it reads the household as any gate.

Results carry the gate (its rule and messages) but no variable value: messages are written by
the editor and must not quote certified data; refused children are kept by position only (their
first names are answers, shown from the answers).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import Rule, evaluate, rule_from_dict, validate_rule
from .formatting import NBSP
from .logic import Truth, all_of, any_of
from .problems import Problem
from .variables import CHILD_AGE, Context, VariableSpec

DEFAULT_REVIEW_MESSAGE = (
    "Certaines informations n'ont pas pu être vérifiées : votre demande sera examinée par le "
    "service."
)


class Decision(enum.StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    REVIEW = "review"  # "pour examen": an agent decides


@dataclass(frozen=True)
class Gate:
    """``name`` is a stable identifier stored with outcomes (e.g. the block id or a slug)."""

    name: str
    rule: Rule
    message: str  # shown when the rule is FALSE
    allow_review: bool = False  # FALSE lets the citizen submit "pour examen" instead of stopping
    review_message: str = ""  # shown when the rule is UNKNOWN; a default sentence otherwise
    success_message: str = ""  # e.g. "Éligible au Pass Famille", shown when TRUE
    per_child: bool = False  # evaluated on each registered child; refuses only that child

    def evaluate(self, context: Context) -> GateResult:
        children: tuple[ChildVerdict, ...] = ()
        if self.per_child and context.children:
            children = tuple(
                ChildVerdict(child.position, evaluate(self.rule, context.for_child(child.position)))
                for child in context.children
            )
            truths = [verdict.truth for verdict in children]
            if self.allow_review or all(t is Truth.FALSE for t in truths):
                # A child who fails goes « pour examen » with the file; or no child is left.
                truth = all_of(truths)
            else:  # the refused children are left out, the others go on
                truth = any_of(truths)
            if truth is Truth.TRUE and any(t is Truth.UNKNOWN for t in truths):
                truth = Truth.UNKNOWN  # a child to be examined: the file goes « pour examen »
        else:
            truth = evaluate(self.rule, context)
        if truth is Truth.TRUE:
            decision = Decision.ELIGIBLE
        elif truth is Truth.FALSE:
            decision = Decision.NOT_ELIGIBLE
        else:
            decision = Decision.REVIEW
        return GateResult(self, truth, decision, children)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "name": self.name,
            "rule": self.rule.to_dict(),
            "message": self.message,
            "allow_review": self.allow_review,
            "review_message": self.review_message,
            "success_message": self.success_message,
        }
        if self.per_child:
            data["per_child"] = True
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Gate:
        return cls(
            name=data["name"],
            rule=rule_from_dict(data["rule"]),
            message=data.get("message", ""),
            allow_review=bool(data.get("allow_review", False)),
            review_message=data.get("review_message", ""),
            success_message=data.get("success_message", ""),
            per_child=bool(data.get("per_child", False)),
        )


@dataclass(frozen=True)
class ChildVerdict:
    """A per-child gate's truth for one registered child (``position`` in the group)."""

    position: int
    truth: Truth


def child_refusal(name: str, message: str) -> str:
    """« Léa ne peut pas être inscrite… » would need the child's gender: the sentence names the
    child without it."""
    return f"Inscription de {name} impossible{NBSP}: {message}"


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    truth: Truth
    decision: Decision
    children: tuple[ChildVerdict, ...] = ()

    @property
    def refused_positions(self) -> tuple[int, ...]:
        """The children this gate refuses (none when it allows a review instead)."""
        if self.gate.allow_review:
            return ()
        return tuple(v.position for v in self.children if v.truth is Truth.FALSE)

    def child_lines(self, names: Mapping[int, str] | None = None) -> list[str]:
        """One line per refused child, naming them (« Enfant 2 » without a name)."""
        names = names or {}
        return [
            child_refusal(names.get(position) or f"l'enfant {position + 1}", self.gate.message)
            for position in self.refused_positions
        ]

    @property
    def blocks(self) -> bool:
        """The démarche stops here: not eligible and no review allowed."""
        return self.decision is Decision.NOT_ELIGIBLE and not self.gate.allow_review

    @property
    def for_review(self) -> bool:
        """The citizen may submit, "pour examen"."""
        return self.decision is Decision.REVIEW or (
            self.decision is Decision.NOT_ELIGIBLE and self.gate.allow_review
        )

    @property
    def message(self) -> str:
        """What the citizen reads for this gate ("" when eligible without a success message)."""
        if self.decision is Decision.ELIGIBLE:
            return self.gate.success_message
        if self.decision is Decision.NOT_ELIGIBLE:
            return self.gate.message
        return self.gate.review_message or DEFAULT_REVIEW_MESSAGE

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "gate": self.gate.to_dict(),
            "truth": self.truth.value,
            "decision": self.decision.value,
        }
        if self.children:
            data["children"] = [
                {"position": v.position, "truth": v.truth.value} for v in self.children
            ]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GateResult:
        children = tuple(
            ChildVerdict(int(item["position"]), Truth(item["truth"]))
            for item in data.get("children") or ()
        )
        return cls(
            Gate.from_dict(data["gate"]), Truth(data["truth"]), Decision(data["decision"]), children
        )


def overall_decision(results: Iterable[GateResult]) -> Decision:
    """NOT_ELIGIBLE if any gate blocks, else REVIEW if any needs review, else ELIGIBLE."""
    results = tuple(results)
    if any(result.blocks for result in results):
        return Decision.NOT_ELIGIBLE
    if any(result.for_review for result in results):
        return Decision.REVIEW
    return Decision.ELIGIBLE


def evaluate_gates(gates: Iterable[Gate], context: Context) -> tuple[GateResult, ...]:
    return tuple(gate.evaluate(context) for gate in gates)


def validate_gate(
    gate: Gate,
    available: Mapping[str, VariableSpec | None] | Collection[str] = (),
    *,
    granted_scopes: Collection[str] | None = None,
    children_group: str | None = None,
) -> list[Problem]:
    """Problems in a gate; rule problems are located under ``("rule", …)``. ``children_group``
    (the registered children's group, "" for none) lets a per-child gate be checked to read a
    child's data."""
    problems: list[Problem] = []
    if not gate.name.strip():
        problems.append(Problem("missing_name", {}, ("name",)))
    if not gate.message.strip():
        problems.append(Problem("missing_message", {}, ("message",)))
    found = validate_rule(gate.rule, available, granted_scopes=granted_scopes)
    problems.extend(problem.prefixed("rule") for problem in found)
    if gate.per_child and children_group is not None:
        reads_child = any(
            name == CHILD_AGE or (name.partition(".")[0] == children_group and "." in name)
            for name in gate.rule.variables()
        )
        if not reads_child:
            problems.append(Problem("per_child_without_child_data", {}, ("per_child",)))
    return problems
