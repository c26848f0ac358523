"""With JavaScript, « PAI = Oui » for a child shows that child's own PAI field at once, and the
field after the group; « Non » hides them again."""

from __future__ import annotations

import pytest

from tests.editor.test_group_conditions import children_step
from wagtail_passfamille.models import DemarchePage

pytestmark = pytest.mark.browser


@pytest.fixture
def pai_page(demo):
    from wagtail_passfamille.editor.starters.raw import field, step

    portal = demo.get_parent()
    page = DemarchePage(
        title="Accueil de loisirs",
        slug="loisirs-pai",
        reference_prefix="LOIS",
        steps=[children_step(), step("Contact", [field("email", "E-mail", "email")])],
    )
    portal.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_pai_fields_follow_each_childs_answer(citizen_page, pai_page, screenshots):
    from playwright.sync_api import expect

    page = citizen_page
    page.goto("/demarches/loisirs-pai/")
    page.get_by_role("button", name="Ajouter un enfant").click()
    expect(page.locator("fieldset.pf-group__item")).to_have_count(2)
    first, second = page.locator("fieldset.pf-group__item").all()
    doctor_1 = first.get_by_label("Médecin du PAI")
    doctor_2 = second.get_by_label("Médecin du PAI")
    instructions = page.get_by_label("Consignes du PAI")
    expect(doctor_1).to_be_hidden()
    expect(doctor_2).to_be_hidden()
    expect(instructions).to_be_hidden()

    second.get_by_label("Oui").check()
    expect(doctor_2).to_be_visible()
    expect(doctor_1).to_be_hidden()  # only the child with a PAI
    expect(instructions).to_be_visible()
    page.screenshot(path=str(screenshots / "pai-enfant-2.png"), full_page=True)

    second.get_by_label("Non").check()
    expect(doctor_2).to_be_hidden()
    expect(instructions).to_be_hidden()
