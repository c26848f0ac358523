"""The FRANCECONNECT section of a credential profile, checked at startup (E003)."""

import pytest
from django.test import override_settings

from wagtail_passfamille import checks

GOOD = {
    "ISSUER": "https://oidc.franceconnect.gouv.fr/api/v2",
    "CLIENT_ID": "id",
    "CLIENT_SECRET": "secret-value-789",
}


def _errors(section):
    profile = {"API_PARTICULIER": {"URL": "https://particulier.api.gouv.fr", "TOKEN": "t"}}
    profile["FRANCECONNECT"] = section
    with override_settings(WAGTAIL_PASSFAMILLE_CREDENTIALS={"cantine": profile}):
        return [e.msg for e in checks.check_credentials()]


def test_a_good_section():
    assert _errors(GOOD) == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"ISSUER": None}, "FRANCECONNECT.ISSUER is missing"),
        ({"CLIENT_SECRET": ""}, "FRANCECONNECT.CLIENT_SECRET is missing"),
        ({"ISSUER": "http://oidc.example.org/api/v2"}, "FRANCECONNECT.ISSUER must use https"),
        ({"REDIRECT_URI": "pas-une-url"}, "FRANCECONNECT.REDIRECT_URI must be an absolute"),
        ({"ACR": "eidas2"}, "FRANCECONNECT.ACR must be eidas1"),
        ({"SCOPES": "openid"}, "FRANCECONNECT.SCOPES is not a known key"),
    ],
)
def test_bad_sections(change, fragment):
    section = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    errors = _errors(section)
    assert any(fragment in e for e in errors), errors
    assert not any("secret-value-789" in e for e in errors)
