"""Registration only: the submissions admin, the back-office's URLs, menu, panels, the démarche
models (« Nouvelle démarche depuis un modèle ») and the démarche's copy."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from wagtail_passfamille import admin
from wagtail_passfamille.backoffice import links, urls
from wagtail_passfamille.backoffice.panels import (
    DemarchePermissionForm,
    InstructorMenuItem,
    SuperuserMenuItem,
    add_dashboard_panel,
)
from wagtail_passfamille.citizen.franceconnect import receipt
from wagtail_passfamille.citizen.wizard import DemarcheWizardView
from wagtail_passfamille.editor import copy_views, preview, starter_views

admin.register()


@hooks.register("register_admin_urls")
def register_backoffice_urls():
    return urls.urlpatterns()


@hooks.register("register_admin_urls")
def register_starter_urls():
    return starter_views.urlpatterns()


hooks.register("before_create_page", starter_views.before_create_page)
hooks.register("register_page_header_buttons", starter_views.header_buttons)
hooks.register("before_copy_page", copy_views.before_copy_page)


@hooks.register("register_admin_menu_item")
def register_instruction_menu():
    items = [
        InstructorMenuItem(
            _("Demandes"),
            reverse_lazy(links.INDEX),
            name="passfamille-demandes",
            icon_name="form",
            order=1,
        ),
        InstructorMenuItem(
            _("Droits des personnes"),
            reverse_lazy("wagtail_passfamille_person"),
            name="passfamille-personnes",
            icon_name="user",
            order=2,
        ),
        SuperuserMenuItem(
            _("Traces d'accès"),
            reverse_lazy("wagtail_passfamille_audit"),
            name="passfamille-traces",
            icon_name="history",
            order=3,
        ),
    ]
    return SubmenuMenuItem(
        _("Instruction"),
        Menu(items=items),
        name="passfamille-instruction",
        icon_name="form",
        order=250,
    )


@hooks.register("register_group_permission_panel")
def register_demarche_permission_panel():
    return DemarchePermissionForm


hooks.register("construct_homepage_panels", add_dashboard_panel)


# What the démarche pages serve (models never import the citizen's or the editor's code).
@hooks.register("passfamille_wizard_view")
def wizard_view():
    return DemarcheWizardView


@hooks.register("passfamille_receipt")
def receipt_context():
    return receipt.context


@hooks.register("passfamille_preview")
def demarche_preview():
    return preview
