"""Eligibility gates: a rule, a citizen message, and what to do when the rule fails.

TRUE → eligible. FALSE → not eligible: the démarche stops with the message, or, when the editor
allows it, the citizen may still submit "pour examen". UNKNOWN → always "pour examen": missing
data (not found, refused, pending) never refuses a family.

Results carry the gate (its rule and messages) but no variable value: messages are written by
the editor and must not quote certified data.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import Rule, evaluate, rule_from_dict, validate_rule
from .logic import Truth
from .problems import Problem
from .variables import Context, VariableSpec

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

    def evaluate(self, context: Context) -> GateResult:
        truth = evaluate(self.rule, context)
        if truth is Truth.TRUE:
            decision = Decision.ELIGIBLE
        elif truth is Truth.FALSE:
            decision = Decision.NOT_ELIGIBLE
        else:
            decision = Decision.REVIEW
        return GateResult(self, truth, decision)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rule": self.rule.to_dict(),
            "message": self.message,
            "allow_review": self.allow_review,
            "review_message": self.review_message,
            "success_message": self.success_message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Gate:
        return cls(
            name=data["name"],
            rule=rule_from_dict(data["rule"]),
            message=data.get("message", ""),
            allow_review=bool(data.get("allow_review", False)),
            review_message=data.get("review_message", ""),
            success_message=data.get("success_message", ""),
        )


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    truth: Truth
    decision: Decision

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
        return {
            "gate": self.gate.to_dict(),
            "truth": self.truth.value,
            "decision": self.decision.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GateResult:
        return cls(Gate.from_dict(data["gate"]), Truth(data["truth"]), Decision(data["decision"]))


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
) -> list[Problem]:
    """Problems in a gate; rule problems are located under ``("rule", …)``."""
    problems: list[Problem] = []
    if not gate.name.strip():
        problems.append(Problem("missing_name", {}, ("name",)))
    if not gate.message.strip():
        problems.append(Problem("missing_message", {}, ("message",)))
    found = validate_rule(gate.rule, available, granted_scopes=granted_scopes)
    problems.extend(problem.prefixed("rule") for problem in found)
    return problems
