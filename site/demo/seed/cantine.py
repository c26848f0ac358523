"""The demo's school-canteen registration: the « Restauration scolaire » model
(``wagtail_passfamille.editor.starters.cantine``) as Démoville adapted it.

What the demo adds to the model, on purpose: the town's schools and this school year (the
model is next year's); a diet per child; on the days' step, a date, a number and a checkbox
that opens a text field and a whole step (the PAI one, with a file): every field type and
conditions on fields and steps, for the demo, the tests and the screenshots to walk. The
model's last step is therefore split in two around the PAI step."""

import datetime

from wagtail_passfamille.editor.starters import cantine as model
from wagtail_passfamille.editor.starters.raw import condition, field, information, step

ECOLES = ["École Jules-Ferry", "École Marie-Curie", "École des Tilleuls"]
REGIMES = ["Standard", "Sans porc", "Végétarien"]
ALLERGIE = condition("allergie", "equals", "oui")


def cantine_steps():
    regime = field("choix_unique", "Régime alimentaire", "regime", choices=REGIMES, widget="radios")
    return [
        model.responsable_legal(),
        model.children(schools=ECOLES, more_fields=[regime]),
        model.quotient_familial(),
        step(
            "Fréquentation",
            [
                model.days(),
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
                    cond=ALLERGIE,
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
            cond=ALLERGIE,
        ),
        step(
            "Engagement",
            [
                model.rules_information(),
                field("texte_long", "Remarques", "remarques", required=False, max_length=2000),
                model.attestation(),
            ],
        ),
    ]


def cantine_fields():
    """The page's fields: the model's, for the school year 2026-2027 at Démoville."""
    return {
        **model.fields(),
        "title": "Inscription à la restauration scolaire 2026-2027",
        "intro": "<p>Inscrivez vos enfants à la cantine des écoles de Démoville pour l'année "
        "scolaire 2026-2027. Comptez 10 minutes.</p>",
        "reference_date": datetime.date(2026, 9, 1),
        "steps": cantine_steps(),
        "tariffs": model.tariffs(valid_from="2026-09-01", valid_until="2027-07-31"),
    }
