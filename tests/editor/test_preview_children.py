"""Preview families with two to four children: the family's minors are registered in the
démarche's children group, so that reductions from the 2nd child show in the preview."""

import datetime as dt
import html
import re

import pytest

from wagtail_passfamille import sources
from wagtail_passfamille.editor import starters
from wagtail_passfamille.editor.preview_families import family_children
from wagtail_passfamille.editor.starter_views import build_page
from wagtail_passfamille.models import DemarchePage, Submission, UpstreamCall


@pytest.fixture
def loisirs(portal):
    page = build_page(starters.get("accueil-de-loisirs"), portal)
    portal.add_child(instance=page)
    page.save_revision()
    return DemarchePage.objects.get(pk=page.pk)


def recap(page, family):
    """The preview's text, tags dropped, spaces (non-breaking ones too) made plain."""
    response = page.make_preview_request(preview_mode=f"famille-{family}")
    text = re.sub(r"<[^>]+>", " ", html.unescape(response.render().content.decode()))
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def test_staging_families_with_several_children_are_offered(loisirs):
    modes = dict(loisirs.preview_modes)
    on = dt.date(2027, 7, 5)
    counts = {
        key: len(family_children(sources.get("caf").preview_family(key), on))
        for key in ("giraud", "mercier", "penderie")
    }
    assert counts == {"giraud": 2, "mercier": 3, "penderie": 4}
    assert "famille-mercier" in modes and "famille-penderie" in modes


def test_preview_registers_the_familys_children_and_shows_the_reductions(loisirs):
    page_text = recap(loisirs, "mercier")
    assert "Enfants inscrits : Pierre, Robert, Henry." in page_text
    for name in ("Pierre", "Robert", "Henry"):
        assert name in page_text
    # QF 2550 × 0,6 % = 15,30 € a day (under the 18 € cap); 10 % off the 2nd child (13,77 €).
    assert "Tarif : 15,30" in page_text and "2e enfant : 13,77" in page_text
    assert Submission.objects.count() == 0 and UpstreamCall.objects.count() == 0


def test_four_children_one_refused_by_name_the_others_reduced(loisirs):
    page_text = recap(loisirs, "penderie")
    assert "Enfants inscrits : Léo, Léa, Hugo, Bérénice." in page_text
    assert "Paul" not in page_text  # of age: not registered
    assert "Enfant 4" in page_text and "25 octobre 2024" in page_text
    # Bérénice is 2 on 1 September 2027: refused by name; the three others, 10 % off from the
    # second child.
    assert "Inscription de Bérénice impossible : l'accueil de loisirs accueille" in page_text
    assert "2e enfant : 13,77" in page_text and "3e enfant : 13,77" in page_text


def test_canteen_preview_with_giraud_two_children(cantine):
    page_text = recap(cantine, "giraud")
    assert (
        "Enfants inscrits : Sarah, Lea." in page_text
        or "Enfants inscrits : Sarah, Léa." in page_text
    )
    # Tranche D, 3,10 € a meal; 10 % off the 2nd child: 2,79 €.
    assert "3,10" in page_text and "2,79" in page_text
