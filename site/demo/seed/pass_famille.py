"""The demo's « Pass Famille 2027 »: the « Pass Famille » model
(``wagtail_passfamille.editor.starters.pass_famille``) as Démoville adapted it.

What the demo adds to the model, on purpose: a residence gate on the fiscal address (so the
fiscal address is ticked too), reviewed by the CCAS when it cannot be verified, and its own
introduction."""

from wagtail_passfamille.editor.starters import pass_famille as model
from wagtail_passfamille.editor.starters.raw import condition, gate

# The commune of Démoville, for the demo: the sandbox's tax households live at Châlons-en-
# Champagne (51108), one of them at Reims. A fictional commune has no INSEE code of its own.
DEMOVILLE_COG = "51108"


def residence_gate():
    return gate(
        "residence",
        condition("dgfip.commune", "equals", DEMOVILLE_COG),
        "Le Pass Famille est réservé aux familles dont l'adresse fiscale est à Démoville.",
        allow_review=True,
        review_message="Votre adresse n'a pas pu être vérifiée : votre demande sera examinée "
        "par le centre communal d'action sociale.",
        success_message="Éligible au Pass Famille",
    )


def pass_famille_fields():
    """The page's fields: the model's, with Démoville's residence gate."""
    return {
        **model.fields(),
        "intro": "<p>Le Pass Famille 2027 réduit le prix des activités de la ville pour les "
        "familles de Démoville, selon leur quotient.</p>",
        "steps": model.steps(tax_data=(*model.TAX_DATA, "adresse_fiscale")),
        "eligibility": [*model.eligibility(), residence_gate()],
    }
