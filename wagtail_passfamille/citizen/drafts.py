"""« Enregistrer et reprendre plus tard »: a démarche saved server-side, encrypted, and resumed
once through an e-mailed link (or from « Mes démarches » for a citizen identified with
FranceConnect).

- The button (``SAVE_BUTTON``) is on every step, in the step's form: it keeps what was typed on
  the step (unvalidated, as « Prolonger le délai » does) and leads to the save page, with or
  without JavaScript.
- The save page asks an anonymous citizen for an e-mail address, stores a :class:`Draft` (the
  wizard's data, with copies of the uploads, encrypted) and e-mails a single-use link valid
  ``DRAFT_LIFETIME``; only a keyed hash of the link's token is stored. The e-mail names the
  démarche and the link, nothing the citizen answered. Sending is rate-limited per IP and per
  address. An identified citizen's draft is kept for « Mes démarches » instead.
- The link's page asks for a click (a mail scanner's GET must not spend a single-use link);
  resuming copies the data back into a new wizard instance and deletes the draft. The démarche
  opens at the step where it stopped; when a new revision was published meanwhile, the answers
  still valid are kept and the citizen is told which must be given again.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import secrets

from django import forms
from django.contrib import messages
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from wagtail_passfamille.blocks.steps import RECAP_SLUG
from wagtail_passfamille.citizen.kept_answers import KEPT
from wagtail_passfamille.citizen.owner import owner_of
from wagtail_passfamille.citizen.storage import EncryptedSessionStorage
from wagtail_passfamille.citizen.uploads import RandomNameStorage, wizard_file_storage
from wagtail_passfamille.conf import get_setting, themed
from wagtail_passfamille.models import DemarchePage, Draft, PassFamilleSettings
from wagtail_passfamille.models.backoffice import public_root_url
from wagtail_passfamille.models.drafts import DRAFT_PREFIX, token_hash
from wagtail_passfamille.security.cache import CacheUnavailable
from wagtail_passfamille.security.client_ip import client_ip
from wagtail_passfamille.security.throttle import hit

logger = logging.getLogger(__name__)

SAVE_BUTTON = "passfamille_save_draft"
#: Put in the restored wizard's extra data: the next step shown says the démarche was resumed.
RESUMED = "resumed_draft"


def draft_file_storage() -> RandomNameStorage:
    return RandomNameStorage(DRAFT_PREFIX)


def wizard_storage(request, page, instance) -> EncryptedSessionStorage:
    """The wizard's storage of ``instance`` (the prefix ``DemarcheWizardView`` uses)."""
    return EncryptedSessionStorage(
        f"passfamille_{page.pk}_{instance}", request, wizard_file_storage()
    )


def step_url(page, instance, step) -> str:
    slug = RECAP_SLUG if step in (None, RECAP_SLUG) else page.step_slug(step)
    return page.instance_url(instance, slug)


def _copy_files(data, source, target) -> list[str]:
    """Copy the step files of ``data`` from one storage to the other (in place); a file gone
    meanwhile is dropped (the step then asks for it again). Returns the new names."""
    names = []
    for fields in (data.get("step_files") or {}).values():
        for field, info in list(fields.items()):
            try:
                with source.open(info["tmp_name"]) as handle:
                    info["tmp_name"] = target.save("", handle)
            except (FileNotFoundError, OSError, KeyError):
                del fields[field]
                continue
            names.append(info["tmp_name"])
    return names


def create_draft(page, storage, owner: str = "") -> tuple[Draft, str]:
    """Store the wizard's data as a draft; returns it and the resume link's token."""
    data = copy.deepcopy(storage.data)
    data.pop(KEPT, None)  # validated again on resume, against the revision live then
    data.get("extra_data", {}).pop(RESUMED, None)
    names = _copy_files(data, wizard_file_storage(), draft_file_storage())
    token = secrets.token_urlsafe(32)
    lifetime = dt.timedelta(seconds=get_setting("DRAFT_LIFETIME"))
    draft = Draft.objects.create(
        page=page,
        token_hash=token_hash(token),
        owner=owner,
        data=data,
        revision_id=page.live_revision_id,
        file_names=names,
        expires_at=timezone.now() + lifetime,
    )
    return draft, token


