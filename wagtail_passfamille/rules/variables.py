"""Variables: what rules can read, and the Context holding their values for one household.

Answers are read by their frozen machine name (``regime_alimentaire``); certified data by a
dotted name (``caf.quotient_familial``). The ``caf``, ``dgfip`` and ``demarche`` prefixes are
reserved. A missing value is an :class:`~.logic.Unknown` carrying its reason.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from types import MappingProxyType

from .coerce import CENT
from .logic import Unknown, UnknownReason

RESERVED_PREFIXES = ("caf", "dgfip", "demarche")
#: Each registered child's age at the démarche's reference date (« âge de l'enfant au 1er
#: septembre 2027 »), from the birth date typed in the children's group: a list across the
#: children, one value in a per-child context.
CHILD_AGE = "demarche.age_enfant"


class VariableKind(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    #: A repeatable group: a list of dicts keyed by the group's sub-field machine names.
    GROUP = "group"


class Verification(enum.StrEnum):
    """State of a certified source for one submission (``caf.verification``…)."""

    VERIFIE = "verifie"  # data fetched and certified
    NON_TROUVE = "non_trouve"  # the source has no record
    A_VERIFIER = "a_verifier"  # deferred: an outage, to be retried or checked by an agent
    JUSTIFICATIF = "justificatif"  # the citizen uploaded a document instead
    REFUS_PARTAGE = "refus_partage"  # the citizen declined to share


@dataclass(frozen=True)
class VariableSpec:
    """One variable offered to editors: its name, type and where it comes from."""

    name: str
    kind: VariableKind
    label: str
    source: str = "reponse"  # "caf", "dgfip", "demarche", "reponse" (an answer)
    #: API scopes the value needs; a condition on it stays UNKNOWN without them.
    scopes: tuple[str, ...] = ()
    #: The value is a list (a multiple choice, the children's ages): operators apply per item.
    multiple: bool = False
    choices: tuple[str, ...] = ()
    help_text: str = ""
    #: One value per registered child (their age): a grid on it prices each child.
    per_child: bool = False

    @property
    def numeric(self) -> bool:
        return self.kind is VariableKind.NUMBER and (not self.multiple or self.per_child)

    @property
    def orderable(self) -> bool:
        return self.kind in (VariableKind.NUMBER, VariableKind.DATE)


_VERIFICATION_CHOICES = tuple(state.value for state in Verification)
_N, _T, _C = VariableKind.NUMBER, VariableKind.TEXT, VariableKind.CHOICE

CERTIFIED_VARIABLES: tuple[VariableSpec, ...] = (
    VariableSpec(
        "caf.quotient_familial", _N, "Quotient familial (CAF/MSA)", "caf",
        ("cnaf_quotient_familial",), help_text="Entier, en euros.",
    ),
    VariableSpec(
        "caf.fournisseur", _C, "Organisme du quotient familial (CAF ou MSA)", "caf",
        ("cnaf_quotient_familial",), choices=("CNAF", "MSA"),
    ),
    VariableSpec(
        "caf.nombre_enfants", _N, "Nombre d'enfants à charge (CAF/MSA)", "caf", ("cnaf_enfants",)
    ),
    VariableSpec(
        "caf.ages_enfants", _N, "Âges des enfants à charge à la date de référence", "caf",
        ("cnaf_enfants",), multiple=True,
        help_text="Une condition est vraie si elle l'est pour au moins un enfant.",
    ),
    VariableSpec(
        "caf.commune", _T, "Commune de l'adresse CAF/MSA (code INSEE)", "caf", ("cnaf_adresse",),
        help_text="Demande le périmètre « cnaf_adresse », souvent absent des habilitations.",
    ),
    VariableSpec(
        "caf.verification", _C, "Vérification CAF/MSA", "caf", choices=_VERIFICATION_CHOICES
    ),
    VariableSpec(
        "dgfip.revenu_fiscal_reference", _N, "Revenu fiscal de référence", "dgfip", ("dgfip_rfr",)
    ),
    VariableSpec(
        "dgfip.nombre_parts", _N, "Nombre de parts fiscales", "dgfip", ("dgfip_nbpart",)
    ),
    VariableSpec(
        "dgfip.nombre_personnes_a_charge", _N, "Nombre de personnes à charge (impôts)", "dgfip",
        ("dgfip_pac_nbPac",),
    ),
    VariableSpec(
        "dgfip.commune", _T, "Commune de l'adresse fiscale (code INSEE)", "dgfip", ("dgfip_aft",)
    ),
    VariableSpec(
        "dgfip.quotient_annuel", _N, "Quotient annuel (revenu fiscal de référence ÷ parts)",
        "dgfip", ("dgfip_rfr", "dgfip_nbpart"), help_text="En euros, arrondi au centime.",
    ),
    VariableSpec(
        "dgfip.quotient_mensuel", _N, "Quotient mensuel (revenu fiscal de référence ÷ 12 ÷ parts)",
        "dgfip", ("dgfip_rfr", "dgfip_nbpart"), help_text="En euros, arrondi au centime.",
    ),
    VariableSpec(
        "dgfip.verification", _C, "Vérification fiscale (DGFiP)", "dgfip",
        choices=_VERIFICATION_CHOICES,
    ),
    VariableSpec(
        "demarche.nombre_enfants_inscrits", _N, "Nombre d'enfants inscrits dans cette démarche",
        "demarche",
    ),
    VariableSpec(
        CHILD_AGE, _N, "Âge de l'enfant inscrit à la date de référence", "demarche",
        multiple=True, per_child=True,
        help_text="Calculé à la date de référence de la démarche, depuis la date de naissance "
        "saisie pour l'enfant.",
    ),
)  # fmt: skip

CATALOGUE: Mapping[str, VariableSpec] = MappingProxyType(
    {spec.name: spec for spec in CERTIFIED_VARIABLES}
)


def required_scopes(names: Collection[str]) -> frozenset[str]:
    """The API scopes the given variables need (for the editor's "needs cnaf_adresse" notice)."""
    specs = (CATALOGUE[name] for name in names if name in CATALOGUE)
    return frozenset(scope for spec in specs for scope in spec.scopes)


def quotient_annuel(rfr: Decimal | int, parts: Decimal | int) -> Decimal:
    """RFR ÷ parts, computed exactly then rounded once to the cent, half up."""
    return _divide(Decimal(rfr), Decimal(parts))


def quotient_mensuel(rfr: Decimal | int, parts: Decimal | int) -> Decimal:
    """RFR ÷ 12 ÷ parts, computed as RFR ÷ (12 × parts) then rounded once to the cent, half up.

    Rounding once avoids the double rounding of quantising the annual quotient first.
    """
    return _divide(Decimal(rfr), 12 * Decimal(parts))


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    if denominator <= 0:
        raise ValueError("the number of parts must be positive")
    # 50 digits is far beyond any RFR, so the only rounding is the final one to the cent.
    with localcontext() as context:
        context.prec = 50
        return (numerator / denominator).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RegisteredChild:
    """A child registered in this démarche (an item of the children's repeatable group)."""

    position: int  # index in the group, as entered (0-based)
    birth_date: dt.date | None = None


#: Immutable values most answers are: returned as they are without the ABC checks below.
_IMMUTABLE = frozenset({str, int, bool, float, Decimal, dt.date, dt.datetime, type(None), Unknown})


def _freeze(value: object) -> object:
    # Contexts are shared between rule evaluations; nested answers must not be mutable.
    if type(value) in _IMMUTABLE:
        return value
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted((_freeze(item) for item in value), key=str))
    return value


