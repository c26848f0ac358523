"""« Nouvelle démarche depuis un modèle »: the admin views creating a draft démarche from a model.

Reached from Wagtail's own « Ajouter une sous-page » flow (``before_create_page`` shows the
models before the empty form) and from a button on the portal's page header. The draft is
created as Wagtail's create view does it: a page that is not live, with a first revision and a
« créée » entry in the page's history; the editor adapts it and publishes it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.widgets import Button
from wagtail.log_actions import log
from wagtail.models import Page

from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.editor import starters
from wagtail_passfamille.models import DemarchePage
from wagtail_passfamille.models.demarche_form import free_prefix

CHOOSE_URL_NAME = "wagtail_passfamille_starters"
CREATE_URL_NAME = "wagtail_passfamille_starter_create"
BLANK = "vierge"  # ?vierge=1 on Wagtail's create view: the empty form, without the models


def urlpatterns():
    return [
        path("passfamille/modeles/<int:parent_id>/", choose_view, name=CHOOSE_URL_NAME),
        path(
            "passfamille/modeles/<int:parent_id>/<slug:key>/",
            create_view,
            name=CREATE_URL_NAME,
        ),
    ]


def _parent_for(request, parent_id):
    parent = get_object_or_404(Page, pk=parent_id).specific
    if not DemarchePage.can_create_at(parent):
        raise PermissionDenied
    if not parent.permissions_for_user(request.user).can_add_subpage():
        raise PermissionDenied
    return parent


def blank_url(parent) -> str:
    url = reverse(
        "wagtailadmin_pages:add",
        args=(DemarchePage._meta.app_label, DemarchePage._meta.model_name, parent.pk),
    )
    return f"{url}?{BLANK}=1"


def render_chooser(request, parent):
    context = {
        "parent": parent,
        "starters": [
            (starter, reverse(CREATE_URL_NAME, args=(parent.pk, starter.key)))
            for starter in starters.STARTERS.values()
        ],
        "blank_url": blank_url(parent),
    }
    return TemplateResponse(request, "wagtail_passfamille/editor/starters.html", context)


def choose_view(request, parent_id):
    return render_chooser(request, _parent_for(request, parent_id))


def before_create_page(request, parent_page, page_class):
    """Wagtail's « Ajouter une sous-page » for a démarche: the models first, then the form."""
    if not issubclass(page_class, DemarchePage) or request.method != "GET":
        return None
    if request.GET.get(BLANK):
        return None
    return render_chooser(request, parent_page)


def _free_slug(parent, title: str) -> str:
    base = slugify(title)[:200] or "demarche"
    slug, number = base, 1
    while not Page._slug_is_available(slug, parent):
        number += 1
        slug = f"{base}-{number}"
    return slug


def build_page(starter, parent) -> DemarchePage:
    """The démarche of a model, not saved: a free slug and prefix, the only profile if one."""
    fields = starter.fields()
    fields["reference_prefix"] = free_prefix(DemarchePage, fields["reference_prefix"])
    profiles = list(get_setting("CREDENTIALS") or {})
    if len(profiles) == 1:
        fields.setdefault("credential_profile", profiles[0])
    page = DemarchePage(slug=_free_slug(parent, fields["title"]), **fields)
    page.live = False
    page.has_unpublished_changes = True
    return page


def check_page(page: DemarchePage) -> None:
    """What the editor's form checks before a save: each StreamField's blocks (steps, their
    reachability, gates, grids), then the page's own ``clean``. Raises ValidationError."""
    for name in ("steps", "eligibility", "tariffs"):
        field = page._meta.get_field(name)
        field.stream_block.clean(getattr(page, name))
    page.full_clean(exclude=["path", "depth"])


def create_view(request, parent_id, key):
    parent = _parent_for(request, parent_id)
    starter = starters.get(key)
    if starter is None:
        raise Http404
    if request.method != "POST":
        return redirect(CHOOSE_URL_NAME, parent.pk)
    page = build_page(starter, parent)
    page.owner = request.user
    try:
        check_page(page)
    except ValidationError:
        messages.error(request, _("Ce modèle ne passe pas la vérification de la démarche."))
        return redirect(CHOOSE_URL_NAME, parent.pk)
    parent.add_child(instance=page)
    page.save_revision(user=request.user, log_action=False)
    log(instance=page, action="wagtail.create", user=request.user, content_changed=True)
    messages.success(
        request,
        _(
            "Brouillon « %(title)s » créé depuis le modèle « %(model)s », avec le préfixe "
            "%(prefix)s. Adaptez ses étapes, ses règles et sa grille, choisissez les agents "
            "à prévenir, puis publiez-le."
        )
        % {"title": page.title, "model": starter.label, "prefix": page.reference_prefix},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


def header_buttons(page, user, view_name=None, next_url=None, **kwargs):
    """« Nouvelle démarche depuis un modèle » on the portal's page header."""
    if not DemarchePage.can_create_at(page.specific_deferred):
        return
    if not page.permissions_for_user(user).can_add_subpage():
        return
    yield Button(
        _("Nouvelle démarche depuis un modèle"),
        reverse(CHOOSE_URL_NAME, args=(page.pk,)),
        icon_name="doc-full-inverse",
        priority=20,
    )
