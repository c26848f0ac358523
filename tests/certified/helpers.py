from tests.demarches.helpers import Citizen, enfants

DEMANDEUR = {
    "nom_demandeur": "Sable",
    "prenom_demandeur": "Camille",
    "email": "camille.sable@example.org",
    "telephone": "",
}


def dgfip(numero):
    return {"dgfip__choix": "recuperer", "dgfip__numero_fiscal": numero}


def pass_famille_until_recap(page, numero="3999999999901", client=None):
    citizen = Citizen(page, client=client)
    citizen.start()
    citizen.post("etape-1", DEMANDEUR)
    step = citizen.post("etape-2", dgfip(numero))
    citizen.post("etape-3", enfants({"prenom": "Jade", "date_naissance": "2016-02-10"}))
    citizen.post("etape-4", {"attestation": "on"})
    return citizen, step


def certified_record_of(family="martin", source="caf", ticked=("quotient_familial", "enfants")):
    """A certified record as the product writes it: a real lookup of a sandbox family through
    the clients and the in-process sandbox, kept by ``CertifiedRecord`` (never a hand-written
    dict of what we think is stored)."""
    from wagtail_passfamille import sources
    from wagtail_passfamille.editor.preview_families import family_certified

    return family_certified(sources.get(source).preview_family(family), tuple(ticked))


def martin_submission(cantine, *children):
    """The demo canteen démarche completed by MARTIN Pierre (MSA, QF 200, two children on the
    file: Alexis 2006-04-20 and Fleur 2010-04-20) with the given registered children."""
    from tests.demarches.helpers import ENFANT_LEA, FREQUENTATION, MARTIN, RESPONSABLE
    from wagtail_passfamille.models import Submission

    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    registered = [{**ENFANT_LEA, **child} for child in children]
    citizen.post("etape-2", enfants(*registered))
    citizen.post("etape-3", MARTIN)
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    response = citizen.post("recapitulatif", {})
    assert response.status_code == 302, response.status_code
    return Submission.objects.get(instance_key=f"{cantine.pk}:{citizen.instance}")
