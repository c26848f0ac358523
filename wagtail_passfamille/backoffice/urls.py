"""Admin URLs of the back-office besides the modeladmin listing and detail.

Registered under Wagtail's admin (``register_admin_urls``), so every one of them also needs
Wagtail's "access admin" permission before our own per-démarche checks.
"""

from django.urls import path, reverse

# Names of the modeladmin views (see ``admin.py``: base_url_path "passfamille/demandes").
INDEX = "passfamille_demandes_modeladmin_index"
INSPECT = "passfamille_demandes_modeladmin_inspect"
DELETE = "passfamille_demandes_modeladmin_delete"


def index_url() -> str:
    return reverse(INDEX)


def inspect_url(pk) -> str:
    return reverse(INSPECT, args=[pk])


def urlpatterns():
    from wagtail_passfamille.backoffice import audit_views, views

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
    from django.apps import apps

    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return []
    from wagtail_passfamille.backoffice import two_factor

    return [
        path("passfamille/2fa/", two_factor.verify_view, name="wagtail_passfamille_2fa_verify"),
        path(
            "passfamille/2fa/configurer/",
            two_factor.setup_view,
            name="wagtail_passfamille_2fa_setup",
        ),
    ]