def is_blank(value: object) -> bool:
    """An answer that was left empty: None, "", whitespace, an empty list or mapping."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset | Mapping):
        return len(value) == 0
    return False


@dataclass(frozen=True)
class Context:
    """The values rules read for one household, each a value or an :class:`Unknown`.

    Names absent from ``values`` read as ``Unknown(not_requested)`` for reserved prefixes and
    ``Unknown(unanswered)`` otherwise. ``group.sub_field`` reads the list of that sub-field's
    non-blank values across the items of repeatable group ``group``.
    """

    values: Mapping[str, object] = field(default_factory=dict)
    reference_date: dt.date | None = None
    children: tuple[RegisteredChild, ...] = ()
    #: Where each value came from ("reponse", "caf:verifie", "dgfip:refus_partage"…): stored
    #: with outcomes instead of the value itself.
    provenances: Mapping[str, str] = field(default_factory=dict)
    #: The repeatable group of the registered children: its sub-fields are each child's data.
    children_group: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "values", MappingProxyType({k: _freeze(v) for k, v in self.values.items()})
        )
        object.__setattr__(self, "provenances", MappingProxyType(dict(self.provenances)))
        object.__setattr__(self, "children", tuple(self.children))

    def get(self, name: str) -> object:
        if name in self.values:
            return self.values[name]
        prefix, dot, rest = name.partition(".")
        if prefix in RESERVED_PREFIXES:
            return Unknown(UnknownReason.NOT_REQUESTED)
        if dot and prefix in self.values:
            return _group_values(self.values[prefix], rest)
        return Unknown(UnknownReason.UNANSWERED)

    def items(self, name: str) -> object:
        """A list variable item by item, blank items included as unknown (what « chaque
        enfant » reads: a child left blank is no pass); other variables as :meth:`get`."""
        prefix, dot, rest = name.partition(".")
        group = self.values.get(prefix) if dot and name not in self.values else None
        if isinstance(group, tuple):
            if not group:
                return Unknown(UnknownReason.UNANSWERED)
            return tuple(
                Unknown(UnknownReason.UNANSWERED) if is_blank(value) else value
                for value in (
                    item.get(rest) if isinstance(item, Mapping) else None for item in group
                )
            )
        return self.get(name)

    def is_child_datum(self, name: str) -> bool:
        """A variable with one value per registered child (their age, a sub-field of their
        group)."""
        group = self.children_group
        return name == CHILD_AGE or bool(group and name.partition(".")[0] == group and "." in name)

    def for_child(self, position: int) -> Context:
        """The context of one registered child: their group item and age only."""
        values = dict(self.values)
        # The group's items, the ages and the children are aligned (and filtered together by
        # without_children): the child's index among the children is theirs in the others.
        index = next((n for n, c in enumerate(self.children) if c.position == position), -1)
        group = self.children_group
        items = values.get(group) if group else None
        if isinstance(items, tuple):
            values[group] = tuple(item for n, item in enumerate(items) if n == index)
        ages = values.get(CHILD_AGE)
        if isinstance(ages, tuple):
            values[CHILD_AGE] = tuple(age for n, age in enumerate(ages) if n == index)
        children = tuple(child for child in self.children if child.position == position)
        return Context(values, self.reference_date, children, self.provenances, group)

    def without_children(self, positions: Collection[int]) -> Context:
        """The context once the children at ``positions`` are refused: they are not registered,
        so they neither count nor get a rank among the others."""
        if not positions:
            return self
        values = dict(self.values)
        group = self.children_group
        items = values.get(group) if group else None
        if isinstance(items, tuple):
            values[group] = tuple(i for n, i in enumerate(items) if n not in positions)
        ages = values.get(CHILD_AGE)
        if isinstance(ages, tuple):
            values[CHILD_AGE] = tuple(a for n, a in enumerate(ages) if n not in positions)
        children = tuple(child for child in self.children if child.position not in positions)
        if "demarche.nombre_enfants_inscrits" in values:
            values["demarche.nombre_enfants_inscrits"] = len(children)
        return Context(values, self.reference_date, children, self.provenances, group)

    def provenance(self, name: str) -> str:
        if name in self.provenances:
            return self.provenances[name]
        prefix = name.partition(".")[0]
        return prefix if prefix in RESERVED_PREFIXES else "reponse"

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and not isinstance(self.get(name), Unknown)


def _group_values(group: object, sub_field: str) -> object:
    if isinstance(group, Unknown):
        return group
    if not isinstance(group, tuple):
        return Unknown(UnknownReason.INVALID)
    collected: list[object] = []
    for item in group:
        value = item.get(sub_field) if isinstance(item, Mapping) else None
        if is_blank(value):
            continue
        # A multiple choice inside a group contributes each of its options.
        collected.extend(value if isinstance(value, tuple) else (value,))
    return tuple(collected) if collected else Unknown(UnknownReason.UNANSWERED)


Facts = Context  # the name some callers expect
