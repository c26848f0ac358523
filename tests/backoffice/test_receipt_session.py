"""A citizen's receipt is shown for a short while; their session ends soon after it."""

from django.conf import settings as django_settings
from django.test import Client

from .conftest import submit


def test_the_receipt_expires_and_the_citizen_session_is_short(demarche_a, settings):
    settings.WAGTAIL_PASSFAMILLE_RECEIPT_LIFETIME = 15 * 60
    client = Client()
    submission = submit(demarche_a, client=client)
    ((key, entry),) = client.session["passfamille_submitted"].items()
    instance = key.split(":", 1)[1]
    url = demarche_a.url + demarche_a.reverse_subpage("confirmation", kwargs={"instance": instance})
    response = client.get(url)
    assert response.status_code == 200 and submission.reference in response.content.decode()
    # The session now lives RECEIPT_LIFETIME without activity, not the 2 weeks of the cookie.
    assert client.session.get_expiry_age() == settings.WAGTAIL_PASSFAMILLE_RECEIPT_LIFETIME
    assert client.session.get_expiry_age() < django_settings.SESSION_COOKIE_AGE

    # Later (the same cookie replayed): the receipt is gone.
    session = client.session
    entry[1] -= settings.WAGTAIL_PASSFAMILLE_RECEIPT_LIFETIME + 1
    session["passfamille_submitted"] = {key: entry}
    session.save()
    late = client.get(url, follow=True)
    assert submission.reference not in late.content.decode()
    assert "plus disponible" in late.content.decode()


def test_an_agent_trying_a_demarche_keeps_their_session(demarche_a, users, client, settings):
    client.force_login(users["agent_a"])
    submit(demarche_a, client=client)
    assert client.session.get_expiry_age() == django_settings.SESSION_COOKIE_AGE
