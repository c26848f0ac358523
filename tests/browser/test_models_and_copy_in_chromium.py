"""The editor in Chromium: a démarche from the « Accueil de loisirs » model through Wagtail's
« Ajouter une sous-page », saved unchanged by the editor's own form and published; then copied
through Wagtail's copy with a fresh prefix and the agents to notify ticked."""

from __future__ import annotations

import re

import pytest

from wagtail_passfamille.editor.copy_views import CopyView
from wagtail_passfamille.models import DemarchePage, PortailFamillePage

pytestmark = pytest.mark.browser


@pytest.mark.skipif(CopyView is None, reason="Wagtail 7.3 has no CopyView")
def test_model_saved_published_then_copied(editor, screenshots):
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    page = editor
    agent = get_user_model().objects.create_user("agent", first_name="Alice", last_name="Agent")
    portal = PortailFamillePage.objects.get()

    # The portal's header offers the models (in its actions menu); so does « Ajouter une
    # sous-page », walked below.
    page.goto(f"/admin/pages/{portal.pk}/")
    page.locator("button.w-dropdown__toggle[aria-label=Actions]").last.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Nouvelle démarche depuis un modèle").click()
    assert page.url.endswith(f"/admin/passfamille/modeles/{portal.pk}/")
    page.goto(f"/admin/pages/{portal.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Ajouter une sous-page").first.click()
    assert "/admin/pages/add/wagtail_passfamille/demarchepage/" in page.url
    expect(page.get_by_role("link", name="Partir d'une démarche vierge")).to_be_visible()
    card = page.locator("li", has=page.get_by_role("heading", name="Accueil de loisirs"))
    card.get_by_role("button", name="Créer le brouillon").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(page.locator(".messages")).to_contain_text("créé depuis le modèle")
    new_id = int(re.search(r"/pages/(\d+)/edit/", page.url)[1])
    draft = DemarchePage.objects.get(pk=new_id)
    assert not draft.live and draft.reference_prefix == "ALSH"

    # The editor's own form (pickers included) accepts the model as it is.
    with page.expect_navigation():
        page.locator("form#page-edit-form").evaluate("form => form.requestSubmit()")
    expect(page.locator(".messages")).not_to_contain_text("n'a pas pu être enregistrée")
    page.screenshot(path=str(screenshots / "01-brouillon-enregistre.png"), full_page=False)
    assert DemarchePage.objects.get(pk=new_id).revisions.count() == 2
    with page.expect_navigation():
        page.evaluate("document.querySelector('button[name=action-publish]').click()")
    assert DemarchePage.objects.get(pk=new_id).live

    page.goto(f"/admin/pages/{new_id}/copy/")
    prefix = page.locator("input[name=reference_prefix]")
    expect(prefix).to_have_value("ALSHB")
    page.get_by_label("Alice Agent").check()
    page.locator("input[name=new_slug]").fill("accueil-de-loisirs-copie")
    page.screenshot(path=str(screenshots / "02-copie.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Copier la démarche").click()
    copy = DemarchePage.objects.get(slug="accueil-de-loisirs-copie")
    assert page.url.endswith(f"/admin/pages/{copy.pk}/edit/")
    assert copy.reference_prefix == "ALSHB" and not copy.live
    assert list(copy.notified_agents.all()) == [agent]
