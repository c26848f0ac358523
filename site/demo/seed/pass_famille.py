"""The demo's "Pass Famille 2027": a discount card computed from the DGFiP tax situation."""

from .blocks import certified, condition, field, gate, grid, group, information, step


def pass_famille_steps():
    return [
        step(
            "Demandeur",
            [
                field("texte_court", "Nom", "nom_demandeur", is_applicant_name=True),
                field("texte_court", "Prénom", "prenom_demandeur", autocomplete="given-name"),
                field("email", "Adresse e-mail", "email", is_contact=True),
                field("telephone", "Téléphone", "telephone", required=False),
            ],
        ),
        step(
            "Situation fiscale",
            [
                certified(
                    "donnees_dgfip",
                    "Votre situation fiscale",
                    ["revenu_fiscal_reference", "nombre_parts", "adresse_fiscale"],
                    justificatif_label="Dernier avis d'imposition sur le revenu",
                    annee=None,
                ),
            ],
            intro="<p>La réduction du Pass Famille dépend de votre quotient : revenu fiscal de "
            "référence divisé par le nombre de parts.</p>",
        ),
        step(
            "Enfants",
            [
                group(
                    "Enfants du foyer",
                    "enfants",
                    [
                        field("texte_court", "Prénom", "prenom"),
                        field("date", "Date de naissance", "date_naissance", not_in_future=True),
                    ],
                    item_label="Enfant",
                    add_label="Ajouter un enfant",
                    min_items=1,
                    max_items=8,
                ),
            ],
        ),
        step(
            "Engagement",
            [
                information(
                    "<p>Le Pass Famille donne accès à des tarifs réduits à la médiathèque, à la "
                    "piscine et aux activités sportives et culturelles de la ville.</p>"
                ),
                field(
                    "case_a_cocher",
                    "J'atteste sur l'honneur l'exactitude des informations fournies",
                    "attestation",
                ),
            ],
        ),
    ]


# The commune of Démoville, for the demo: the sandbox's tax households live at Châlons-en-
# Champagne (51108), one of them at Reims. A fictional commune has no INSEE code of its own.
DEMOVILLE_COG = "51108"


def pass_famille_gates():
    return [
        gate(
            "residence",
            condition("dgfip.commune", "equals", DEMOVILLE_COG),
            "Le Pass Famille est réservé aux familles dont l'adresse fiscale est à Démoville.",
            allow_review=True,
            review_message="Votre adresse n'a pas pu être vérifiée : votre demande sera examinée "
            "par le centre communal d'action sociale.",
            success_message="Éligible au Pass Famille",
        )
    ]


def pass_famille_tariffs():
    return [
        grid(
            "reduction",
            "Réduction sur les activités",
            "dgfip.quotient_mensuel",
            [
                ("Quotient jusqu'à 500 €", None, "500", "50"),
                ("Quotient de 500 à 800 €", "500", "800", "30"),
                ("Quotient de 800 à 1 200 €", "800", "1200", "15"),
                ("Quotient au-delà de 1 200 €", "1200", None, "0"),
            ],
            kind="reduction",
            default_bracket="Quotient au-delà de 1 200 €",
        )
    ]
