"""Admin glue: the group editor's permission panel, the dashboard panel, the menu items."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from wagtail_passfamille.backoffice.links import index_url
from wagtail_passfamille.backoffice.permissions import can_instruct
from wagtail_passfamille.backoffice.views import counts_by_demarche
from wagtail_passfamille.models import DemarcheGroupPermission, DemarchePage
from wagtail_passfamille.models.submissions import Status


class DemarcheChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class DemarchePermissionForm(forms.Form):
    """Panel of Wagtail's group editor: the démarches whose submissions the group instructs.

    Registered with ``register_group_permission_panel``, like the site settings' panel; it is
    independent of the page permissions above it.
    """

    template_name = "wagtail_passfamille/admin/group_permission_panel.html"
    prefix_default = "passfamille_demarches"

    demarches = DemarcheChoices(
        label=_("Voir et instruire les demandes de"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les membres du groupe voient, instruisent et exportent les demandes de ces "
            "démarches. Ce droit est distinct de celui de modifier les pages."
        ),
    )

    def __init__(self, data=None, files=None, instance=None, prefix=None, **kwargs):

        self.instance = instance
        initial = {}
        if instance is not None and instance.pk is not None:
            initial["demarches"] = list(
                instance.passfamille_demarche_permissions.values_list("page_id", flat=True)
            )
        super().__init__(data, files, prefix=prefix or self.prefix_default, initial=initial)
        self.fields["demarches"].queryset = DemarchePage.objects.order_by("title")

    def as_admin_panel(self):
        return render_to_string(
            self.template_name,
            {
                "form": self,
                "heading": _("Instruction des démarches"),
                "panel_id": "passfamille-demarche-permissions",
            },
        )

    def save(self):

        wanted = {page.pk for page in self.cleaned_data["demarches"]}
        existing = set(
            DemarcheGroupPermission.objects.filter(group=self.instance).values_list(
                "page_id", flat=True
            )
        )
        DemarcheGroupPermission.objects.filter(
            group=self.instance, page_id__in=existing - wanted
        ).delete()
        DemarcheGroupPermission.objects.bulk_create(
            [DemarcheGroupPermission(group=self.instance, page_id=pk) for pk in wanted - existing]
        )


class SubmissionsSummaryPanel(Component):
    """Dashboard: submissions per status for the démarches the user may instruct."""

    name = "passfamille_submissions"
    template_name = "wagtail_passfamille/admin/dashboard_panel.html"
    order = 90

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):

        rows = counts_by_demarche(self.request.user)
        statuses = list(Status.choices)

        return {
            "statuses": statuses,
            "rows": [
                {
                    "demarche": demarche,
                    "total": total,
                    "cells": [(value, counts.get(value, 0)) for value, _label in statuses],
                }
                for demarche, counts, total in rows
            ],
            "index_url": index_url(),
        }


def add_dashboard_panel(request, panels):
    if can_instruct(request.user):
        panels.append(SubmissionsSummaryPanel(request))


class InstructorMenuItem(MenuItem):
    def is_shown(self, request):
        return can_instruct(request.user)


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser
