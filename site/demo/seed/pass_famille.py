"""The demo's "Pass Famille 2027": a discount card computed from the DGFiP tax situation."""

from .blocks import certified, field, group, information, step


def pass_famille_steps():
    return [
        step(
            "Demandeur",
            [
                field("texte_court", "Nom", "nom_demandeur", is_applicant_name=True),
                field("texte_court", "Prénom", "prenom_demandeur"),
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
