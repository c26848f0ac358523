"""« Inscription à l'accueil de loisirs — été 2027 »: the issue's leisure-centre démarche, as the
editor's StreamField values (the raw JSON the admin form saves), in one place.

The package's model (« Nouvelle démarche depuis un modèle » → « Accueil de loisirs ») is the
source of truth: four steps, a CAF/MSA block, a repeatable children group with a PAI document
shown per child when that child's PAI is « Oui », a gate « pour chaque enfant » on 3–11 years at
the reference date (1 September 2027), a taux d'effort of 0,6 % of the quotient familial per day
between 3 € and 18 €, 10 % off from the second child. :func:`leisure_centre_fields` gives every
page field; :func:`create_leisure_centre` adds and publishes the page under a portal.
"""

from wagtail_passfamille.editor.starters import accueil_loisirs
from wagtail_passfamille.editor.starters.raw import rules  # noqa: F401  (tests build conditions)
from wagtail_passfamille.models import DemarchePage

TITLE = accueil_loisirs.TITLE
SLUG = "accueil-de-loisirs-ete-2027"
REFERENCE_DATE = accueil_loisirs.REFERENCE_DATE
AGE_MESSAGE = accueil_loisirs.AGE_MESSAGE
SEMAINES = accueil_loisirs.WEEKS
leisure_centre_steps = accueil_loisirs.steps
leisure_centre_gates = accueil_loisirs.eligibility
leisure_centre_tariffs = accueil_loisirs.tariffs


def leisure_centre_fields():
    """Every field of the DemarchePage, ready for ``DemarchePage(**fields)``."""
    return {
        **accueil_loisirs.fields(),
        "slug": SLUG,
        "service_contact": "Service enfance de Démoville — enfance@demoville.example",
        "credential_profile": "demo",
    }


def create_leisure_centre(portal, **extra):
    page = DemarchePage(**{**leisure_centre_fields(), **extra})
    portal.add_child(instance=page)
    page.save_revision().publish()
    return DemarchePage.objects.get(pk=page.pk)