def restore(request, draft: Draft) -> str:
    """Copy a draft into a new wizard instance of this session and delete it (call inside a
    transaction holding the draft's row); returns the URL of the step where it stopped."""
    page = draft.page.specific
    data = draft.data
    _copy_files(data, draft_file_storage(), wizard_file_storage())
    data.setdefault("extra_data", {})[RESUMED] = {
        "revision": draft.revision_id,
        "step": data.get("step"),
    }
    instance = secrets.token_hex(16)
    storage = wizard_storage(request, page, instance)
    storage.data = data
    storage.touch()
    storage.update_response(None)
    draft.delete_with_files()
    return step_url(page, instance, data.get("step"))


class DraftWizardMixin:
    """The save button and the resume notice, for ``DemarcheWizardView``."""

    def save_for_later(self, step, recap_slug):
        """Keep what was typed on this step (unvalidated) and the files sent with it, then the
        save page; the step again when a file was refused, so that the citizen knows the draft
        would lack it (nothing typed is lost: pressing the button again saves)."""
        kept = self.keep_typed(step, recap_slug)
        self.storage.touch()
        if not kept:
            return redirect(self.get_step_url(step))
        return redirect(
            reverse("wagtail_passfamille:draft_save", args=[self.page.pk, self.instance])
        )

    def announce_resume(self, recap_slug):
        """Once, on the first step shown after a resume: what must be answered again."""
        resumed = self.storage.extra_data.pop(RESUMED, None)
        if not resumed:
            return
        if resumed.get("revision") == self.page.live_revision_id:
            messages.success(
                self.request, _("Vous reprenez votre démarche là où vous l'aviez laissée.")
            )
            return
        titles = dict(self.page.step_blocks)
        again = []
        for name in self.get_form_list():
            # The steps before the one where the citizen stopped (that one was never sent).
            if name in (recap_slug, resumed.get("step")):
                break
            if self.cleaned_step(name) is None:
                again.append(self._to_answer_again(name, titles[name]["title"]))
        if not again:
            messages.info(
                self.request,
                _(
                    "La démarche a été modifiée depuis que vous l'avez enregistrée ; vos "
                    "réponses s'appliquent toujours et sont conservées."
                ),
            )
            return
        messages.warning(
            self.request,
            _(
                "La démarche a été modifiée depuis que vous l'avez enregistrée. Les réponses "
                "qui s'appliquent encore sont conservées ; répondez de nouveau à : %(items)s."
            )
            % {"items": " ; ".join(again)},
        )

    def _to_answer_again(self, name, title):
        data = self.storage.get_step_data(name)
        form = self.get_form(step=name, data=data, files=self.storage.get_step_files(name))
        labels = []
        if data is not None and not form.is_valid():
            labels = [str(form.fields[key].label) for key in form.errors if key in form.fields]
            for formset in getattr(form, "formsets", {}).values():
                for item in formset.forms:
                    for key in item.errors:
                        label = str(item.fields[key].label) if key in item.fields else None
                        if label and label not in labels:
                            labels.append(label)
        if labels:
            return _("« %(step)s » (%(fields)s)") % {"step": title, "fields": ", ".join(labels)}
        return _("« %(step)s »") % {"step": title}


# Views ------------------------------------------------------------------------------------------


class DraftEmailForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Votre adresse e-mail"),
        help_text=gettext_lazy("Par exemple : nom@exemple.fr"),
        max_length=254,
        error_messages={
            "required": gettext_lazy("Indiquez l'adresse e-mail où recevoir le lien."),
            "invalid": gettext_lazy(
                "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    show_errors = True


def _render(request, template, context, status=200):
    context = {"base_template": get_setting("BASE_TEMPLATE"), **context}
    response = TemplateResponse(request, themed(template), context, status=status)
    response["Cache-Control"] = "private, no-store"
    # A resume link's token never leaves in a Referer to another site; "no-referrer" would
    # also make the browser post « Origin: null », which CSRF checks refuse.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _live_demarche(page_id) -> DemarchePage:
    page = DemarchePage.objects.live().filter(pk=page_id).first()
    if page is None:
        raise Http404
    return page


def _throttled(request, email) -> bool:
    per_ip, ip_window = get_setting("DRAFT_EMAIL_LIMIT_PER_IP")
    per_address, address_window = get_setting("DRAFT_EMAIL_LIMIT_PER_ADDRESS")
    try:
        return not (
            hit("draft-email-ip", client_ip(request), per_ip, ip_window)
            and hit("draft-email-to", email.strip().casefold(), per_address, address_window)
        )
    except CacheUnavailable:  # counters down: the citizen's answers are saved, not refused
        return False


def resume_url(page, token) -> str:
    return public_root_url(page) + reverse("wagtail_passfamille:draft_resume", args=[token])


def resume_message(page, draft, token, email) -> EmailMessage:
    """The e-mail of the resume link: the démarche, the link and its expiry, nothing answered."""
    site = page.get_site()
    town = PassFamilleSettings.for_site(site) if site else None
    context = {
        "demarche": page.title,
        "collectivite": (town.collectivite if town else "") or (site.site_name if site else ""),
        "url": resume_url(page, token),
        "expires_at": timezone.localtime(draft.expires_at),
    }
    subject = render_to_string("wagtail_passfamille/emails/draft_subject.txt", context)
    body = render_to_string("wagtail_passfamille/emails/draft.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[email])


@never_cache
@csrf_protect
def save_view(request, page_id, instance):
    """Save the démarche: by e-mail for an anonymous citizen, in « Mes démarches » for an
    identified one."""
    page = _live_demarche(page_id)
    if len(instance) != 32 or not all(c in "0123456789abcdef" for c in instance):
        raise Http404
    storage = wizard_storage(request, page, instance)
    if not storage.found:
        messages.warning(
            request,
            _(
                "Votre démarche a expiré après une période d'inactivité : vos réponses ont été "
                "effacées pour protéger vos données. Merci de recommencer."
            ),
            extra_tags="expired",
        )
        return redirect(page.url)
    back = step_url(page, instance, storage.current_step)
    owner = owner_of(request)
    context = {"page": page, "back": back, "identified": bool(owner)}
    context["lifetime_days"] = get_setting("DRAFT_LIFETIME") // 86400
    if request.method != "POST":
        return _render(request, "drafts/save.html", {**context, "form": DraftEmailForm()})
    if owner:
        create_draft(page, storage, owner)
        messages.success(
            request,
            _("Votre démarche est enregistrée : reprenez-la ici quand vous le souhaitez."),
        )
        return redirect(reverse("wagtail_passfamille:my_demarches"))
    form = DraftEmailForm(request.POST)
    if not form.is_valid():
        return _render(request, "drafts/save.html", {**context, "form": form})
    email = form.cleaned_data["email"]
    if _throttled(request, email):
        context["throttled"] = True
        return _render(request, "drafts/save.html", {**context, "form": form}, status=429)
    draft, token = create_draft(page, storage)
    try:
        resume_message(page, draft, token, email).send()
    except Exception as error:  # SMTP down: no draft without its link
        logger.warning("Resume link not sent: %s", type(error).__name__)
        draft.delete_with_files()
        context["send_failed"] = True
        return _render(request, "drafts/save.html", {**context, "form": form}, status=503)
    return _render(request, "drafts/saved.html", {**context, "expires_at": draft.expires_at})


def _unavailable(request, reason, page=None, status=410):
    texts = {
        "used": _(
            "Ce lien n'est pas valide ou a déjà servi : un lien de reprise ne sert qu'une fois. "
            "Si vous avez déjà repris votre démarche, continuez-la dans la même fenêtre."
        ),
        "expired": _(
            "Ce lien a expiré : les démarches enregistrées sont effacées après %(days)s jours. "
            "Merci de recommencer votre démarche."
        )
        % {"days": get_setting("DRAFT_LIFETIME") // 86400},
    }
    return _render(
        request, "drafts/unavailable.html", {"message": texts[reason], "page": page}, status=status
    )


@never_cache
@csrf_protect
def resume_view(request, token):
    """GET: a button (a link scanner must not spend the link); POST: resume, once."""
    if len(token) > 100:
        return _unavailable(request, "used", status=404)
    with transaction.atomic():
        found = Draft.objects.select_related("page")
        if request.method == "POST":
            found = found.select_for_update(of=("self",))
        draft = found.filter(token_hash=token_hash(token)).first()
        if draft is None:
            return _unavailable(request, "used", status=404)
        page = draft.page.specific
        if not draft.is_open:
            return _unavailable(request, "expired", page)
        if request.method != "POST":
            return _render(request, "drafts/resume.html", {"page": page, "draft": draft})
        return redirect(restore(request, draft))


urlpatterns = [
    path(
        "enregistrer/<int:page_id>/<str:instance>/",
        save_view,
        name="draft_save",
    ),
    path("reprendre/<str:token>/", resume_view, name="draft_resume"),
]
