"""Saving a démarche through Wagtail's editor warns about ticked data the token cannot fetch."""

from django.contrib.messages import get_messages

from wagtail_passfamille.models import DemarchePage
from wagtail_passfamille.sandbox import QF_ONLY_TOKEN, make_token

from .admin_forms import edit_form_data

NO_ADDRESS_TOKEN = make_token(
    "sans-adresse",
    ["cnaf_quotient_familial", "cnaf_allocataires", "cnaf_enfants"],
    rate_limit=None,
)


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def tick_in_form(data, block_type, items):
    """Tick ``items`` in the posted form of the démarche's ``block_type`` block."""
    (prefix,) = [k[: -len("-type")] for k, v in data.items() if v == [block_type]]
    data[f"{prefix}-value-data"] = list(items)
    return data


def save(client, page, change=None, **headers):
    """GET the edit view, POST its form back (changed by ``change``); the messages queued."""
    data = edit_form_data(client.get(edit_url(page)).content.decode(), DemarchePage)
    if change:
        change(data)
    response = client.post(edit_url(page), data, **headers)
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def test_ticking_the_address_warns_when_the_token_lacks_it(superuser_client, cantine, set_profile):
    set_profile(TOKEN=NO_ADDRESS_TOKEN)
    response, messages = save(
        superuser_client,
        cantine,
        lambda data: tick_in_form(data, "donnees_caf", ["quotient_familial", "enfants", "adresse"]),
    )
    assert response.status_code == 302  # saved: the warning never blocks
    (warning,) = [m for m in messages if "jeton" in m]
    assert warning.startswith(
        "La démarche demande l'adresse (cnaf_adresse), que le jeton du profil « demo » n'a pas"
    )
    latest = DemarchePage.objects.get(pk=cantine.pk).get_latest_revision_as_object()
    assert "cnaf_adresse" in latest.certified_scopes()


def test_the_qf_only_token_lacks_the_children(superuser_client, cantine, set_profile):
    set_profile(TOKEN=QF_ONLY_TOKEN)
    response, messages = save(superuser_client, cantine)
    assert response.status_code == 302
    assert any("les enfants (cnaf_enfants)" in m for m in messages)


def test_several_missing_items_are_listed(superuser_client, cantine, set_profile):
    set_profile(TOKEN=QF_ONLY_TOKEN)
    _response, messages = save(
        superuser_client,
        cantine,
        lambda data: tick_in_form(data, "donnees_caf", ["quotient_familial", "enfants", "adresse"]),
    )
    assert any("les enfants (cnaf_enfants) et l'adresse (cnaf_adresse)" in m for m in messages)


def test_no_warning_when_the_token_has_every_scope(superuser_client, cantine):
    response, messages = save(superuser_client, cantine)
    assert response.status_code == 302
    assert not [m for m in messages if "jeton" in m]


def test_an_unreachable_api_warns_without_blocking(
    superuser_client, cantine, set_profile, closed_port_url
):
    set_profile(URL=closed_port_url)
    response, messages = save(superuser_client, cantine)
    assert response.status_code == 302
    assert any("n'a pas pu être vérifié" in m for m in messages)


def test_one_introspection_an_hour_whatever_the_saves(superuser_client, cantine, sandbox):
    for _ in range(3):
        assert save(superuser_client, cantine)[0].status_code == 302
    assert sandbox.stats.requests["introspect"] == 1


def test_autosave_adds_no_message(superuser_client, cantine, set_profile):
    set_profile(TOKEN=QF_ONLY_TOKEN)
    # Wagtail 8 answers autosaves in JSON; messages would show on the next page opened.
    response, messages = save(superuser_client, cantine, HTTP_ACCEPT="application/json")
    assert response.status_code in (200, 302)
    assert not [m for m in messages if "jeton" in m]
