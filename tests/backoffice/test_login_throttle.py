"""Wrong passwords and codes lock the account and the IP (django-axes), on every login form."""

import os

import pytest
from django.conf import settings as django_settings

from wagtail_passfamille.models import AuditRecord

from .conftest import PASSWORD

WAGTAIL_LOGIN = "/admin/login/"
DJANGO_LOGIN = "/django-admin/login/"


@pytest.fixture(params=["database", "redis"])
def axes_handler(request, settings):
    """django-axes on its database handler (the demo) and on Redis (production's cache)."""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("REDIS_URL is not set: the production cache is tested in CI's pass")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
        settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
        from django.core.cache import cache

        cache.clear()
    else:
        settings.AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.implementation = None  # built again from the setting
    yield request.param
    AxesProxyHandler.implementation = None


def login(client, url, username, password, ip="203.0.113.7"):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def logged_in(client):
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_account_even_for_the_right_one(
    client, users, axes_handler
):
    for attempt in range(30):
        login(client, WAGTAIL_LOGIN, "agent_a", f"wrong-{attempt}")
    assert not logged_in(client)
    # From the same IP and from another one: the account is locked, the right password too.
    for ip in ("203.0.113.7", "198.51.100.20"):
        response = login(client, WAGTAIL_LOGIN, "agent_a", PASSWORD, ip=ip)
        assert response.status_code == 429, (ip, response.status_code)
        assert "Connexion temporairement bloquée" in response.content.decode()
        assert not logged_in(client)
    # Django's admin login is the same lock.
    assert login(client, DJANGO_LOGIN, "agent_a", PASSWORD).status_code == 429
    assert not logged_in(client)
    # Another account from another IP is not concerned.
    assert login(client, WAGTAIL_LOGIN, "agent_b", PASSWORD, ip="192.0.2.1").status_code == 302
    assert logged_in(client)


def test_one_ip_trying_many_accounts_is_locked(client, users, axes_handler):
    limit = django_settings.AXES_FAILURE_LIMIT
    for attempt in range(limit):
        login(client, DJANGO_LOGIN, f"guess-{attempt}", "wrong")
    response = login(client, WAGTAIL_LOGIN, "agent_b", PASSWORD)
    assert response.status_code == 429 and not logged_in(client)
    # The account itself is fine from elsewhere.
    assert login(client, WAGTAIL_LOGIN, "agent_b", PASSWORD, ip="192.0.2.1").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, users, axes_handler, settings):
    import datetime as dt
    import time

    settings.AXES_COOLOFF_TIME = dt.timedelta(seconds=2)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, WAGTAIL_LOGIN, "agent_a", f"wrong-{attempt}")
    assert login(client, WAGTAIL_LOGIN, "agent_a", PASSWORD).status_code == 429
    time.sleep(2.5)
    assert login(client, WAGTAIL_LOGIN, "agent_a", PASSWORD).status_code == 302


@pytest.mark.parametrize("page", ["/admin/passfamille/2fa/", "/admin/passfamille/2fa/configurer/"])
def test_wrong_second_factor_codes_lock_the_account(client, users, axes_handler, settings, page):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED = True
    agent = users["agent_a"]
    device = TOTPDevice.objects.create(user=agent, name="app", confirmed=page.endswith("2fa/"))
    client.force_login(agent)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        device.throttle_reset()  # past django-otp's own delays: axes is what is tested
        client.post(page, {"token": "000000"}, REMOTE_ADDR="203.0.113.7")
    device.throttle_reset()
    device.refresh_from_db()
    right = str(totp(device.bin_key)).zfill(6)
    response = client.post(page, {"token": right}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert "verrouillé" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still no second factor
    assert AuditRecord.objects.filter(action="login_failed", detail__locked=True).exists()
    # The password form is locked too: codes and passwords share one budget per account.
    client.logout()
    assert login(client, WAGTAIL_LOGIN, "agent_a", PASSWORD, ip="192.0.2.1").status_code == 429


def test_lockout_leaves_no_username_or_ip_in_logs(client, users, axes_handler, caplog):
    caplog.set_level("DEBUG")
    for attempt in range(django_settings.AXES_FAILURE_LIMIT + 2):
        login(client, WAGTAIL_LOGIN, "agent_a", f"wrong-{attempt}")
    text = caplog.text
    assert "agent_a" not in text and "203.0.113.7" not in text
