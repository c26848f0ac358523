"""Wagtail's page copy of a démarche: a fresh reference prefix, and the agents to notify asked.

Wagtail's copy form has no room for either, and its template renders a fixed list of fields:
``before_copy_page`` answers for a démarche with this view, Wagtail's own ``CopyView`` with a
form that adds the two questions (and leaves out the alias and the publication: the copy is a
draft, to review before it is published). The copy itself is Wagtail's ``CopyPageAction``.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.actions.copy_page import CopyPageAction
from wagtail.admin import messages
from wagtail.admin.forms.pages import CopyForm
from wagtail.admin.utils import get_valid_next_url_from_request

try:  # a class-based copy view from Wagtail 7.4; 7.3's is a function we cannot extend
    from wagtail.admin.views.pages.copy import CopyView
except ImportError:  # pragma: no cover - Wagtail 7.3: Wagtail's own copy form is used
    CopyView = None
from wagtail.models import Page

from wagtail_passfamille.models import DemarchePage
from wagtail_passfamille.models.demarche_form import free_prefix, prefix_taken


class AgentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class DemarcheCopyForm(CopyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("alias", "publish_copies", "copy_subpages"):
            self.fields.pop(name, None)
        source = self.page.specific
        self.fields["reference_prefix"] = forms.CharField(
            label=gettext_lazy("Préfixe des références de la copie"),
            max_length=8,
            initial=free_prefix(DemarchePage, source.reference_prefix),
            validators=[
                RegexValidator(
                    r"^[A-Z]{2,8}$", gettext_lazy("De 2 à 8 lettres majuscules sans accent.")
                )
            ],
            help_text=gettext_lazy(
                "Chaque démarche a le sien : « %(prefix)s » reste celui de l'original."
            )
            % {"prefix": source.reference_prefix},
        )
        self.fields["notified_agents"] = AgentsField(
            label=gettext_lazy("Agents prévenus de chaque nouvelle demande de la copie"),
            queryset=get_user_model()
            .objects.filter(is_active=True)
            .order_by("last_name", "first_name", "username"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=gettext_lazy(
                "Ceux de l'original ne sont pas repris : la copie sert souvent un autre service."
            ),
        )

    def clean_reference_prefix(self):
        prefix = self.cleaned_data["reference_prefix"]
        if prefix_taken(DemarchePage, prefix):
            raise forms.ValidationError(
                _("Le préfixe « %(prefix)s » est déjà celui d'une autre démarche.")
                % {"prefix": prefix}
            )
        return prefix


class DemarcheCopyView(CopyView or object):
    template_name = "wagtail_passfamille/editor/copy.html"

    def dispatch(self, request, page_id, *args, **kwargs):
        # CopyView.dispatch without the before_copy_page hooks: they brought us here.
        self.page = get_object_or_404(Page, id=page_id)
        if not self.page.permissions_for_user(request.user).can_copy():
            raise PermissionDenied
        self.parent_page = self.page.get_parent()
        self.next_url = get_valid_next_url_from_request(request)
        return super(CopyView, self).dispatch(request, page_id, *args, **kwargs)

    def get_form_class(self):
        return DemarcheCopyForm

    def post(self, request, *args, **kwargs):
        # Wagtail reads new_parent_page before validating it (a KeyError when absent).
        return super(CopyView, self).post(request, *args, **kwargs)

    def form_valid(self, form):
        self.parent_page = form.cleaned_data.get("new_parent_page") or self.parent_page
        action = CopyPageAction(
            page=self.page,
            to=self.parent_page,
            update_attrs={
                "title": form.cleaned_data["new_title"],
                "slug": form.cleaned_data["new_slug"],
                "reference_prefix": form.cleaned_data["reference_prefix"],
            },
            keep_live=False,
            user=self.request.user,
        )
        new_page = action.execute()
        new_page.specific.notified_agents.set(form.cleaned_data["notified_agents"])
        messages.success(
            self.request,
            _(
                "Démarche copiée en brouillon, avec le préfixe %(prefix)s. Vérifiez ses dates "
                "et ses règles avant de la publier."
            )
            % {"prefix": form.cleaned_data["reference_prefix"]},
        )
        for fn in hooks.get_hooks("after_copy_page"):
            result = fn(self.request, self.page, new_page)
            if hasattr(result, "status_code"):
                return result
        return redirect(reverse("wagtailadmin_pages:edit", args=(new_page.pk,)))


def before_copy_page(request, page):
    """Wagtail's copy of a démarche goes through ``DemarcheCopyView`` (Wagtail 7.4+; on 7.3
    the copy still gets a free prefix and no agents from ``DemarchePage.copy``)."""
    if CopyView is None:
        return None
    if not issubclass(page.specific_class or Page, DemarchePage):
        return None
    return DemarcheCopyView.as_view()(request, page_id=page.pk)
