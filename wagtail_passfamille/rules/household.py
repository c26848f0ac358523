"""The Context of one household from plain inputs: answers, certified results, the children.

Parses each source's raw values (a QF of 0 is unknown, a commune is a COG code…) and derives
what rules read (the children's ages, the quotients). Split from :mod:`.variables`, which owns
the variable names and the Context itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from types import MappingProxyType

from .coerce import age_on, birth_date_bounds, to_date, to_decimal
from .logic import Unknown, UnknownReason
from .variables import (
    CHILD_AGE,
    RESERVED_PREFIXES,
    Context,
    RegisteredChild,
    Verification,
    is_blank,
    quotient_annuel,
    quotient_mensuel,
)


def _is_reserved(name: str) -> bool:
    prefix, dot, _ = name.partition(".")
    return bool(dot) and prefix in RESERVED_PREFIXES


# Why certified values are unknown when the source was not verified.
_REASON_BY_STATE = {
    Verification.NON_TROUVE: UnknownReason.NOT_FOUND,
    Verification.A_VERIFIER: UnknownReason.PENDING,
    Verification.JUSTIFICATIF: UnknownReason.PENDING,
    Verification.REFUS_PARTAGE: UnknownReason.REFUSED,
}

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
    values: dict[str, object] = {}
    provenances: dict[str, str] = {}
    for name, value in (answers or {}).items():
        if _is_reserved(name):
            continue  # an answer (a tampered POST…) never passes for certified data
        values[name] = Unknown(UnknownReason.UNANSWERED) if is_blank(value) else value
        provenances[name] = "reponse"

    if caf is None and dgfip is None:  # answers only: the same unknowns every time
        certified, certified_provenances = _without_results(caf_state, dgfip_state)
    else:
        certified, certified_provenances = _certified(
            _source_values("caf", _caf_input(caf), caf_state, caf_scopes, _CAF_FIELDS),
            _source_values("dgfip", dgfip, dgfip_state, dgfip_scopes, _DGFIP_FIELDS),
            caf_state,
            dgfip_state,
            reference_date,
        )
    values.update(certified)
    provenances.update(certified_provenances)

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
        one_item = (answers or {}).get(f"{children_group}.{child_birth_date_field}")
        if one_item is not None:  # the same item's sub-fields: one child's own context
            birth = to_date(one_item)
            values[CHILD_AGE] = (_age(birth, reference_date),)
        else:
            values[CHILD_AGE] = tuple(_age(c.birth_date, reference_date) for c in children)
        provenances[CHILD_AGE] = "demarche"

    for name, value in (extra or {}).items():
        if name in values and _is_reserved(name):
            raise ValueError(f"extra variables cannot replace {name!r}")
        values[name] = value
        provenances.setdefault(name, "extra")
    return Context(values, reference_date, children, provenances, children_group)


def _caf_input(caf: Mapping[str, object] | None) -> dict[str, object] | None:
    if not caf:
        return None
    caf_input = dict(caf)
    qf = caf_input.get("quotient_familial")
    if isinstance(qf, Mapping):  # the API's own object
        caf_input["quotient_familial"] = qf.get("valeur")
        caf_input.setdefault("fournisseur", qf.get("fournisseur"))
    return caf_input


def _certified(
    raw_caf: Mapping[str, object],
    raw_dgfip: Mapping[str, object],
    caf_state: Verification | None,
    dgfip_state: Verification | None,
    reference_date: dt.date,
) -> tuple[dict[str, object], dict[str, str]]:
    """The certified variables (and their provenances) from each source's raw values."""
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
    provenances: dict[str, str] = {}
    for source, state in (("caf", caf_state), ("dgfip", dgfip_state)):
        certified[f"{source}.verification"] = (
            state.value if state else Unknown(UnknownReason.NOT_REQUESTED)
        )
        for name in certified:
            if name.startswith(source + "."):
                provenances[name] = f"{source}:{state.value if state else 'non_demande'}"
        provenances[f"{source}.verification"] = source
    return certified, provenances


@functools.cache
def _without_results(
    caf_state: Verification | None, dgfip_state: Verification | None
) -> tuple[MappingProxyType, MappingProxyType]:
    """:func:`_certified` when no source gave a result: every rules context of answers only
    (a step's conditions) reads these, built once."""
    certified, provenances = _certified(
        _source_values("caf", None, caf_state, None, _CAF_FIELDS),
        _source_values("dgfip", None, dgfip_state, None, _DGFIP_FIELDS),
        caf_state,
        dgfip_state,
        dt.date.min,  # unused: without a result the children's ages are unknown
    )
    return MappingProxyType(certified), MappingProxyType(provenances)


def _age(birth: dt.date | None, on: dt.date) -> object:
    return Unknown(UnknownReason.UNANSWERED) if birth is None else age_on(birth, on)


def child_age_label(on: dt.date | None) -> str:
    """« Âge de l'enfant au 1er septembre 2027 » (the reference date), or the catalogue's
    label when the démarche has none (the day of the application)."""
    if on is None:
        return "Âge de l'enfant inscrit au jour de la demande"
    day = "1er" if on.day == 1 else str(on.day)
    return f"Âge de l'enfant au {day} {_MONTHS[on.month - 1]} {on.year}"


_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
