"""The login, callback and logout views with Django's test client against the stand-in: every
failure returns to the démarche with a French message, or a 400 page; never a 500."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.messages import get_messages
from django.urls import reverse

from wagtail_passfamille.citizen.franceconnect import session

DUPONT = "france_connect_200_cnaf_2_parents_3_mineurs"
CALLBACK = "/passfamille/franceconnect/callback/"


def _start(client, page):
    response = client.post(reverse("wagtail_passfamille:franceconnect_login", args=[page.pk]))
    assert response.status_code == 302
    return response["Location"]


def _at_franceconnect(url, account=DUPONT):
    answer = requests.get(url + "&login_hint=" + account, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    target = urlsplit(answer.headers["Location"])
    assert target.path == CALLBACK
    return target.query


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def login(client, page, account=DUPONT):
    query = _at_franceconnect(_start(client, page), account)
    return client.get(f"{CALLBACK}?{query}"), query


def test_login_wants_a_post(client, cantine):
    url = reverse("wagtail_passfamille:franceconnect_login", args=[cantine.pk])
    assert client.get(url).status_code == 405


def test_login_of_an_unknown_page_is_a_404(client, cantine):
    url = reverse("wagtail_passfamille:franceconnect_login", args=[999999])
    assert client.post(url).status_code == 404


def test_the_whole_login(client, cantine, standin):
    url = _start(client, cantine)
    assert url.startswith(standin.fc_issuer + "/authorize?")
    assert "acr_values=eidas1" in url
    response = client.get(f"{CALLBACK}?{_at_franceconnect(url)}")
    assert response.status_code == 302 and response["Location"] == cantine.url
    assert "Vous êtes identifié avec FranceConnect." in _messages(response)
    current = session.current_login(response.wsgi_request)
    assert current.claims["family_name"] == "DUPONT" and current.sub.endswith("v1")
    stored = str(dict(client.session.items()))
    assert "DUPONT" not in stored  # encrypted in the session


def test_a_forged_state_gets_a_french_400(client, cantine, standin):
    query = _at_franceconnect(_start(client, cantine))
    forged = query.replace("state=", "state=x")
    response = client.get(f"{CALLBACK}?{forged}")
    assert response.status_code == 400
    assert "a expiré ou a déjà été utilisée" in response.content.decode()


def test_a_replayed_callback_gets_a_400(client, cantine):
    response, query = login(client, cantine)
    assert response.status_code == 302
    again = client.get(f"{CALLBACK}?{query}")
    assert again.status_code == 400


def test_a_callback_from_another_browser_gets_a_400(client, cantine, django_user_model):
    from django.test import Client

    query = _at_franceconnect(_start(client, cantine))
    assert Client().get(f"{CALLBACK}?{query}").status_code == 400


def test_a_callback_without_anything(client, cantine):
    assert client.get(CALLBACK).status_code == 400


@pytest.mark.parametrize(
    ("account", "message"),
    [
        ("cancel", "Vous avez annulé la connexion avec FranceConnect."),
    ],
)
def test_cancel_returns_to_the_demarche(client, cantine, account, message):
    response, _query = login(client, cantine, account)
    assert response.status_code == 302 and response["Location"] == cantine.url
    assert any(m.startswith(message) for m in _messages(response))
    assert session.current_login(response.wsgi_request) is None


def test_a_tampered_id_token_returns_with_a_message(client, cantine, standin):
    standin.franceconnect.tamper = {"id_token": {"aud": "un-autre-service"}}
    response, _query = login(client, cantine)
    assert response.status_code == 302 and response["Location"] == cantine.url
    assert any("n'a pas pu être vérifiée" in m for m in _messages(response))
    assert session.current_login(response.wsgi_request) is None


def test_the_stand_in_down(client, cantine, fc_settings):
    fc_settings.WAGTAIL_PASSFAMILLE_CREDENTIALS["demo"]["FRANCECONNECT"]["ISSUER"] = (
        "http://127.0.0.1:9/api/v2"
    )
    response = client.post(reverse("wagtail_passfamille:franceconnect_login", args=[cantine.pk]))
    assert response.status_code == 302 and response["Location"] == cantine.url
    assert any("FranceConnect ne répond pas" in m for m in _messages(response))


def test_the_token_endpoint_failing(client, cantine, standin):
    query = _at_franceconnect(_start(client, cantine))
    standin.set_fault("status=503; endpoint=fc_token")
    response = client.get(f"{CALLBACK}?{query}")
    assert response.status_code == 302
    assert any("FranceConnect ne répond pas" in m for m in _messages(response))


def test_a_profile_without_franceconnect(client, cantine, fc_settings):
    del fc_settings.WAGTAIL_PASSFAMILLE_CREDENTIALS["demo"]["FRANCECONNECT"]
    response = client.post(reverse("wagtail_passfamille:franceconnect_login", args=[cantine.pk]))
    assert response.status_code == 302
    assert any("n'est pas proposée" in m for m in _messages(response))


def test_logout_ends_both_sessions(client, cantine, standin):
    login(client, cantine)
    response = client.post(
        reverse("wagtail_passfamille:franceconnect_logout"), {"next": cantine.url}
    )
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == standin.fc_issuer + "/session/end"
    hint = parse_qs(target.query)["id_token_hint"][0]
    assert session.current_login(response.wsgi_request) is None
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    done = urlsplit(back.headers["Location"])
    response = client.get(f"{done.path}?{done.query}")
    assert response.status_code == 302 and response["Location"] == cantine.url
    assert "Vous êtes déconnecté de FranceConnect." in _messages(response)
    assert hint  # the ID token was sent as id_token_hint; the stand-in ended the session


def test_logout_done_tolerates_a_missing_state(client, cantine):
    login(client, cantine)
    client.post(reverse("wagtail_passfamille:franceconnect_logout"), {"next": cantine.url})
    response = client.get(reverse("wagtail_passfamille:franceconnect_logout_done"))
    assert response.status_code == 302 and response["Location"] == cantine.url


def test_logout_refuses_an_outside_next(client, cantine):
    response = client.post(
        reverse("wagtail_passfamille:franceconnect_logout"), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
