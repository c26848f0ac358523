"""Variables: what rules can read, and the Context holding their values for one household.

Answers are read by their frozen machine name (``regime_alimentaire``); certified data by a
dotted name (``caf.quotient_familial``). The ``caf``, ``dgfip`` and ``demarche`` prefixes are
reserved. A missing value is an :class:`~.logic.Unknown` carrying its reason.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from types import MappingProxyType

from .coerce import CENT, age_on, birth_date_bounds, to_date, to_decimal
from .logic import Unknown, UnknownReason

RESERVED_PREFIXES = ("caf", "dgfip", "demarche")


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


# Why certified values are unknown when the source was not verified.
_REASON_BY_STATE = {
    Verification.NON_TROUVE: UnknownReason.NOT_FOUND,
    Verification.A_VERIFIER: UnknownReason.PENDING,
    Verification.JUSTIFICATIF: UnknownReason.PENDING,
    Verification.REFUS_PARTAGE: UnknownReason.REFUSED,
}


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

    @property
    def numeric(self) -> bool:
        return self.kind is VariableKind.NUMBER and not self.multiple

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


def _freeze(value: object) -> object:
    # Contexts are shared between rule evaluations; nested answers must not be mutable.
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

    def provenance(self, name: str) -> str:
        if name in self.provenances:
            return self.provenances[name]
        prefix = name.partition(".")[0]
        return prefix if prefix in RESERVED_PREFIXES else "reponse"

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and not isinstance(self.get(name), Unknown)


def _is_reserved(name: str) -> bool:
    prefix, dot, _ = name.partition(".")
    return bool(dot) and prefix in RESERVED_PREFIXES


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


_COG = re.compile(r"\d{5}|2[AB]\d{3}")


def _commune(value: object) -> object:
    if not isinstance(value, str):
        return Unknown(UnknownReason.INVALID)
    code = value.strip().upper()
    return code if _COG.fullmatch(code) else Unknown(UnknownReason.INVALID)


def _non_negative_int(value: object) -> object:
    number = to_decimal(value)
    if number is None or number < 0 or number != number.to_integral_value():
        return Unknown(UnknownReason.INVALID)
    return int(number)


def _quotient_familial(value: object) -> object:
    number = _non_negative_int(value)
    # The API answers 404 for a QF of 0 (api.gouv.fr PR #1060: 0 means "unknown"); a 0 that
    # slips through must not put the family in the cheapest bracket.
    if number == 0:
        return Unknown(UnknownReason.NOT_FOUND)
    return number


def _fournisseur(value: object) -> object:
    if not isinstance(value, str):
        return Unknown(UnknownReason.INVALID)
    name = value.strip().upper()
    name = "CNAF" if name == "CAF" else name  # staging payloads say "CAF"
    return name if name in ("CNAF", "MSA") else Unknown(UnknownReason.INVALID)


def _parts(value: object) -> object:
    number = to_decimal(value)
    return number if number is not None and number > 0 else Unknown(UnknownReason.INVALID)


def child_ages(enfants: object, on: dt.date) -> tuple[object, ...]:
    """Ages at ``on`` of the CAF/MSA children, in the order the source gives them.

    A partial birth date ("2020-04-00") gives an age only when every possible day gives the same
    one; otherwise the age is ``Unknown(ambiguous)``. Children not yet born at ``on`` (CAF
    counts children from pregnancy) are left out.
    """
    if not isinstance(enfants, list | tuple):
        return ()
    ages: list[object] = []
    for enfant in enfants:
        if isinstance(enfant, Mapping):
            raw = enfant.get("date_naissance")
        else:  # a bare date, or an object with a ``date_naissance`` attribute
            raw = getattr(enfant, "date_naissance", enfant)
        bounds = birth_date_bounds(raw)
        if bounds is None:
            ages.append(Unknown(UnknownReason.AMBIGUOUS))
            continue
        earliest, latest = bounds
        youngest, oldest = age_on(latest, on), age_on(earliest, on)
        if oldest < 0:
            continue
        ages.append(youngest if youngest == oldest else Unknown(UnknownReason.AMBIGUOUS))
    return tuple(ages)


def _source_values(
    source: str,
    result: Mapping[str, object] | None,
    state: Verification | None,
    scopes: Collection[str] | None,
    fields: Mapping[str, str],
) -> dict[str, object]:
    """Raw values of one source keyed by input field, unknown ones with their reason."""
    if result is None:
        reason = UnknownReason.NOT_REQUESTED if state is None else _REASON_BY_STATE[state]
        return {key: Unknown(reason) for key in fields}
    values: dict[str, object] = {}
    for key, scope in fields.items():
        if key in result:
            value = result[key]
            values[key] = Unknown(UnknownReason.NOT_FOUND) if value is None else value
        elif scopes is not None and scope not in scopes:
            values[key] = Unknown(UnknownReason.SCOPE_NOT_GRANTED)
        else:
            values[key] = Unknown(UnknownReason.NOT_REQUESTED)
    return values


def _checked(value: object, parse: Callable[[object], object]) -> object:
    return value if isinstance(value, Unknown) else parse(value)


def _count(value: object) -> object:
    return len(value) if isinstance(value, list | tuple) else Unknown(UnknownReason.INVALID)


def _state(source: str, result: object, state: Verification | str | None) -> Verification | None:
    if state is not None:
        state = Verification(state)
    if result is not None and state is None:
        state = Verification.VERIFIE
    if (result is not None) != (state is Verification.VERIFIE):
        raise ValueError(f"a {source} result goes with verification 'verifie', and only with it")
    return state


_CAF_FIELDS = {
    "quotient_familial": "cnaf_quotient_familial",
    "fournisseur": "cnaf_quotient_familial",
    "enfants": "cnaf_enfants",
    "commune": "cnaf_adresse",
}
_DGFIP_FIELDS = {
    "revenu_fiscal_reference": "dgfip_rfr",
    "nombre_parts": "dgfip_nbpart",
    "nombre_personnes_a_charge": "dgfip_pac_nbPac",
    "commune": "dgfip_aft",
}


def build_context(
    answers: Mapping[str, object] | None = None,
    *,
    reference_date: dt.date,
    caf: Mapping[str, object] | None = None,
    dgfip: Mapping[str, object] | None = None,
    caf_verification: Verification | str | None = None,
    dgfip_verification: Verification | str | None = None,
    caf_scopes: Collection[str] | None = None,
    dgfip_scopes: Collection[str] | None = None,
    children_group: str | None = None,
    child_birth_date_field: str = "date_naissance",
    extra: Mapping[str, object] | None = None,
) -> Context:
    """Build the Context of one household from plain inputs.

    ``caf``: the ticked fields of a verified CAF/MSA result, keys ``quotient_familial`` (int, or
    the API's ``{"valeur", "fournisseur"}`` object), ``fournisseur``, ``enfants`` (list of
    ``{"date_naissance": "YYYY-MM-DD"}`` with ``00`` for unknown parts), ``commune`` (COG code
    resolved from the address). ``dgfip``: ``revenu_fiscal_reference``, ``nombre_parts``,
    ``nombre_personnes_a_charge``, ``commune``. In both, a key that is absent was not ticked
    (``not_requested``) or, when ``*_scopes`` lists the granted scopes, not granted
    (``scope_not_granted``); a None value is ``not_found``; an :class:`Unknown` is kept as is.

    A result goes with verification ``verifie`` (the default when a result is given); without a
    result every certified value is unknown for the reason the state implies.
    ``children_group`` names the repeatable group of children registered in this démarche.
    """
    caf_state = _state("caf", caf, caf_verification)
    dgfip_state = _state("dgfip", dgfip, dgfip_verification)
    caf_input = dict(caf or {})
    qf = caf_input.get("quotient_familial")
    if isinstance(qf, Mapping):  # the API's own object
        caf_input["quotient_familial"] = qf.get("valeur")
        caf_input.setdefault("fournisseur", qf.get("fournisseur"))
    raw_caf = _source_values("caf", caf_input if caf else None, caf_state, caf_scopes, _CAF_FIELDS)
    raw_dgfip = _source_values("dgfip", dgfip, dgfip_state, dgfip_scopes, _DGFIP_FIELDS)

    values: dict[str, object] = {}
    provenances: dict[str, str] = {}
    for name, value in (answers or {}).items():
        if _is_reserved(name):
            continue  # an answer (a tampered POST…) never passes for certified data
        values[name] = Unknown(UnknownReason.UNANSWERED) if is_blank(value) else value
        provenances[name] = "reponse"

    enfants = raw_caf["enfants"]
    certified = {
        "caf.quotient_familial": _checked(raw_caf["quotient_familial"], _quotient_familial),
        "caf.fournisseur": _checked(raw_caf["fournisseur"], _fournisseur),
        "caf.nombre_enfants": _checked(enfants, _count),
        "caf.ages_enfants": _checked(enfants, lambda v: child_ages(v, reference_date)),
        "caf.commune": _checked(raw_caf["commune"], _commune),
        "dgfip.revenu_fiscal_reference": _checked(
            raw_dgfip["revenu_fiscal_reference"], _non_negative_int
        ),
        "dgfip.nombre_parts": _checked(raw_dgfip["nombre_parts"], _parts),
        "dgfip.nombre_personnes_a_charge": _checked(
            raw_dgfip["nombre_personnes_a_charge"], _non_negative_int
        ),
        "dgfip.commune": _checked(raw_dgfip["commune"], _commune),
    }
    rfr, parts = certified["dgfip.revenu_fiscal_reference"], certified["dgfip.nombre_parts"]
    if isinstance(rfr, int) and isinstance(parts, Decimal):
        certified["dgfip.quotient_annuel"] = quotient_annuel(rfr, parts)
        certified["dgfip.quotient_mensuel"] = quotient_mensuel(rfr, parts)
    else:  # the quotients are unknown for the reason the income or the parts are
        missing = rfr if isinstance(rfr, Unknown) else parts
        certified["dgfip.quotient_annuel"] = certified["dgfip.quotient_mensuel"] = missing
    values.update(certified)
    for source, state in (("caf", caf_state), ("dgfip", dgfip_state)):
        values[f"{source}.verification"] = (
            state.value if state else Unknown(UnknownReason.NOT_REQUESTED)
        )
        for name in certified:
            if name.startswith(source + "."):
                provenances[name] = f"{source}:{state.value if state else 'non_demande'}"
        provenances[f"{source}.verification"] = source

    children: tuple[RegisteredChild, ...] = ()
    if children_group is not None:
        items = (answers or {}).get(children_group)
        items = items if isinstance(items, list | tuple) else []  # also None, an Unknown
        children = tuple(
            RegisteredChild(
                position,
                to_date(item.get(child_birth_date_field)) if isinstance(item, Mapping) else None,
            )
            for position, item in enumerate(items)
        )
        values["demarche.nombre_enfants_inscrits"] = len(children)
        provenances["demarche.nombre_enfants_inscrits"] = "demarche"

    for name, value in (extra or {}).items():
        if name in values and _is_reserved(name):
            raise ValueError(f"extra variables cannot replace {name!r}")
        values[name] = value
        provenances.setdefault(name, "extra")
    return Context(values, reference_date, children, provenances)
