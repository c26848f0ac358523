"""Wagtail's page copy of a démarche, through the admin: a fresh reference prefix (each
démarche has its own) and the agents to notify asked again; the copy is a draft."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from wagtail_passfamille.editor.copy_views import CopyView
from wagtail_passfamille.models import DemarchePage

# The démarche's own copy form extends Wagtail 7.4+'s class-based copy view.
needs_copy_view = pytest.mark.skipif(CopyView is None, reason="Wagtail 7.3 has no CopyView")

COPY_URL = "/admin/pages/{}/copy/"


@pytest.fixture
def agents(db):
    User = get_user_model()
    return (
        User.objects.create_user("agent1", first_name="Alice", last_name="Agent"),
        User.objects.create_user("agent2", first_name="Bruno", last_name="Service"),
    )


def copy_data(cantine, **extra):
    return {
        "new_title": "Restauration scolaire — copie",
        "new_slug": "restauration-scolaire-copie",
        "new_parent_page": str(cantine.get_parent().pk),
        **extra,
    }


@needs_copy_view
def test_the_copy_form_proposes_a_free_prefix_and_asks_for_agents(
    superuser_client, cantine, agents
):
    cantine.notified_agents.set([agents[0]])
    html = superuser_client.get(COPY_URL.format(cantine.pk)).content.decode()
    assert 'name="reference_prefix"' in html and 'value="CANTB"' in html
    assert 'name="notified_agents"' in html and "Bruno Service" in html
    assert 'name="alias"' not in html and 'name="publish_copies"' not in html


@needs_copy_view
def test_copy_through_the_admin_gets_the_new_prefix_and_the_chosen_agents(
    superuser_client, cantine, agents
):
    cantine.notified_agents.set([agents[0]])
    response = superuser_client.post(
        COPY_URL.format(cantine.pk),
        copy_data(cantine, reference_prefix="CANTX", notified_agents=[str(agents[1].pk)]),
    )
    copy = DemarchePage.objects.get(slug="restauration-scolaire-copie")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{copy.pk}/edit/"
    assert copy.reference_prefix == "CANTX"
    assert copy.get_latest_revision_as_object().reference_prefix == "CANTX"
    assert list(copy.notified_agents.all()) == [agents[1]]
    assert not copy.live  # a draft, to review before publishing
    assert [s.block_type for s in copy.steps] == [s.block_type for s in cantine.steps]
    original = DemarchePage.objects.get(pk=cantine.pk)
    assert original.reference_prefix == "CANT"
    assert list(original.notified_agents.all()) == [agents[0]]


@needs_copy_view
def test_copy_resets_the_agents_when_none_are_ticked(superuser_client, cantine, agents):
    cantine.notified_agents.set(agents)
    superuser_client.post(COPY_URL.format(cantine.pk), copy_data(cantine, reference_prefix="CANTY"))
    copy = DemarchePage.objects.get(slug="restauration-scolaire-copie")
    assert copy.notified_agents.count() == 0


@needs_copy_view
@pytest.mark.parametrize("prefix", ["CANT", "PASS", "ab", ""])
def test_a_taken_or_malformed_prefix_is_refused_with_a_message(superuser_client, cantine, prefix):
    response = superuser_client.post(
        COPY_URL.format(cantine.pk), copy_data(cantine, reference_prefix=prefix)
    )
    assert response.status_code == 200
    assert not DemarchePage.objects.filter(slug="restauration-scolaire-copie").exists()
    assert (
        'class="error-message"' in response.content.decode() or "error" in response.content.decode()
    )


@needs_copy_view
def test_a_copy_post_without_parent_is_a_form_error_not_a_500(superuser_client, cantine):
    data = copy_data(cantine, reference_prefix="CANTZ")
    del data["new_parent_page"]
    assert superuser_client.post(COPY_URL.format(cantine.pk), data).status_code == 200


def test_programmatic_copy_gets_a_free_prefix_and_no_agents(cantine, agents):
    cantine.notified_agents.set(agents)
    copy = cantine.copy(update_attrs={"slug": "copie-code", "title": "Copie"}, keep_live=False)
    assert copy.specific.notified_agents.count() == 0
    assert copy.specific.reference_prefix == "CANTB"
    assert copy.specific.get_latest_revision_as_object().reference_prefix == "CANTB"


def check_prefix(form_class, page, user, prefix):
    form = form_class(instance=page, for_user=user)
    form.cleaned_data = {"reference_prefix": prefix}
    return form.clean_reference_prefix()


def test_the_editor_refuses_a_prefix_another_demarche_has(cantine, admin_user):
    """The démarche's admin form (Wagtail's edit and create views) checks the prefix."""
    page = DemarchePage.objects.get(slug="pass-famille-2027")
    form_class = DemarchePage.get_edit_handler().get_form_class()
    with pytest.raises(ValidationError) as error:
        check_prefix(form_class, page, admin_user, "CANT")
    assert "déjà celui d'une autre démarche" in str(error.value)
    assert "CANTB" in str(error.value)  # a free one proposed
    assert check_prefix(form_class, page, admin_user, "PASS") == "PASS"  # its own prefix
    assert check_prefix(form_class, DemarchePage(), admin_user, "NEUF") == "NEUF"
