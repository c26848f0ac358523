"""Démarche models an editor starts from: « Nouvelle démarche depuis un modèle ».

Each model gives the fields of a new ``DemarchePage``: its steps, rules and grid, to adapt. The
page is created as a draft (a revision, never published) by ``editor.starter_views``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import accueil_loisirs, cantine, pass_famille


@dataclass(frozen=True)
class Starter:
    key: str
    label: str
    description: str
    fields: Callable[[], dict]


STARTERS: dict[str, Starter] = {
    starter.key: starter
    for starter in (
        Starter(
            "restauration-scolaire",
            _("Restauration scolaire"),
            _(
                "Les enfants et leur école, le quotient familial CAF/MSA, les jours de cantine ; "
                "un prix du repas en six tranches, −10 % pour le 2e enfant, −20 % ensuite."
            ),
            cantine.fields,
        ),
        Starter(
            "accueil-de-loisirs",
            _("Accueil de loisirs"),
            _(
                "Les enfants de 3 à 11 ans (chaque enfant hors de l'âge est refusé, nommé), "
                "leurs semaines et leur PAI (le document demandé pour chaque enfant dont le PAI "
                "est Oui), le quotient familial CAF/MSA ; un prix par jour au taux d'effort de "
                "0,6 % du quotient, de 3 € à 18 €, −10 % à partir du 2e enfant."
            ),
            accueil_loisirs.fields,
        ),
        Starter(
            "pass-famille",
            _("Pass Famille"),
            _(
                # xgettext:no-python-format (« 50 % selon » is no placeholder)
                "La situation fiscale (DGFiP), les enfants du foyer ; une réduction de 0 à 50 % "
                "selon le quotient mensuel, pour les foyers avec une personne à charge."
            ),
            pass_famille.fields,
        ),
    )
}


def get(key: str) -> Starter | None:
    return STARTERS.get(key)
