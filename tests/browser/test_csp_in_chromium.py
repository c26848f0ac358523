"""The Content-Security-Policy leaves Wagtail's admin and the citizens' pages working."""

from __future__ import annotations

from .conftest import ADMIN_PASSWORD, admin_login, new_page


def test_no_csp_violation_in_the_admin_or_on_the_citizen_pages(
    browser_available, demo, chromium, live_server, screenshots
):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("csp", "csp@example.org", ADMIN_PASSWORD)
    context, page = new_page(chromium, live_server)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    try:
        response = page.goto(demo.url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.goto(demo.url)
        page.screenshot(path=screenshots / "citizen.png", full_page=True)

        admin_login(page, "csp")
        for url in (
            "/admin/",
            f"/admin/pages/{demo.pk}/edit/",
            "/admin/passfamille/demandes/",
            "/admin/pages/",
            "/django-admin/",
        ):
            response = page.goto(url)
            assert response.status == 200, url
            page.wait_for_load_state("networkidle")
        page.goto(f"/admin/pages/{demo.pk}/edit/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=screenshots / "admin-editor.png")
    finally:
        context.close()
    assert violations == [], "\n".join(violations)
