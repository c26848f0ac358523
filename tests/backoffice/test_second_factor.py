"""The second factor guards every URL of a staff user; device changes are traced; E010."""

import pytest
from django.core.checks import Error
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from wagtail_passfamille.models import AuditRecord
from wagtail_passfamille.security.admin_session import (
    TWO_FACTOR_EXEMPT,
    check_two_factor_setup,
)

from .conftest import PASSWORD

TWO_FACTOR_PAGES = ("/admin/passfamille/2fa/", "/admin/passfamille/2fa/configurer/")


@pytest.fixture
def two_factor(settings):
    settings.WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED = True


def sends_to_second_factor(response):
    return response.status_code == 302 and response["Location"].startswith(TWO_FACTOR_PAGES)


def verified_login(client, user):
    """Log ``user`` in with a confirmed TOTP device and a typed code."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    response = client.post(TWO_FACTOR_PAGES[0], {"token": str(totp(device.bin_key)).zfill(6)})
    assert response.status_code == 302, response.content.decode()[-500:]
    return device


def test_password_only_session_reaches_nothing_of_django_admin(client, users, two_factor):
    """The probe's bypass: password at /django-admin/, delete one's device, enrol a new one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    root = users["superuser"]
    device = TOTPDevice.objects.create(user=root, name="app", confirmed=True)
    assert client.post(
        "/django-admin/login/", {"username": "root", "password": PASSWORD}
    ).status_code in (200, 302)
    for url in (
        "/django-admin/",
        "/django-admin/otp_totp/totpdevice/",
        f"/django-admin/otp_totp/totpdevice/{device.pk}/delete/",
        "/django-admin/auth/user/",
    ):
        assert sends_to_second_factor(client.get(url)), url
    response = client.post(
        f"/django-admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
    )
    assert sends_to_second_factor(response)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    # With a confirmed device, the set-up page will not enrol another one.
    setup = client.get(TWO_FACTOR_PAGES[1])
    assert setup.status_code == 302
    assert TOTPDevice.objects.filter(user=root).count() == 1
    # Logging out stays possible.
    assert client.post("/django-admin/logout/").status_code in (200, 302)


def _static_paths(patterns, prefix=""):
    """Every URL of the site without a parameter, or with numeric ones set to 1."""
    for pattern in patterns:
        route = str(pattern.pattern)
        if "(?P" in route or route.startswith("^"):
            continue  # regular expressions: Wagtail's catch-all serve view, media
        route = route.replace("<int:pk>", "1").replace("<int:id>", "1")
        if "<" in route:
            continue
        if isinstance(pattern, URLResolver):
            yield from _static_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route, pattern.name


def test_no_path_gives_anything_to_an_unverified_staff_user(client, users, two_factor):
    client.force_login(users["superuser"])
    checked = 0
    for path, _name in _static_paths(get_resolver().url_patterns):
        if resolve("/" + path).view_name in TWO_FACTOR_EXEMPT:
            continue
        response = client.get("/" + path)
        assert sends_to_second_factor(response) or response.status_code == 404, (
            path,
            response.status_code,
        )
        checked += 1
    assert checked > 100  # Wagtail's admin, Django's admin, ours: not a vacuous walk
    # The public site too: a staff session is not a citizen's.
    assert sends_to_second_factor(client.get("/"))


def test_a_verified_staff_user_and_citizens_are_not_stopped(client, users, two_factor):
    assert client.get("/").status_code == 200  # anonymous
    verified_login(client, users["superuser"])
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_every_device_change_is_traced_with_who_made_it(client, users, two_factor):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    agent = users["agent_a"]
    client.force_login(agent)
    client.get(TWO_FACTOR_PAGES[1])  # the set-up page creates an unconfirmed device
    device = TOTPDevice.objects.get(user=agent)
    client.post(TWO_FACTOR_PAGES[1], {"token": str(totp(device.bin_key)).zfill(6)})
    traces = AuditRecord.objects.filter(action=AuditRecord.Action.OTP_DEVICE).order_by("pk")
    assert [(t.detail["event"], t.username, t.detail["owner_id"]) for t in traces] == [
        ("created", "agent_a", agent.pk),
        ("confirmed", "agent_a", agent.pk),
    ]
    # Verifying a code saves the device (last code used): not a change.
    client.logout()
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert traces.count() == 2

    # A superuser (verified) deletes the agent's device in Django's admin: traced as theirs.
    verified_login(client, users["superuser"])
    response = client.post(
        f"/django-admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    deleted = AuditRecord.objects.filter(action="otp_device", detail__event="deleted").get()
    assert deleted.username == "root" and deleted.detail["owner_id"] == agent.pk
    assert deleted.ip_address == "127.0.0.1"
    # From a shell too (no request): traced, without a user.
    other = TOTPDevice.objects.get(user=users["superuser"])
    other.key = "00" * 20
    other.save()
    changed = AuditRecord.objects.get(action="otp_device", detail__event="key_changed")
    assert changed.username == "" and changed.ip_address is None


BASE_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "wagtail_passfamille.security.admin_session.AdminTwoFactorMiddleware",
]


@pytest.mark.parametrize(
    "middleware, apps_removed, fragment",
    [
        (BASE_MIDDLEWARE[:2] + BASE_MIDDLEWARE[3:], (), "django_otp.middleware.OTPMiddleware"),
        (BASE_MIDDLEWARE[:3], (), "AdminTwoFactorMiddleware"),
        ([BASE_MIDDLEWARE[0], *BASE_MIDDLEWARE[2:]], (), "AuthenticationMiddleware"),
        ([*BASE_MIDDLEWARE[:2], *reversed(BASE_MIDDLEWARE[2:])], (), "wrong order"),
        (BASE_MIDDLEWARE, ("django_otp.plugins.otp_totp",), "otp_totp"),
    ],
)
def test_a_required_second_factor_without_its_middlewares_is_an_error(
    settings, monkeypatch, middleware, apps_removed, fragment
):
    from django.apps import apps

    settings.WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED = True
    settings.MIDDLEWARE = middleware
    # Changing INSTALLED_APPS for real would rebuild the app registry: answer for it.
    installed = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name not in apps_removed and installed(name)
    )
    errors = check_two_factor_setup()
    assert errors and all(isinstance(e, Error) for e in errors)
    assert {e.id for e in errors} == {"wagtail_passfamille.E010"}
    assert fragment in " ".join(e.msg + (e.hint or "") for e in errors)


def test_the_legacy_middleware_path_and_the_demo_settings_pass_e010(settings):
    settings.WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED = True
    assert check_two_factor_setup() == []
    settings.MIDDLEWARE = [
        *BASE_MIDDLEWARE[:3],
        "wagtail_passfamille.admin_session.AdminTwoFactorMiddleware",
    ]
    assert check_two_factor_setup() == []
    settings.WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED = False
    settings.MIDDLEWARE = []
    assert check_two_factor_setup() == []
