"""Admin URLs of the back-office besides the modeladmin listing and detail.

Registered under Wagtail's admin (``register_admin_urls``), so every one of them also needs
Wagtail's "access admin" permission before our own per-démarche checks.
"""

from django.apps import apps
from django.urls import path

from wagtail_passfamille.backoffice import audit_views, two_factor, views


def urlpatterns():
    return [
        path(
            "passfamille/demandes/<int:pk>/statut/",
            views.status_view,
            name="wagtail_passfamille_status",
        ),
        path(
            "passfamille/demandes/export/",
            views.export_view,
            name="wagtail_passfamille_export",
        ),
        path(
            "passfamille/fichiers/<int:pk>/",
            views.download_view,
            name="wagtail_passfamille_download",
        ),
        path("passfamille/personnes/", views.person_view, name="wagtail_passfamille_person"),
        path("passfamille/traces/", audit_views.audit_list_view, name="wagtail_passfamille_audit"),
        *two_factor_urlpatterns(),
    ]


def two_factor_urlpatterns():
    """The second factor's pages, when django-otp's TOTP plugin is installed."""
    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return []

    return [
        path("passfamille/2fa/", two_factor.verify_view, name="wagtail_passfamille_2fa_verify"),
        path(
            "passfamille/2fa/configurer/",
            two_factor.setup_view,
            name="wagtail_passfamille_2fa_setup",
        ),
    ]
