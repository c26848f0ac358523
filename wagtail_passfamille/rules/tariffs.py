"""Tariff grids on one numeric variable, and their computation for one household.

Two modes: brackets [minimum, maximum) each with a label and an amount, or "taux d'effort"
(price = variable × rate % clamped to [minimum, maximum]). Two kinds: the amount is a unit price
in euros, or a reduction percentage ("réduction de 30 %"). Amounts are quantised to the cent
(hundredth of a percent for reductions), half up. When the variable is unknown the editor's
default applies and the result says so. Validation lives in ``grid_validation``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from .coerce import to_cents, to_date, to_decimal
from .formatting import NBSP, format_euros, format_percent
from .logic import Unknown
from .variables import Context, RegisteredChild

HUNDRED = Decimal(100)
#: ``default_reason`` when the value is known but no bracket holds it (a grid saved invalid).
OUT_OF_RANGE = "out_of_range"


class GridMode(enum.StrEnum):
    BRACKETS = "brackets"  # "par tranches"
    EFFORT_RATE = "effort_rate"  # "taux d'effort"


class GridKind(enum.StrEnum):
    PRICE = "price"  # the amount is a unit price in euros
    REDUCTION = "reduction"  # the amount is a reduction percentage


def _decimal(value: object, what: str) -> Decimal:
    number = to_decimal(value)
    if number is None:
        raise ValueError(f"{what}: {value!r} is not a number")
    return number


def _optional_decimal(value: object, what: str) -> Decimal | None:
    return None if value is None or value == "" else _decimal(value, what)


def _dec_str(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


@dataclass(frozen=True)
class Bracket:
    """[minimum, maximum): minimum inclusive, maximum exclusive; None is an open end.

    Numbers may be given as Decimal, int or string ("2,35"); ``amount`` is quantised to the
    cent, half up.
    """

    label: str
    minimum: Decimal | None
    maximum: Decimal | None
    amount: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "minimum", _optional_decimal(self.minimum, "minimum"))
        object.__setattr__(self, "maximum", _optional_decimal(self.maximum, "maximum"))
        object.__setattr__(self, "amount", to_cents(_decimal(self.amount, "amount")))

    def contains(self, value: Decimal) -> bool:
        above_min = self.minimum is None or self.minimum <= value
        return above_min and (self.maximum is None or value < self.maximum)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "minimum": _dec_str(self.minimum),
            "maximum": _dec_str(self.maximum),
            "amount": _dec_str(self.amount),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Bracket:
        return cls(data["label"], data.get("minimum"), data.get("maximum"), data["amount"])


@dataclass(frozen=True)
class EffortRate:
    """Price = variable × ``rate_percent`` ÷ 100, clamped to [minimum, maximum] (None: no cap).

    A canteen meal at 0,30 % of the quotient familial: QF 800 → 2,40 €.
    """

    rate_percent: Decimal
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate_percent", _decimal(self.rate_percent, "rate_percent"))
        object.__setattr__(self, "minimum", to_cents(_decimal(self.minimum or 0, "minimum")))
        maximum = _optional_decimal(self.maximum, "maximum")
        object.__setattr__(self, "maximum", None if maximum is None else to_cents(maximum))

    def price(self, value: Decimal) -> Decimal:
        with localcontext() as context:
            context.prec = 50  # exact enough that the only rounding is the final one
            raw = value * self.rate_percent / HUNDRED
        raw = max(raw, self.minimum)
        if self.maximum is not None:
            raw = min(raw, self.maximum)
        return to_cents(raw)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rate_percent": _dec_str(self.rate_percent),
            "minimum": _dec_str(self.minimum),
            "maximum": _dec_str(self.maximum),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EffortRate:
        return cls(data["rate_percent"], data.get("minimum") or 0, data.get("maximum"))


@dataclass(frozen=True)
class ChildReductions:
    """Reductions by rank among the children registered in this démarche, oldest first."""

    second_percent: Decimal = Decimal(0)
    third_and_more_percent: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "second_percent", _decimal(self.second_percent, "second"))
        third = _decimal(self.third_and_more_percent, "third_and_more")
        object.__setattr__(self, "third_and_more_percent", third)

    def percent_for(self, rank: int) -> Decimal:
        if rank <= 1:
            return Decimal(0)
        return self.second_percent if rank == 2 else self.third_and_more_percent

    def to_dict(self) -> dict[str, Any]:
        return {
            "second_percent": _dec_str(self.second_percent),
            "third_and_more_percent": _dec_str(self.third_and_more_percent),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChildReductions:
        return cls(data["second_percent"], data["third_and_more_percent"])


def rank_children(children: tuple[RegisteredChild, ...]) -> list[tuple[int, RegisteredChild]]:
    """(rank, child), rank 1 = oldest. Equal birth dates keep their entry order; children
    without a birth date come after the others, in entry order. Since every child of a
    household has the same base price, the order only decides which child carries which
    reduction, never the household's total."""
    ordered = sorted(
        children,
        key=lambda child: (child.birth_date is None, child.birth_date or dt.date.min),
    )  # sorted() is stable: ties keep the order as entered
    return [(rank, child) for rank, child in enumerate(ordered, start=1)]


