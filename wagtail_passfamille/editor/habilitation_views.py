"""The habilitation in Wagtail's admin: the fiche and status views, the dashboard panel, the
menu alert, the editor's scope warning, and their hooks (the logic is in habilitation.py).
Imported by ``apps.ready()``.

Where the alerts show: Wagtail has no banner API. The dashboard's first panel
(``construct_homepage_panels``) shows them with the check's summary, and an entry added to the
sidebar per request (``construct_main_menu``) shows on every admin page while something needs
fixing: rendered by the server, no JavaScript or CSS injected on every page
(``insert_global_admin_js``/``_css``), gone once all is well. The sidebar's items have no badge,
hence the count in the label.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button

from wagtail_passfamille import sources
from wagtail_passfamille.citizen.alerts import clear_alerts, current_alerts
from wagtail_passfamille.editor import habilitation
from wagtail_passfamille.models import AuditRecord, DemarchePage, audit_trail

TEMPLATES = "wagtail_passfamille/habilitation/"
STATUS_URL_NAME = "wagtail_passfamille_habilitation_status"
FICHE_URL_NAME = "wagtail_passfamille_fiche"


def can_edit(user, page) -> bool:
    """The fiche is for whoever may edit the démarche (Wagtail's page permissions)."""
    return page.permissions_for_user(user).can_edit()


def can_view_status(user) -> bool:
    """Superusers, and users who may edit a démarche (they choose its profile)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    allowed = getattr(user, "_passfamille_status", None)
    if allowed is None:
        from wagtail.permission_policies.pages import PagePermissionPolicy

        pages = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change"])
        allowed = user._passfamille_status = pages.type(DemarchePage).exists()
    return allowed


# Fiche habilitation ----------------------------------------------------------------------


def fiche_view(request, page_id):

    page = get_object_or_404(DemarchePage, pk=page_id)
    if not can_edit(request.user, page):
        raise PermissionDenied
    latest = page.get_latest_revision_as_object()  # the request may precede publication
    context = habilitation.fiche(latest, page.get_site())
    context["draft"] = page.has_unpublished_changes
    audit_trail.record(
        request, AuditRecord.Action.FICHE, page=page, detail={"scopes": len(context["scopes"])}
    )
    return TemplateResponse(request, TEMPLATES + "fiche.html", context)


def fiche_button(page, user, priority):

    if issubclass(page.specific_class or type(page), DemarchePage) and can_edit(user, page):
        url = reverse(FICHE_URL_NAME, args=[page.pk])
        yield Button(_("Fiche habilitation"), url, icon_name="doc-full", priority=priority)


# Status: page, dashboard panel, menu alert -------------------------------------------------

ALERT_REASONS = {
    "profile": gettext_lazy("profil d'accès absent ou incomplet"),
    "recipient": gettext_lazy("SIRET refusé"),
    "Unauthorized": gettext_lazy("jeton refusé ou expiré"),
    "Forbidden": gettext_lazy("accès refusé (droits ou adresse IP)"),
    "EndpointRetired": gettext_lazy("service retiré par le fournisseur"),
    "velocity": gettext_lazy(
        "beaucoup d'identités différentes vérifiées en peu de temps (tentative d'énumération ?)"
    ),
}


#: The sweep's alert when background tasks wait too long (a worker down).
QUEUE_ALERT = gettext_lazy(
    "tâches de fond en attente depuis %(minutes)s minutes : vérifiez les workers"
)


def alert_rows() -> list[dict]:

    alerts = current_alerts()
    titles = dict(
        DemarchePage.objects.filter(pk__in={a.get("page_id") for a in alerts} - {None}).values_list(
            "pk", "title"
        )
    )
    return [
        {
            "profile": a.get("profile", "-"),
            "api": habilitation.APIS[sources.get(a["source"]).api][0] if a.get("source") else "-",
            "reason": (
                QUEUE_ALERT % {"minutes": a["minutes"]}
                if a.get("kind") == "queue"
                else ALERT_REASONS.get(a["reason"], a["reason"])
            ),
            "demarche": titles.get(a.get("page_id"), "-"),
            "at": datetime.fromtimestamp(a["at"], tz=timezone.get_current_timezone()),
        }
        for a in alerts
    ]


def status_context(request) -> dict:
    return {
        "report": habilitation.check_profiles(),
        "alerts": alert_rows(),
        "status_url": reverse(STATUS_URL_NAME),
        "next": request.get_full_path(),
    }


def status_view(request):
    if not can_view_status(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return TemplateResponse(request, TEMPLATES + "status.html", status_context(request))
    if request.POST.get("action") == "clear":
        clear_alerts()
        messages.success(request, _("Alertes effacées."))
    else:
        report = habilitation.check_profiles(refresh=True)
        messages.success(
            request,
            _("Vérification faite — erreurs : %(errors)s, avertissements : %(warnings)s.")
            % {"errors": report.errors, "warnings": report.warnings},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse(STATUS_URL_NAME)
    return redirect(target)


class StatusPanel(Component):
    """Dashboard, first panel: the configuration alerts and the check's findings to act on."""

    name = "passfamille_habilitation"
    template_name = TEMPLATES + "panel.html"
    order = 10  # above Wagtail's panels (100 and more) and the submissions panel (90)

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        return status_context(self.request)


def problem_count() -> int:
    """Alerts plus errors of the last check, read from the cache alone (every admin page)."""
    summary = cache.get(habilitation.SUMMARY_KEY) or {}
    return len(current_alerts()) + summary.get("errors", 0)


# Hooks -----------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_habilitation_urls():
    return [
        path(
            "passfamille/demarches/<int:page_id>/fiche-habilitation/",
            fiche_view,
            name=FICHE_URL_NAME,
        ),
        path("passfamille/etat/", status_view, name=STATUS_URL_NAME),
    ]


# Both hooks exist, with these arguments, in Wagtail 7.3 and 8.
@hooks.register("register_page_header_buttons")
def fiche_header_button(page, user, view_name=None, next_url=None, **kwargs):
    yield from fiche_button(page, user, priority=80)


@hooks.register("register_page_listing_more_buttons")
def fiche_listing_button(page, user, next_url=None, **kwargs):
    yield from fiche_button(page, user, priority=55)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_missing_scopes(request, page):

    # Autosave expects JSON: messages added then would pile up for the next page shown.
    if isinstance(page, DemarchePage) and request.accepts("text/html"):
        for message in habilitation.scope_warnings(page):
            messages.warning(request, message, fail_silently=True)


@hooks.register("construct_homepage_panels")
def add_status_panel(request, panels):
    if can_view_status(request.user):
        panels.append(StatusPanel(request))


@hooks.register("construct_main_menu")
def add_alert_menu_item(request, menu_items):
    count = problem_count()  # the cache first: no query on every page while all is well
    if count and can_view_status(request.user):
        # Short: the sidebar cuts long labels; the count and "alerte" come first.
        label = ngettext(
            "%(count)s alerte Pass Famille", "%(count)s alertes Pass Famille", count
        ) % {"count": count}
        url = reverse(STATUS_URL_NAME)
        menu_items.append(
            MenuItem(label, url, name="passfamille-alertes", icon_name="warning", order=1)
        )
