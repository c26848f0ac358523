"""Content-Security-Policy and Permissions-Policy on citizens' pages and in the admin."""

from .test_second_factor import verified_login


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_citizen_pages_allow_no_inline_script_or_style(client, demarche_a):
    response = client.get(demarche_a.url, follow=True)  # the wizard's first step
    assert response.status_code == 200 and b"<form" in response.content
    policy = directives(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["default-src"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_admin_gets_its_own_policy_and_downloads_keep_theirs(client, users, settings):
    verified_login(client, users["superuser"])
    for url in ("/admin/", "/django-admin/"):
        response = client.get(url)
        policy = directives(response)
        assert "'unsafe-inline'" in policy["script-src"], url  # Wagtail's inline widgets
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
        assert "microphone=()" in response["Permissions-Policy"]
    settings.WAGTAIL_PASSFAMILLE_PERMISSIONS_POLICY = {"camera": ["self"], "usb": []}
    response = client.get("/admin/")
    assert response["Permissions-Policy"] == "camera=(self), usb=()"
