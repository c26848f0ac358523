"""The demo's school-canteen registration: every field type and a few conditions."""

from .blocks import certified, condition, field, grid, group, information, step

ECOLES = ["École Jules-Ferry", "École Marie-Curie", "École des Tilleuls"]
CLASSES = ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"]
REGIMES = ["Standard", "Sans porc", "Végétarien"]
JOURS = ["Lundi", "Mardi", "Jeudi", "Vendredi"]


def cantine_steps():
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
            "Enfant(s) à inscrire",
            [
                group(
                    "Enfant(s) à inscrire",
                    "enfants",
                    [
                        field("texte_court", "Prénom", "prenom"),
                        field("texte_court", "Nom", "nom"),
                        field("date", "Date de naissance", "date_naissance", not_in_future=True),
                        field("choix_unique", "École", "ecole", choices=ECOLES, widget="select"),
                        field(
                            "choix_unique",
                            "Classe à la rentrée",
                            "classe",
                            choices=CLASSES,
                            widget="select",
                        ),
                        field(
                            "choix_unique",
                            "Régime alimentaire",
                            "regime",
                            choices=REGIMES,
                            widget="radios",
                        ),
                    ],
                    item_label="Enfant",
                    add_label="Ajouter un enfant",
                    min_items=1,
                    max_items=6,
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
                    children_group="enfants",
                    child_first_name_field="prenom",
                    child_birth_date_field="date_naissance",
                ),
            ],
            intro="<p>Le tarif du repas dépend de votre quotient familial.</p>",
        ),
        step(
            "Fréquentation",
            [
                field(
                    "choix_multiples",
                    "Jours de restauration",
                    "jours",
                    choices=JOURS,
                    help_text="Cochez les jours où vos enfants déjeunent à la cantine.",
                ),
                field(
                    "date",
                    "Premier jour de cantine",
                    "date_debut",
                    min_date="2026-09-01",
                    max_date="2027-07-03",
                ),
                field(
                    "nombre",
                    "Nombre d'enfants déjà inscrits dans une autre commune",
                    "autres_inscriptions",
                    required=False,
                    min_value="0",
                    max_value="10",
                    integer_only=True,
                ),
                field(
                    "case_a_cocher",
                    "Un de mes enfants a une allergie ou une intolérance alimentaire",
                    "allergie",
                    required=False,
                ),
                field(
                    "texte_long",
                    "Précisez l'allergie",
                    "precision_allergie",
                    cond=condition("allergie", "equals", "oui"),
                    help_text="Ce champ n'apparaît que si la case ci-dessus est cochée.",
                ),
            ],
        ),
        step(
            "Projet d'accueil individualisé (PAI)",
            [
                information(
                    "<p>Un PAI est établi avec le médecin scolaire pour accueillir un enfant "
                    "allergique. Joignez le certificat médical si vous l'avez déjà.</p>"
                ),
                field(
                    "fichier",
                    "Certificat médical",
                    "certificat_medical",
                    required=False,
                    help_text="PDF, JPEG ou PNG, 10 Mo au maximum.",
                ),
            ],
            cond=condition("allergie", "equals", "oui"),
        ),
        step(
            "Engagement",
            [
                information(
                    "<p>Le règlement de la restauration scolaire est disponible en mairie et sur "
                    "le site de la ville.</p>"
                ),
                field(
                    "texte_long",
                    "Remarques",
                    "remarques",
                    required=False,
                    max_length=2000,
                ),
                field(
                    "case_a_cocher",
                    "J'atteste sur l'honneur l'exactitude des informations fournies et j'accepte "
                    "le règlement de la restauration scolaire",
                    "attestation",
                ),
            ],
        ),
    ]


# The meal price by quotient familial: six brackets, the highest one when the QF is unknown
# (not found, documents to check, outage), 10 % off the 2nd child, 20 % off the next ones.
def cantine_tariffs():
    return [
        grid(
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
            valid_from="2026-09-01",
            valid_until="2027-07-31",
        )
    ]
