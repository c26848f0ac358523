"""Official staging families the project had never seen, walked in Chromium: each gets its
certified quotient familial and the bracket it implies."""

from __future__ import annotations

import pytest

from tests.citizen.test_unseen_families import (
    BORN_IN_ITALY_DATE_UNKNOWN,
    QF_OF_MAY_2026,
    caf_block,
    serve,
)

from .test_demarche_in_chromium import Walk, step_url

pytestmark = pytest.mark.browser


def walk_family(walk, fill_identity):
    page, expect = walk.page, walk.expect
    walk.to_quotient_familial()
    fill_identity(page)
    walk.shot("identite")
    walk.press_button("Continuer", step_url("etape-4"))
    page.get_by_label("Lundi").check()
    page.locator('input[name$="date_debut_0"]').fill("3")
    page.locator('input[name$="date_debut_1"]').fill("9")
    page.locator('input[name$="date_debut_2"]').fill("2026")
    walk.press_button("Continuer", step_url("etape-6"))
    page.get_by_role("checkbox", name="J'atteste", exact=False).check()
    walk.press_button("Continuer", step_url("recapitulatif"))
    expect(page.locator("form")).to_contain_text("Informations récupérées auprès de")
    walk.press_button("Envoyer ma demande")
    expect(page.locator("h1")).to_have_text("Votre demande a bien été envoyée")


def test_unseen_staging_families_get_their_qf_and_bracket(citizen_page, demo, sandbox, screenshots):
    from wagtail_passfamille.models import Submission
    from wagtail_passfamille.models.outcomes import summary_lines

    walk = Walk(citizen_page, screenshots)
    serve(sandbox, "200-nee-en-italie-date-inconnue.yaml", BORN_IN_ITALY_DATE_UNKNOWN)
    serve(sandbox, "200-QF-150-mai-2026.yaml", QF_OF_MAY_2026)

    def rossi(page):  # born in Italy, birth date unknown
        page.get_by_label("Nom de naissance").fill("ROSSI")
        page.get_by_label("Premier prénom").fill("GIULIA")
        page.get_by_label("Féminin").check()
        page.get_by_label("Date de naissance inconnue de l'état civil").check()
        page.get_by_label("Pays de naissance").select_option("99127")

    walk_family(walk, rossi)
    first = Submission.objects.get()
    assert first.certified_record.get("caf").fields["quotient_familial"]["valeur"] == 520
    assert summary_lines(first.outcome) == ["Tarif\xa0: Tranche B — 1,60\xa0€ par repas"]

    block = caf_block(demo)
    block["mois_reference"], block["annee_fixe"], block["mois_fixe"] = "fixe", 2026, 5
    demo.save_revision().publish()

    def leroy(page):  # the démarche asks for the QF of May 2026
        walk.expect(page.locator(".pf-certified")).to_contain_text("celui de mai 2026")
        page.get_by_label("Nom de naissance").fill("LEROY")
        page.get_by_label("Premier prénom").fill("CAMILLE")
        page.get_by_label("Féminin").check()
        page.get_by_label("Jour").fill("3")
        page.get_by_label("Mois", exact=True).fill("12")
        page.get_by_label("Année").fill("1989")
        page.get_by_label("Commune de naissance").fill("Rennes 35")
        page.get_by_role("button", name="Rechercher la commune").click()
        page.get_by_role("button", name="Rennes (35)").click()  # the JSON endpoint's results

    walk_family(walk, leroy)
    second = Submission.objects.exclude(pk=first.pk).get()
    assert second.certified_record.get("caf").fields["quotient_familial"]["valeur"] == 150
    assert summary_lines(second.outcome) == ["Tarif\xa0: Tranche A — 0,85\xa0€ par repas"]
