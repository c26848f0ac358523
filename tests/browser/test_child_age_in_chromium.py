"""With JavaScript, a sub-field shown by the child's age (on the démarche's reference date)
appears in that child's item as the birth date is typed, and only there."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.demarches.leisure_centre import rules
from tests.editor.test_per_child_rules_at_save import children
from wagtail_passfamille.models import DemarchePage

pytestmark = pytest.mark.browser


@pytest.fixture
def ages_page(demo):
    from wagtail_passfamille.editor.starters.raw import field, step

    school = field(
        "texte_court",
        "École",
        "ecole",
        cond=rules(("demarche.age_enfant", "greater_or_equal", "6", "any")),
    )
    page = DemarchePage(
        title="Études surveillées",
        slug="etudes",
        reference_prefix="ETUD",
        reference_date=dt.date(2027, 9, 1),
        steps=[step("Enfants", [children(school)]), step("Fin", [field("email", "E-mail", "e")])],
    )
    demo.get_parent().add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_field_follows_each_childs_age(citizen_page, ages_page, screenshots):
    from playwright.sync_api import expect

    page = citizen_page
    page.goto("/demarches/etudes/")
    page.get_by_role("button", name="Ajouter").click()
    items = page.locator("fieldset.pf-group__item")
    expect(items).to_have_count(2)
    schools = [items.nth(n).get_by_label("École") for n in range(2)]
    for school in schools:
        expect(school).to_be_hidden()  # no birth date yet
    for n, (day, month, year) in enumerate([("1", "9", "2021"), ("31", "8", "2021")]):
        for part, value in enumerate((day, month, year)):
            items.nth(n).locator(f'[name$="-enfants-{n}-date_naissance_{part}"]').fill(value)
    # On 1 September 2027: the first turns 6 that day, the second is 6 since the day before.
    expect(schools[1]).to_be_visible()
    expect(schools[0]).to_be_visible()
    items.nth(0).locator('[name$="-enfants-0-date_naissance_2"]').fill("2022")
    expect(schools[0]).to_be_hidden()  # 5
    expect(schools[1]).to_be_visible()
    page.screenshot(path=str(screenshots / "ecole-selon-age.png"), full_page=True)
