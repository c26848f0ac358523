"""Structured validation problems: a code, JSON-able params, where, and a default French message.

The Django side turns ``code`` + ``params`` into translated messages and uses ``path`` to attach
each one to the right sub-block; ``message`` is a ready French sentence for everything else
(management commands, logs, tests).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .formatting import format_number


class Severity(enum.StrEnum):
    ERROR = "error"  # saving must be refused
    WARNING = "warning"  # saving is allowed; the editor should read it


PathPart = str | int


@dataclass(frozen=True)
class Problem:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    #: Where in the validated object: ("brackets", 2, "maximum"), ("conditions", 0)…
    path: tuple[PathPart, ...] = ()
    severity: Severity = Severity.ERROR
    message: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "path", tuple(self.path))
        if not self.message:
            object.__setattr__(self, "message", default_message(self.code, self.params))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def prefixed(self, *prefix: PathPart) -> Problem:
        """The same problem located inside a parent object (a grid inside a list of grids…)."""
        return Problem(self.code, self.params, (*prefix, *self.path), self.severity, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "params": dict(self.params),
            "path": list(self.path),
            "severity": self.severity.value,
            "message": self.message,
        }


def _num(value: object) -> str:
    return format_number(None if value is None else Decimal(str(value)))


def _op(params: Mapping[str, Any]) -> str:
    # Conditions pass the French label along with the code; the code alone is a fallback.
    return str(params.get("operator_label") or params.get("operator"))


def _range(params: Mapping[str, Any]) -> str:
    start, end = params.get("start"), params.get("end")
    if start is None and end is None:
        return "toutes les valeurs"
    if start is None:
        return f"les valeurs inférieures à {_num(end)}"
    if end is None:
        return f"les valeurs à partir de {_num(start)}"
    return f"les valeurs de {_num(start)} à {_num(end)}"


_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # Conditions
    "unknown_variable": lambda p: f"La variable « {p['variable']} » n'existe pas.",
    "later_variable": lambda p: (
        f"« {p['variable']} » est un champ de cette étape ou d'une étape suivante : une condition "
        "ne peut porter que sur un champ d'une étape précédente."
    ),
    "unknown_operator": lambda p: f"Opérateur inconnu : « {p['operator']} ».",
    "missing_value": lambda p: f"L'opérateur « {_op(p)} » demande une valeur.",
    "value_not_list": lambda p: "« Fait partie de » demande une liste de valeurs.",
    "value_is_list": lambda p: f"L'opérateur « {_op(p)} » demande une seule valeur.",
    "value_not_number": lambda p: f"« {p['value']} » n'est pas un nombre.",
    "value_not_date": lambda p: f"« {p['value']} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA).",
    "value_not_boolean": lambda p: f"« {p['value']} » n'est ni « oui » ni « non ».",
    "value_not_orderable": lambda p: (
        f"« {p['value']} » n'est ni un nombre ni une date : impossible de comparer."
    ),
    "value_not_a_choice": lambda p: (
        f"« {p['value']} » ne fait pas partie des choix de « {p['variable']} »."
    ),
    "operator_not_allowed": lambda p: (
        f"L'opérateur « {_op(p)} » ne s'applique pas à « {p['variable']} »."
    ),
    "empty_group": lambda p: "Le groupe de conditions est vide.",
    "quantifier_not_list": lambda p: (
        f"« Chaque enfant » ne s'applique qu'à une donnée de groupe répétable ou à une liste : "
        f"« {p['variable']} » n'a qu'une valeur. Choisissez « au moins un enfant »."
    ),
    "per_child_without_child_data": lambda p: (
        "« Pour chaque enfant » demande une condition sur une donnée de l'enfant (un champ du "
        "groupe des enfants inscrits ou son âge)."
    ),
    "scope_missing": lambda p: (
        f"« {p['variable']} » demande le droit « {p['scope']} », absent de l'habilitation "
        "de cette démarche : la condition restera indéterminée."
    ),
    # Gates
    "missing_name": lambda p: "Le nom (identifiant) est obligatoire.",
    "missing_message": lambda p: "Le message affiché au demandeur est obligatoire.",
    # Grids
    "no_brackets": lambda p: "La grille n'a aucune tranche.",
    "empty_label": lambda p: f"La tranche n° {p['position']} n'a pas de libellé.",
    "duplicate_label": lambda p: f"Deux tranches portent le libellé « {p['label']} ».",
    "min_not_below_max": lambda p: (
        f"« {p['bracket']} » : le minimum ({_num(p['minimum'])}) doit être inférieur au "
        f"maximum ({_num(p['maximum'])})."
    ),
    "gap": lambda p: (
        f"Trou entre « {p['after']} » et « {p['before']} » : {_range(p)} ne sont couvertes "
        "par aucune tranche."
    ),
    "overlap": lambda p: (
        f"« {p['first']} » et « {p['second']} » se chevauchent : {_range(p)} sont dans les "
        "deux tranches."
    ),
    "uncovered_below": lambda p: (
        f"Avant « {p['bracket']} », {_range(p)} ne sont couvertes par aucune tranche."
    ),
    "uncovered_above": lambda p: (
        f"Après « {p['bracket']} », {_range(p)} ne sont couvertes par aucune tranche : laissez "
        "vide le maximum de la dernière tranche."
    ),
    "negative_price": lambda p: f"« {p['bracket']} » : un prix ne peut pas être négatif.",
    "invalid_percentage": lambda p: (
        f"« {p['bracket']} » : une réduction est un pourcentage entre 0 et 100."
    ),
    "missing_default": lambda p: (
        "Indiquez le tarif appliqué quand la donnée est inconnue (non trouvée, refusée, en "
        "attente) : en général la tranche la plus haute."
    ),
    "unknown_default": lambda p: f"La tranche par défaut « {p['label']} » n'existe pas.",
    "missing_rate": lambda p: "Indiquez le taux d'effort.",
    "negative_rate": lambda p: "Le taux d'effort ne peut pas être négatif.",
    "clamp_min_above_max": lambda p: (
        f"Le prix minimum ({_num(p['minimum'])}) dépasse le prix maximum ({_num(p['maximum'])})."
    ),
    "mode_kind_mismatch": lambda p: "Une grille de réductions se définit par tranches.",
    "child_reductions_not_allowed": lambda p: (
        "Les réductions par enfant ne s'appliquent qu'à une grille de prix."
    ),
    "invalid_child_reduction": lambda p: (
        f"La réduction du {p['rank']} enfant doit être un pourcentage entre 0 et 100."
    ),
    "invalid_validity": lambda p: "La date de début de validité est après la date de fin.",
    "variable_not_numeric": lambda p: (
        f"« {p['variable']} » n'est pas une valeur numérique : une grille ne peut pas "
        "s'y appliquer."
    ),
    "missing_unit": lambda p: "Indiquez l'unité du prix (par exemple « par repas »).",
    "duplicate_grid": lambda p: (
        f"Deux grilles « {p['name']} » sont valables en même temps : leurs dates de validité se "
        "chevauchent."
    ),
}


def default_message(code: str, params: Mapping[str, Any]) -> str:
    render = _MESSAGES.get(code)
    if render is None:
        return code
    return render(params)


def has_errors(problems: list[Problem] | tuple[Problem, ...]) -> bool:
    return any(problem.is_error for problem in problems)
