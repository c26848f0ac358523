"""« Inscription à l'accueil de loisirs — été 2027 »: four steps, the CAF/MSA quotient, the
children with their weeks and a PAI document per child whose PAI is « Oui », a gate « pour
chaque enfant » on 3–11 years at the reference date (a child outside is refused by name, the
others go on), a price per day at 0,6 % of the quotient (3 € to 18 €), 10 % off from the
second child. The tests' leisure-centre démarche (``tests/demarches/leisure_centre.py``) is
this model."""

from __future__ import annotations

import datetime as dt

from .common import responsable_legal
from .raw import certified, condition, effort_grid, field, gate, group, information, rules, step

TITLE = "Inscription à l'accueil de loisirs — été 2027"
#: Children's ages are read on that day (the school year's), as many communes do.
REFERENCE_DATE = dt.date(2027, 9, 1)
AGE_MESSAGE = "l'accueil de loisirs accueille les enfants de 3 à 11 ans au 1er septembre 2027"
WEEKS = [
    "Semaine du 5 juillet",
    "Semaine du 12 juillet",
    "Semaine du 19 juillet",
    "Semaine du 26 juillet",
]
# Inside the group, per item: the document is asked for the child whose PAI is « Oui ».
PAI = condition("enfants.pai", "equals", "Oui")


def steps() -> list[dict]:
    return [
        responsable_legal(address=False),
        step(
            "Vos données CAF ou MSA",
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
            "Enfants à inscrire",
            [
                group(
                    "Enfants à inscrire",
                    "enfants",
                    [
                        field("texte_court", "Prénom", "prenom", autocomplete="given-name"),
                        field("texte_court", "Nom", "nom"),
                        field(
                            "date",
                            "Date de naissance",
                            "date_naissance",
                            not_in_future=True,
                            help_text="L'accueil de loisirs reçoit les enfants de 3 à 11 ans "
                            "au 1er septembre 2027.",
                        ),
                        field(
                            "choix_unique",
                            "L'enfant a-t-il un projet d'accueil individualisé (PAI) ?",
                            "pai",
                            choices=["Oui", "Non"],
                            widget="radios",
                        ),
                        field(
                            "fichier",
                            "Document PAI",
                            "document_pai",
                            cond=PAI,
                            help_text="Le PAI signé par le médecin (PDF, JPEG ou PNG).",
                        ),
                        field(
                            "choix_multiples",
                            "Semaines",
                            "semaines",
                            choices=WEEKS,
                            min_choices=1,
                            help_text="Cochez au moins une semaine.",
                        ),
                    ],
                    item_label="Enfant",
                    add_label="Ajouter un enfant",
                    min_items=1,
                    max_items=4,
                ),
            ],
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
                    "J'atteste sur l'honneur l'exactitude des informations fournies et j'accepte "
                    "le règlement de l'accueil de loisirs",
                    "attestation",
                ),
            ],
        ),
    ]


def eligibility() -> list[dict]:
    return [
        gate(
            "age_3_11_ans",
            rules(
                ("demarche.age_enfant", "greater_or_equal", "3", "all"),
                ("demarche.age_enfant", "less_or_equal", "11", "all"),
            ),
            AGE_MESSAGE,
            applies_to="enfant",
        )
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
            third_percent="10",
        )
    ]


def fields() -> dict:
    return {
        "title": TITLE,
        "reference_prefix": "ALSH",
        "intro": "<p>Inscrivez vos enfants de 3 à 11 ans à l'accueil de loisirs cet été, à la "
        "semaine. Comptez 10 minutes.</p>",
        "search_description": "Accueil de loisirs de juillet pour les 3–11 ans.",
        "reference_date": REFERENCE_DATE,
        "steps": steps(),
        "eligibility": eligibility(),
        "tariffs": tariffs(),
    }
