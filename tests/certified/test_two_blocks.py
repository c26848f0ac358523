"""Both certified blocks in one step: their lookups run at the same time."""

from tests.demarches.helpers import LEFEBVRE, Citizen
from wagtail_passfamille.editor.starters.raw import certified, field, step
from wagtail_passfamille.models import DemarchePage, Submission

from .helpers import dgfip


def test_two_lookups_of_one_step_are_in_flight_together(seeded, sandbox):
    portal = DemarchePage.objects.first().get_parent()
    page = DemarchePage(
        title="Aide aux vacances",
        reference_prefix="VAC",
        credential_profile="demo",
        steps=[
            step(
                "Vos ressources",
                [
                    certified(
                        "donnees_caf",
                        "CAF",
                        ["quotient_familial"],
                        justificatif_label="Attestation",
                    ),
                    certified(
                        "donnees_dgfip",
                        "Impôts",
                        ["revenu_fiscal_reference"],
                        justificatif_label="Avis",
                        annee=2024,
                    ),
                ],
            ),
            step("Contact", [field("email", "E-mail", "email", is_contact=True)]),
        ],
    )
    portal.add_child(instance=page)
    page.save_revision().publish()
    sandbox.set_fault("latency=400")

    citizen = Citizen(page)
    citizen.start()
    response = citizen.post("etape-1", {**LEFEBVRE, **dgfip("3999999999902")})
    assert response.status_code == 302
    assert sandbox.stats.max_in_flight == 2  # not one after the other
    citizen.post("etape-2", {"email": "x@example.org"})
    citizen.post("recapitulatif", {})
    record = Submission.objects.get().certified_record
    assert record.get("caf").verification == "verifie"
    assert record.get("dgfip").fields["revenu_fiscal_reference"] == 61200
