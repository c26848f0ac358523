"""« Inscription à l'accueil de loisirs — été 2027 »: the issue's leisure-centre démarche, as the
editor's StreamField values (the raw JSON the admin form saves), in one place.

Four steps, a CAF/MSA block, a repeatable children group with a PAI document shown per child
when that child's PAI is « Oui », a gate « pour chaque enfant » on 3–11 years at the reference
date (1 September 2027), a taux d'effort of 0,6 % of the quotient familial per day between 3 €
and 18 €, 10 % off from the second child. :func:`leisure_centre_fields` gives every page field;
:func:`create_leisure_centre` adds and publishes the page under a portal.
"""

import datetime as dt
import uuid

from demo.seed.blocks import certified, field, group, step
from wagtail_passfamille.models import DemarchePage

TITLE = "Inscription à l'accueil de loisirs — été 2027"
SLUG = "accueil-de-loisirs-ete-2027"
REFERENCE_DATE = dt.date(2027, 9, 1)
AGE_MESSAGE = "l'accueil de loisirs accueille les enfants de 3 à 11 ans au 1er septembre 2027"
SEMAINES = [
    "Semaine du 5 juillet",
    "Semaine du 12 juillet",
    "Semaine du 19 juillet",
    "Semaine du 26 juillet",
]


def _id():
    return str(uuid.uuid4())


def rules(*conditions, mode="all"):
    """A ConditionBlock value; each condition (variable, operator, value, quantifier)."""
    return {
        "mode": mode,
        "rules": [
            {
                "type": "item",
                "id": _id(),
                "value": {
                    "variable": variable,
                    "operator": operator,
                    "value": value,
                    "quantifier": quantifier,
                },
            }
            for variable, operator, value, quantifier in conditions
        ],
    }


PAI_OUI = rules(("enfants.pai", "equals", "Oui", "any"))


def leisure_centre_steps():
    return [
        step(
            "Responsable légal",
            [
                field("texte_court", "Nom", "nom_demandeur", is_applicant_name=True),
                field("texte_court", "Prénom", "prenom_demandeur", autocomplete="given-name"),
                field("email", "Adresse e-mail", "email", is_contact=True),
                field("telephone", "Téléphone", "telephone"),
            ],
        ),
        step(
            "Vos données CAF ou MSA",
            [
                certified(
                    "donnees_caf",
                    "Votre quotient familial",
                    ["quotient_familial", "enfants"],
                    justificatif_label="Attestation de quotient familial de moins de 3 mois",
                    children_group="",
                    child_first_name_field="",
                    child_birth_date_field="",
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
                        field("date", "Date de naissance", "date_naissance", not_in_future=True),
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
                            cond=PAI_OUI,
                            help_text="Le PAI signé par le médecin (PDF, JPEG ou PNG).",
                        ),
                        field(
                            "choix_multiples",
                            "Semaines",
                            "semaines",
                            choices=SEMAINES,
                            min_choices=1,
                            max_choices=None,
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
            [field("case_a_cocher", "J'atteste sur l'honneur l'exactitude", "attestation")],
        ),
    ]


def leisure_centre_gates():
    return [
        {
            "type": "condition",
            "id": _id(),
            "value": {
                "name": "age_3_11_ans",
                "condition": rules(
                    ("demarche.age_enfant", "greater_or_equal", "3", "all"),
                    ("demarche.age_enfant", "less_or_equal", "11", "all"),
                ),
                "applies_to": "enfant",
                "message": AGE_MESSAGE,
                "allow_review": False,
                "review_message": "",
                "success_message": "",
            },
        }
    ]


def leisure_centre_tariffs():
    return [
        {
            "type": "grille",
            "id": _id(),
            "value": {
                "title": "Tarif",
                "name": "journee",
                "variable": "caf.quotient_familial",
                "kind": "price",
                "unit": "par jour",
                "mode": "effort_rate",
                "brackets": [],
                "effort": {"rate_percent": "0.6", "minimum": "3", "maximum": "18"},
                "default_bracket": "",
                "default_amount": "18",
                "child_reductions": {"second_percent": "10", "third_and_more_percent": "10"},
                "valid_from": None,
                "valid_until": None,
            },
        }
    ]


def leisure_centre_fields():
    """Every field of the DemarchePage, ready for ``DemarchePage(**fields)``."""
    return {
        "title": TITLE,
        "slug": SLUG,
        "reference_prefix": "ALSH",
        "steps": leisure_centre_steps(),
        "eligibility": leisure_centre_gates(),
        "tariffs": leisure_centre_tariffs(),
        "reference_date": REFERENCE_DATE,
        "intro": "<p>Inscrivez vos enfants de 3 à 11 ans à l'accueil de loisirs cet été.</p>",
        "search_description": "Accueil de loisirs de juillet pour les 3–11 ans.",
        "service_contact": "Service enfance de Démoville — enfance@demoville.example",
        "credential_profile": "demo",
    }


def create_leisure_centre(portal, **extra):
    page = DemarchePage(**{**leisure_centre_fields(), **extra})
    portal.add_child(instance=page)
    page.save_revision().publish()
    return DemarchePage.objects.get(pk=page.pk)
