"""« Inscription à l'accueil de loisirs — été 2027 »: four steps, the CAF/MSA quotient, the
children with their PAI, a price per day at 0,6 % of the quotient (3 € to 18 €), 10 % off the
second child."""

from __future__ import annotations

import datetime as dt

from .raw import certified, condition, effort_grid, field, group, information, step

#: The first day of the summer session: children's ages and the grid are read on that day.
REFERENCE_DATE = dt.date(2027, 7, 5)
#: 3 to 11 years old on the reference date: born from 6 July 2015 to 5 July 2024.
BORN_FROM, BORN_UNTIL = dt.date(2015, 7, 6), dt.date(2024, 7, 5)
WEEKS = [
    "Du 5 au 9 juillet",
    "Du 12 au 16 juillet (sauf le 14)",
    "Du 19 au 23 juillet",
    "Du 26 au 30 juillet",
    "Du 2 au 6 août",
    "Du 9 au 13 août",
]
PAI = condition("enfants.pai", "equals", "Oui")


def steps() -> list[dict]:
    return [
        step(
            "Responsable légal",
            [
                field("texte_court", "Nom", "nom_demandeur", is_applicant_name=True),
                field("texte_court", "Prénom", "prenom_demandeur", autocomplete="given-name"),
                field(
                    "email",
                    "Adresse e-mail",
                    "email",
                    help_text="L'accusé de réception vous sera envoyé à cette adresse.",
                    is_contact=True,
                ),
                field(
                    "telephone", "Téléphone", "telephone", help_text="Par exemple 06 12 34 56 78."
                ),
                field("adresse", "Adresse du domicile", "adresse"),
            ],
            intro="<p>La personne qui inscrit les enfants et reçoit les factures.</p>",
        ),
        step(
            "Enfants à inscrire",
            [
                group(
                    "Enfants à inscrire",
                    "enfants",
                    [
                        field("texte_court", "Prénom", "prenom"),
                        field("texte_court", "Nom", "nom"),
                        field(
                            "date",
                            "Date de naissance",
                            "date_naissance",
                            help_text="L'accueil de loisirs reçoit les enfants de 3 à 11 ans "
                            "au 5 juillet 2027.",
                            min_date=BORN_FROM.isoformat(),
                            max_date=BORN_UNTIL.isoformat(),
                        ),
                        field(
                            "choix_multiples",
                            "Semaines",
                            "semaines",
                            choices=WEEKS,
                            min_choices=1,
                            help_text="Cochez au moins une semaine.",
                        ),
                        field(
                            "choix_unique",
                            "L'enfant a un projet d'accueil individualisé (PAI)",
                            "pai",
                            choices=["Oui", "Non"],
                            widget="radios",
                        ),
                    ],
                    item_label="Enfant",
                    add_label="Ajouter un enfant",
                    min_items=1,
                    max_items=6,
                ),
                field(
                    "fichier",
                    "Projet d'accueil individualisé (PAI)",
                    "document_pai",
                    cond=PAI,
                    help_text="Le PAI signé par le médecin, pour chaque enfant qui en a un. PDF, "
                    "JPEG ou PNG, 10 Mo au maximum.",
                ),
            ],
        ),
        step(
            "Quotient familial",
            [
                certified(
                    "donnees_caf",
                    "Votre quotient familial",
                    ["quotient_familial", "enfants"],
                    justificatif_label="Attestation de quotient familial de moins de 3 mois",
                ),
            ],
            intro="<p>Le prix de la journée dépend de votre quotient familial.</p>",
        ),
        step(
            "Engagement",
            [
                information(
                    "<p>Le règlement de l'accueil de loisirs est disponible en mairie et sur le "
                    "site de la ville.</p>"
                ),
                field(
                    "case_a_cocher",
                    "J'autorise la prise de photos de mes enfants pendant les activités",
                    "photos",
                    required=False,
                ),
                field(
                    "case_a_cocher",
                    "J'atteste sur l'honneur l'exactitude des informations fournies et j'accepte "
                    "le règlement de l'accueil de loisirs",
                    "attestation",
                ),
            ],
        ),
    ]


def tariffs() -> list[dict]:
    return [
        effort_grid(
            "journee",
            "Tarif",
            "caf.quotient_familial",
            rate="0.6",
            minimum="3",
            maximum="18",
            unit="par jour",
            default_amount="18",
            second_percent="10",
            valid_from="2027-07-01",
            valid_until="2027-08-31",
        )
    ]


def fields() -> dict:
    return {
        "title": "Inscription à l'accueil de loisirs — été 2027",
        "reference_prefix": "ALSH",
        "intro": "<p>Inscrivez vos enfants de 3 à 11 ans à l'accueil de loisirs cet été, à la "
        "semaine. Comptez 10 minutes.</p>",
        "search_description": "Accueil de loisirs des 3-11 ans pendant les vacances d'été.",
        "reference_date": REFERENCE_DATE,
        "steps": steps(),
        "tariffs": tariffs(),
    }
