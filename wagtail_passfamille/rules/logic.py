"""Unknown values and three-valued (Kleene) logic.

A certified datum can be missing for many reasons (the CAF has no file, the citizen refused to
share, the lookup is deferred, the token lacks a scope). A rule on such a datum must say "I cannot
tell", never quietly answer False: False would refuse a family or pick a tariff on no evidence.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class UnknownReason(enum.StrEnum):
    """Why a variable has no value. The string values are stored in outcomes: never rename."""

    #: The source answered that it has no data (CAF "dossier allocataire absent", no tax record).
    NOT_FOUND = "not_found"
    #: The citizen chose not to share the data ("refus de partage").
    REFUSED = "refused"
    #: The data may still come: deferred verification, a justificatif an agent must check.
    PENDING = "pending"
    #: The démarche's token (DataPass habilitation) does not include the scope.
    SCOPE_NOT_GRANTED = "scope_not_granted"
    #: A form field left blank, or on a step that was skipped.
    UNANSWERED = "unanswered"
    #: The démarche does not use this source or this field.
    NOT_REQUESTED = "not_requested"
    #: The value cannot be decided, e.g. an age from a birth date with an unknown month.
    AMBIGUOUS = "ambiguous"
    #: The source gave a value we cannot use (unparseable number, zero parts…).
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Unknown:
    """The value of a variable that has none, with the reason why.

    Truth-testing an ``Unknown`` raises ``TypeError``: ``if value:`` would silently treat an
    unknown as False, which is exactly the bug this type exists to prevent.
    """

    reason: UnknownReason = UnknownReason.NOT_FOUND

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", UnknownReason(self.reason))

    def __bool__(self) -> bool:
        raise TypeError("an Unknown value has no truth value; test `is_unknown(value)` instead")

    def __repr__(self) -> str:
        return f"Unknown({self.reason.value})"


#: A generic unknown, for callers that have no better reason to give.
UNKNOWN = Unknown(UnknownReason.NOT_FOUND)


def unknown(reason: UnknownReason | str) -> Unknown:
    """Build an ``Unknown`` from a reason or its string value (``unknown("refused")``)."""
    return Unknown(UnknownReason(reason))


def is_unknown(value: object) -> bool:
    return isinstance(value, Unknown)


class Truth(enum.Enum):
    """TRUE, FALSE or UNKNOWN, combined with Kleene's strong three-valued logic.

    ``&`` (and), ``|`` (or) and ``~`` (not) follow Kleene: FALSE & UNKNOWN is FALSE, TRUE |
    UNKNOWN is TRUE, anything else involving UNKNOWN is UNKNOWN. Truth-testing raises
    ``TypeError`` so that UNKNOWN can never be read as False by accident: compare with ``is``
    or use :meth:`resolve`.
    """

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool) -> Truth:
        return cls.TRUE if value else cls.FALSE

    def __and__(self, other: Truth) -> Truth:
        if not isinstance(other, Truth):
            return NotImplemented
        if self is Truth.FALSE or other is Truth.FALSE:
            return Truth.FALSE
        if self is Truth.TRUE and other is Truth.TRUE:
            return Truth.TRUE
        return Truth.UNKNOWN

    def __or__(self, other: Truth) -> Truth:
        if not isinstance(other, Truth):
            return NotImplemented
        if self is Truth.TRUE or other is Truth.TRUE:
            return Truth.TRUE
        if self is Truth.FALSE and other is Truth.FALSE:
            return Truth.FALSE
        return Truth.UNKNOWN

    def __invert__(self) -> Truth:
        if self is Truth.TRUE:
            return Truth.FALSE
        if self is Truth.FALSE:
            return Truth.TRUE
        return Truth.UNKNOWN

    def __bool__(self) -> bool:
        raise TypeError("Truth has three values; use `is Truth.TRUE` or `.resolve(unknown=…)`")

    @property
    def is_known(self) -> bool:
        return self is not Truth.UNKNOWN

    def resolve(self, *, unknown: bool) -> bool:
        """Collapse to a bool, the caller stating what UNKNOWN means in its context.

        A display condition on answers uses ``resolve(unknown=False)`` (hide the step); a caller
        that prefers to show a step when certified data are missing passes ``unknown=True``.
        """
        if self is Truth.UNKNOWN:
            return unknown
        return self is Truth.TRUE


def all_of(truths: Iterable[Truth]) -> Truth:
    """Kleene conjunction; TRUE for an empty iterable (its identity element)."""
    result = Truth.TRUE
    for truth in truths:
        result = result & truth
        if result is Truth.FALSE:
            return result
    return result


def any_of(truths: Iterable[Truth]) -> Truth:
    """Kleene disjunction; FALSE for an empty iterable (its identity element)."""
    result = Truth.FALSE
    for truth in truths:
        result = result | truth
        if result is Truth.TRUE:
            return result
    return result
