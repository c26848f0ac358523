"""« Pass Famille 2027 »: a discount by the DGFiP quotient (revenu fiscal de référence ÷ 12 ÷
parts), for households with a dependent person."""

from __future__ import annotations

from .raw import bracket_grid, certified, condition, field, gate, group, information, step

#: The tax data the reduction and the gate read.
TAX_DATA = ("revenu_fiscal_reference", "nombre_parts", "nombre_personnes_a_charge")


def steps(tax_data=TAX_DATA) -> list[dict]:
    """``tax_data``: the DGFiP data ticked (a démarche whose rules read more ticks more)."""
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
                    list(tax_data),
                    justificatif_label="Dernier avis d'imposition sur le revenu",
                    annee=None,
                ),
            ],
            intro="<p>La réduction dépend de votre quotient : revenu fiscal de référence divisé "
            "par 12 et par le nombre de parts.</p>",
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
                    max_items=8,
                ),
            ],
        ),
        step(
            "Engagement",
            [
                information(
                    "<p>Le Pass Famille donne accès à des tarifs réduits aux activités de la "
                    "ville.</p>"
                ),
                field(
                    "case_a_cocher",
                    "J'atteste sur l'honneur l'exactitude des informations fournies",
                    "attestation",
                ),
            ],
        ),
    ]


def eligibility() -> list[dict]:
    return [
        gate(
            "foyer_avec_enfant",
            condition("dgfip.nombre_personnes_a_charge", "greater_or_equal", "1"),
            "Le Pass Famille est réservé aux foyers ayant au moins une personne à charge.",
            allow_review=True,
            review_message="Votre situation n'a pas pu être vérifiée : votre demande sera "
            "examinée par le service.",
            success_message="Éligible au Pass Famille",
        )
    ]


def tariffs() -> list[dict]:
    return [
        bracket_grid(
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


def fields() -> dict:
    return {
        "title": "Pass Famille 2027",
        "reference_prefix": "PASS",
        "intro": "<p>Le Pass Famille réduit le prix des activités de la ville selon le quotient "
        "de votre foyer.</p>",
        "search_description": "Réductions sur les activités culturelles et sportives.",
        "steps": steps(),
        "eligibility": eligibility(),
        "tariffs": tariffs(),
    }