@dataclass(frozen=True)
class ChildPrice:
    position: int  # the child's index in the registration group, as entered
    rank: int  # 1 = oldest
    reduction_percent: Decimal
    amount: Decimal
    bracket: str | None = None  # on a datum of each child: the child's own bracket

    def to_dict(self) -> dict[str, Any]:
        data = {
            "position": self.position,
            "rank": self.rank,
            "reduction_percent": _dec_str(self.reduction_percent),
            "amount": _dec_str(self.amount),
        }
        if self.bracket is not None:
            data["bracket"] = self.bracket
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChildPrice:
        return cls(
            int(data["position"]),
            int(data["rank"]),
            Decimal(data["reduction_percent"]),
            Decimal(data["amount"]),
            data.get("bracket"),
        )


@dataclass(frozen=True)
class Grid:
    """A tariff grid. ``name`` is its stable identifier ("repas"); ``title`` starts the
    citizen's line ("Tarif", "Éligible au Pass Famille"); ``unit`` ends it ("par repas").

    ``default_bracket`` (brackets mode: a bracket label) or ``default_amount`` (taux d'effort)
    applies when the variable is unknown. ``valid_from``/``valid_until`` are inclusive; None
    is open.
    """

    name: str
    variable: str
    title: str = "Tarif"
    unit: str = ""
    kind: GridKind = GridKind.PRICE
    mode: GridMode = GridMode.BRACKETS
    brackets: tuple[Bracket, ...] = ()
    effort: EffortRate | None = None
    default_bracket: str | None = None
    default_amount: Decimal | None = None
    child_reductions: ChildReductions | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", GridKind(self.kind))
        object.__setattr__(self, "mode", GridMode(self.mode))
        object.__setattr__(self, "brackets", tuple(self.brackets))
        default = _optional_decimal(self.default_amount, "default_amount")
        object.__setattr__(self, "default_amount", None if default is None else to_cents(default))
        for name in ("valid_from", "valid_until"):
            value = getattr(self, name)
            if value is not None and to_date(value) is None:
                raise ValueError(f"{name}: {value!r} is not a date")
            object.__setattr__(self, name, None if value is None else to_date(value))

    def is_valid_on(self, day: dt.date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        return starts_ok and (self.valid_until is None or day <= self.valid_until)

    def find_bracket(self, value: Decimal) -> Bracket | None:
        return next((bracket for bracket in self.brackets if bracket.contains(value)), None)

    def bracket_named(self, label: str | None) -> Bracket | None:
        return next((bracket for bracket in self.brackets if bracket.label == label), None)

    def compute(self, context: Context) -> GridResult:
        """The tariff for this household. Never raises on missing data: the default applies.

        On a datum of each child (their age), each registered child gets the price of their own
        value, then the reduction of their rank."""
        if (
            self.kind is GridKind.PRICE
            and context.children
            and context.is_child_datum(self.variable)
        ):
            return self._compute_per_child(context)
        bracket, amount, reason = self._base(context.get(self.variable))
        children: tuple[ChildPrice, ...] = ()
        if self.kind is GridKind.PRICE and amount is not None:
            children = self._child_prices(context, lambda child: (None, amount))
        return GridResult(
            grid=self,
            provenance=context.provenance(self.variable),
            bracket=None if bracket is None else bracket.label,
            amount=amount,
            default_applied=reason is not None and amount is not None,
            default_reason=reason,
            children=children,
        )

    def _child_prices(self, context: Context, base) -> tuple[ChildPrice, ...]:
        reductions = self.child_reductions or ChildReductions()
        prices = []
        for rank, child in rank_children(context.children):
            label, amount = base(child)
            if amount is None:
                continue
            percent = reductions.percent_for(rank)
            reduced = to_cents(amount * (HUNDRED - percent) / HUNDRED)
            prices.append(ChildPrice(child.position, rank, percent, reduced, label))
        return tuple(prices)

    def _compute_per_child(self, context: Context) -> GridResult:
        reasons: list[str | None] = []

        def base(child):
            raw = context.for_child(child.position).get(self.variable)
            own = raw[0] if isinstance(raw, tuple) and len(raw) == 1 else raw
            bracket, amount, reason = self._base(own)
            reasons.append(reason if amount is not None else None)
            return (None if bracket is None else bracket.label), amount

        children = self._child_prices(context, base)
        reason = next((r for r in reasons if r is not None), None)
        return GridResult(
            grid=self,
            provenance=context.provenance(self.variable),
            bracket=None,
            amount=None,
            default_applied=reason is not None,
            default_reason=reason,
            children=children,
            per_child=True,
        )

    def _base(self, raw: object) -> tuple[Bracket | None, Decimal | None, str | None]:
        """(bracket, amount, why the default applied) for one value of the variable."""
        value = None if isinstance(raw, Unknown | tuple) else to_decimal(raw)
        reason = raw.reason.value if isinstance(raw, Unknown) else None
        if value is None:
            reason = reason or "invalid"
        bracket: Bracket | None = None
        amount: Decimal | None = None
        if value is not None and self.mode is GridMode.BRACKETS:
            bracket = self.find_bracket(value)
            if bracket is None:
                reason = OUT_OF_RANGE
            else:
                amount = bracket.amount
        elif value is not None and self.effort is not None:
            amount = self.effort.price(value)
        elif value is not None:
            reason = "invalid"  # taux d'effort without a rate: a grid saved invalid
        if reason is not None:
            if self.mode is GridMode.BRACKETS:
                bracket = self.bracket_named(self.default_bracket)
                amount = None if bracket is None else bracket.amount
            else:
                amount = self.default_amount
        return bracket, amount, reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "variable": self.variable,
            "title": self.title,
            "unit": self.unit,
            "kind": self.kind.value,
            "mode": self.mode.value,
            "brackets": [bracket.to_dict() for bracket in self.brackets],
            "effort": None if self.effort is None else self.effort.to_dict(),
            "default_bracket": self.default_bracket,
            "default_amount": _dec_str(self.default_amount),
            "child_reductions": (
                None if self.child_reductions is None else self.child_reductions.to_dict()
            ),
            "valid_from": None if self.valid_from is None else self.valid_from.isoformat(),
            "valid_until": None if self.valid_until is None else self.valid_until.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Grid:
        effort = data.get("effort")
        reductions = data.get("child_reductions")
        return cls(
            name=data["name"],
            variable=data["variable"],
            title=data.get("title", "Tarif"),
            unit=data.get("unit", ""),
            kind=data.get("kind", GridKind.PRICE),
            mode=data.get("mode", GridMode.BRACKETS),
            brackets=tuple(Bracket.from_dict(item) for item in data.get("brackets") or ()),
            effort=None if effort is None else EffortRate.from_dict(effort),
            default_bracket=data.get("default_bracket"),
            default_amount=data.get("default_amount"),
            child_reductions=None if reductions is None else ChildReductions.from_dict(reductions),
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )


def grids_valid_on(grids: tuple[Grid, ...] | list[Grid], day: dt.date) -> tuple[Grid, ...]:
    """The grids in force on ``day``, in their order; the others are skipped."""
    return tuple(grid for grid in grids if grid.is_valid_on(day))


def _ordinal(rank: int) -> str:
    return "1er" if rank == 1 else f"{rank}e"


@dataclass(frozen=True)
class GridResult:
    """One grid's outcome: a snapshot of the grid, never the variable's value."""

    grid: Grid
    provenance: str  # "caf:verifie", "dgfip:refus_partage", "reponse"…
    bracket: str | None  # the bracket's label (brackets mode)
    amount: Decimal | None  # unit price or reduction %; None if no default could apply
    default_applied: bool
    #: Why the variable could not be used: an UnknownReason value, "invalid" or "out_of_range".
    default_reason: str | None
    children: tuple[ChildPrice, ...] = ()
    #: Priced on a datum of each child (their age): each child's line carries the price.
    per_child: bool = False

    @property
    def variable(self) -> str:
        return self.grid.variable

    def _with_unit(self, amount: Decimal) -> str:
        unit = self.grid.unit.strip()
        return f"{format_euros(amount)} {unit}" if unit else format_euros(amount)

    def summary_lines(self, names: Mapping[int, str] | None = None) -> list[str]:
        """Citizen-facing French lines: "Tarif : Tranche B — 2,35 € par repas"…; per child
        "Tarif, Léa : 3 à 5 ans — 4,00 € par jour" (``names``: first names by position)."""
        title = self.grid.title.strip() or "Tarif"
        if self.per_child:
            return self._child_lines(title, names or {})
        if self.amount is None:
            return [f"{title}{NBSP}: à déterminer par le service"]
        if self.grid.kind is GridKind.REDUCTION:
            what = (
                "aucune réduction"
                if self.amount == 0
                else f"réduction de {format_percent(self.amount)}"
            )
        else:
            what = self._with_unit(self.amount)
            if self.bracket:
                what = f"{self.bracket} — {what}"
        suffix = " (tarif par défaut)" if self.default_applied else ""
        lines = [f"{title}{NBSP}: {what}{suffix}"]
        for child in sorted(self.children, key=lambda item: item.rank):
            if child.reduction_percent > 0:
                lines.append(
                    f"{_ordinal(child.rank)} enfant{NBSP}: {self._with_unit(child.amount)} "
                    f"(réduction de {format_percent(child.reduction_percent)})"
                )
        return lines

    def _child_lines(self, title: str, names: Mapping[int, str]) -> list[str]:
        if not self.children:
            return [f"{title}{NBSP}: à déterminer par le service"]
        lines = []
        for child in sorted(self.children, key=lambda item: item.rank):
            who = names.get(child.position) or f"{_ordinal(child.rank)} enfant"
            what = self._with_unit(child.amount)
            what = f"{child.bracket} — {what}" if child.bracket else what
            if child.reduction_percent > 0:
                what += f" (réduction de {format_percent(child.reduction_percent)})"
            lines.append(f"{title}, {who}{NBSP}: {what}")
        if self.default_applied:
            lines[-1] += " (tarif par défaut pour un enfant au moins)"
        return lines

    def to_dict(self) -> dict[str, Any]:
        data = self._to_dict()
        if self.per_child:
            data["per_child"] = True
        return data

    def _to_dict(self) -> dict[str, Any]:
        return {
            "grid": self.grid.to_dict(),
            "variable": self.variable,
            "provenance": self.provenance,
            "bracket": self.bracket,
            "amount": _dec_str(self.amount),
            "default_applied": self.default_applied,
            "default_reason": self.default_reason,
            "children": [child.to_dict() for child in self.children],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GridResult:
        amount = data.get("amount")
        return cls(
            grid=Grid.from_dict(data["grid"]),
            provenance=data["provenance"],
            bracket=data.get("bracket"),
            amount=None if amount is None else Decimal(amount),
            default_applied=bool(data["default_applied"]),
            default_reason=data.get("default_reason"),
            children=tuple(ChildPrice.from_dict(item) for item in data.get("children") or ()),
            per_child=bool(data.get("per_child", False)),
        )
