"""« Inscription à la restauration scolaire 2027-2028 »: the children and their school, the
CAF/MSA quotient, the days; a meal price in six brackets, 10 % off the 2nd child, 20 % after.

Its pieces are functions so that the demo's canteen (``site/demo/seed/cantine.py``) is this
model with the demo's own schools, fields and school year added."""

from __future__ import annotations

import datetime as dt

from .common import responsable_legal
from .raw import bracket_grid, certified, field, group, information, step

ECOLES = ["École 1 (à renommer)", "École 2 (à renommer)"]
CLASSES = ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"]
JOURS = ["Lundi", "Mardi", "Jeudi", "Vendredi"]


def children(schools=ECOLES, more_fields=()) -> dict:
    """The step of the children to register: a group, per child its school and class."""
    return step(
        "Enfants à inscrire",
        [
            group(
                "Enfants à inscrire",
                "enfants",
                [
                    field("texte_court", "Prénom", "prenom"),
                    field("texte_court", "Nom", "nom"),
                    field("date", "Date de naissance", "date_naissance", not_in_future=True),
                    field("choix_unique", "École", "ecole", choices=schools, widget="select"),
                    field(
                        "choix_unique",
                        "Classe à la rentrée",
                        "classe",
                        choices=CLASSES,
                        widget="select",
                    ),
                    *more_fields,
                ],
                item_label="Enfant",
                add_label="Ajouter un enfant",
            ),
        ],
    )


def quotient_familial() -> dict:
    return step(
        "Quotient familial",
        [
            certified(
                "donnees_caf",
                "Votre quotient familial",
                ["quotient_familial", "enfants"],
                justificatif_label="Attestation de quotient familial de moins de 3 mois",
            ),
        ],
        intro="<p>Le prix du repas dépend de votre quotient familial.</p>",
    )


def days() -> dict:
    return field(
        "choix_multiples",
        "Jours de restauration",
        "jours",
        choices=JOURS,
        help_text="Cochez les jours où vos enfants déjeunent à la cantine.",
    )


def rules_information() -> dict:
    return information("<p>Le règlement de la restauration scolaire est disponible en mairie.</p>")


def attestation() -> dict:
    return field(
        "case_a_cocher",
        "J'atteste sur l'honneur l'exactitude des informations fournies et j'accepte "
        "le règlement de la restauration scolaire",
        "attestation",
    )


def steps() -> list[dict]:
    return [
        responsable_legal(),
        children(),
        quotient_familial(),
        step("Fréquentation et engagement", [days(), rules_information(), attestation()]),
    ]


def tariffs(valid_from="2027-09-01", valid_until="2028-07-31") -> list[dict]:
    """The meal price by quotient familial: six brackets, the highest one when the QF is unknown
    (not found, documents to check, outage), 10 % off the 2nd child, 20 % off the next ones;
    valid for one school year."""
    return [
        bracket_grid(
            "repas",
            "Tarif",
            "caf.quotient_familial",
            [
                ("Tranche A", None, "400", "0.85"),
                ("Tranche B", "400", "700", "1.60"),
                ("Tranche C", "700", "1000", "2.35"),
                ("Tranche D", "1000", "1400", "3.10"),
                ("Tranche E", "1400", "2000", "3.85"),
                ("Tranche F", "2000", None, "4.60"),
            ],
            unit="par repas",
            default_bracket="Tranche F",
            second_percent="10",
            third_percent="20",
            valid_from=valid_from,
            valid_until=valid_until,
        )
    ]


def fields() -> dict:
    return {
        "title": "Inscription à la restauration scolaire 2027-2028",
        "reference_prefix": "CANT",
        "intro": "<p>Inscrivez vos enfants à la cantine pour l'année scolaire 2027-2028.</p>",
        "search_description": "Cantine des écoles maternelles et élémentaires.",
        "reference_date": dt.date(2027, 9, 1),
        "steps": steps(),
        "tariffs": tariffs(),
    }
