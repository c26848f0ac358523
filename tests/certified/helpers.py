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
