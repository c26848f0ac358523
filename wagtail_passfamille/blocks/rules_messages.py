"""Editors' messages for the problems ``rules`` reports, through gettext.

The pure ``rules`` package gives each problem a code, JSON-able params and a ready French
sentence; the admin shows the translated sentence of the code, falling back to that one.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from wagtail_passfamille.blocks.conditions import OPERATOR_CHOICES
from wagtail_passfamille.rules.formatting import format_number

OPERATOR_LABELS = dict(OPERATOR_CHOICES)


def _num(value) -> str:
    return format_number(None if value is None else Decimal(str(value)))


def _range(params) -> str:
    start, end = params.get("start"), params.get("end")
    if start is None and end is None:
        return _("toutes les valeurs")
    if start is None:
        return _("les valeurs inférieures à %(end)s") % {"end": _num(end)}
    if end is None:
        return _("les valeurs à partir de %(start)s") % {"start": _num(start)}
    return _("les valeurs de %(start)s à %(end)s") % {"start": _num(start), "end": _num(end)}


def _templates():
    return {
        "unknown_variable": _("La variable « %(variable)s » n'existe pas."),
        "later_variable": _(
            "« %(variable)s » est un champ de cette étape ou d'une étape suivante : une "
            "condition ne peut porter que sur un champ d'une étape précédente."
        ),
        "unknown_operator": _("Opérateur inconnu : « %(operator)s »."),
        "missing_value": _("L'opérateur « %(operator_label)s » demande une valeur."),
        "value_not_list": _("« Fait partie de » demande une liste de valeurs."),
        "value_is_list": _("L'opérateur « %(operator_label)s » demande une seule valeur."),
        "value_not_number": _("« %(value)s » n'est pas un nombre."),
        "value_not_date": _("« %(value)s » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)."),
        "value_not_boolean": _("« %(value)s » n'est ni « oui » ni « non »."),
        "value_not_orderable": _(
            "« %(value)s » n'est ni un nombre ni une date : impossible de comparer."
        ),
        "value_not_a_choice": _("« %(value)s » ne fait pas partie des choix de « %(variable)s »."),
        "operator_not_allowed": _(
            "L'opérateur « %(operator_label)s » ne s'applique pas à « %(variable)s »."
        ),
        "empty_group": _("Le groupe de conditions est vide."),
        "quantifier_not_list": _(
            "« Chaque enfant » ne s'applique qu'à une donnée de groupe répétable ou à une "
            "liste : « %(variable)s » n'a qu'une valeur. Choisissez « au moins un enfant »."
        ),
        "per_child_without_child_data": _(
            "« Pour chaque enfant » demande une condition sur une donnée de l'enfant (un champ "
            "du groupe des enfants inscrits ou son âge)."
        ),
        "scope_missing": _(
            "« %(variable)s » demande le droit « %(scope)s », absent de l'habilitation de "
            "cette démarche : la condition restera indéterminée."
        ),
        "missing_name": _("Le nom (identifiant) est obligatoire."),
        "missing_message": _("Le message affiché au demandeur est obligatoire."),
        "no_brackets": _("La grille n'a aucune tranche."),
        "empty_label": _("La tranche n° %(position)s n'a pas de libellé."),
        "duplicate_label": _("Deux tranches portent le libellé « %(label)s »."),
        "min_not_below_max": _(
            "« %(bracket)s » : le minimum (%(minimum)s) doit être inférieur au maximum "
            "(%(maximum)s)."
        ),
        "gap": _(
            "Trou entre « %(after)s » et « %(before)s » : %(range)s ne sont couvertes par aucune "
            "tranche."
        ),
        "overlap": _(
            "« %(first)s » et « %(second)s » se chevauchent : %(range)s sont dans les deux "
            "tranches."
        ),
        "uncovered_below": _(
            "Avant « %(bracket)s », %(range)s ne sont couvertes par aucune tranche."
        ),
        "uncovered_above": _(
            "Après « %(bracket)s », %(range)s ne sont couvertes par aucune tranche : laissez "
            "vide le maximum de la dernière tranche."
        ),
        "negative_price": _("« %(bracket)s » : un prix ne peut pas être négatif."),
        "invalid_percentage": _(
            "« %(bracket)s » : une réduction est un pourcentage entre 0 et 100."
        ),
        "missing_default": _(
            "Indiquez le tarif appliqué quand la donnée est inconnue (non trouvée, refusée, en "
            "attente) : en général la tranche la plus haute."
        ),
        "unknown_default": _("La tranche par défaut « %(label)s » n'existe pas."),
        "missing_rate": _("Indiquez le taux d'effort."),
        "negative_rate": _("Le taux d'effort ne peut pas être négatif."),
        "clamp_min_above_max": _(
            "Le prix minimum (%(minimum)s) dépasse le prix maximum (%(maximum)s)."
        ),
        "mode_kind_mismatch": _("Une grille de réductions se définit par tranches."),
        "child_reductions_not_allowed": _(
            "Les réductions par enfant ne s'appliquent qu'à une grille de prix."
        ),
        "invalid_child_reduction": _(
            "La réduction du %(rank)s enfant doit être un pourcentage entre 0 et 100."
        ),
        "invalid_validity": _("La date de début de validité est après la date de fin."),
        "variable_not_numeric": _(
            "« %(variable)s » n'est pas une valeur numérique : une grille ne peut pas s'y "
            "appliquer."
        ),
        "missing_unit": _("Indiquez l'unité du prix (par exemple « par repas »)."),
        "duplicate_grid": _(
            "Deux grilles « %(name)s » sont valables en même temps : leurs dates de validité se "
            "chevauchent."
        ),
    }


def problem_message(problem) -> str:
    """The problem's sentence in the active language (the rules' French one as a fallback)."""
    template = _templates().get(problem.code)
    if template is None:
        return problem.message
    params = dict(problem.params)
    operator = params.get("operator")
    params.setdefault(
        "operator_label", str(OPERATOR_LABELS.get(operator, params.get("operator_label", "")))
    )
    params["range"] = _range(params)
    if "rank" in params:
        ranks = {"2e": _("2e"), "3e": _("3e")}
        params["rank"] = ranks.get(params["rank"], params["rank"])
    for key in ("minimum", "maximum"):
        if key in params:
            params[key] = _num(params[key])
    try:
        return template % params
    except (KeyError, TypeError, ValueError):
        return problem.message
