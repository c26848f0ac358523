"""How a démarche page serves: its opening, the wizard's URLs, the receipt, the preview, and
the hooks an integrator overrides (in the manner of Wagtail's ``FormMixin``).

``DemarchePage`` inherits this mixin; the citizen's view and the editor's preview come through
Wagtail hooks (:func:`front_door`), so that models never import ``citizen`` or ``editor``.
"""

from __future__ import annotations

import secrets
import threading
import time

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.contrib.routable_page.models import path, re_path

from wagtail_passfamille.blocks.steps import RECAP_SLUG
from wagtail_passfamille.conf import get_setting, themed
from wagtail_passfamille.models import outcomes
from wagtail_passfamille.models.submissions import Submission

INSTANCE_RE = r"(?P<instance>[0-9a-f]{32})"

# Live steps decoded per process: {page id: ((page id, live revision, published at), steps)}.
_SHARED_STEPS: dict = {}
_SHARED_STEPS_LOCK = threading.Lock()


def front_door(hook_name: str):
    """What ``wagtail_hooks`` registers under ``hook_name`` for the page to serve.

    The page model serves the citizen's steps and the editor's preview, whose code sits above
    ``models`` (``citizen``, ``editor``): a Wagtail hook hands it over, so that models never
    import them. The hook registered last wins (``@hooks.register(name, order=…)``), which lets
    a site replace the wizard view or the preview from its own ``wagtail_hooks``.
    """
    registered = hooks.get_hooks(hook_name)
    if not registered:
        raise ImproperlyConfigured(
            f"No '{hook_name}' hook: is 'wagtail_passfamille' in INSTALLED_APPS?"
        )
    return registered[-1]()


class OpeningState(models.TextChoices):
    OPEN = "open", _("Ouverte")
    UPCOMING = "upcoming", _("Bientôt ouverte")
    CLOSED = "closed", _("Clôturée")


#: The session's record of which receipts may show their outcome ({"page:instance": bool}),
#: written by the wizard at submission.
DISCLOSED_KEY = "passfamille_disclosed"


class DemarcheServingMixin:
    """Serving a ``DemarchePage``: see the module's docstring."""

    # Opening --------------------------------------------------------------------------------

    def opening_state(self, now=None) -> OpeningState:
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return OpeningState.UPCOMING
        if self.closes_at and now >= self.closes_at:
            return OpeningState.CLOSED
        return OpeningState.OPEN

    def serve_not_open(self, request, state, status=200):
        context = self.get_context(request)
        context["opening_state"] = state
        response = TemplateResponse(request, themed("demarche_closed.html"), context)
        response.status_code = status
        return response

    # Hooks ----------------------------------------------------------------------------------

    def get_submission_class(self):
        """The model that stores this démarche's submissions: ``Submission``, or a proxy
        model of it (the back-office's rows — status changes, files, completion requests,
        upstream calls — point at ``Submission``, so a separate concrete model is not
        supported)."""
        return Submission

    def process_submission(self, wizard, form_dict):
        """Turn the valid step forms into a committed submission and return it.

        Called by the wizard's ``done()`` once every step is valid and no gate refuses. The
        default makes one row (answers, certified record, files) in one transaction;
        override to add to it, e.g. push the submission to the town's billing software
        after ``super()`` (or use ``after_submission()``, which runs inside the transaction).
        Raise ``citizen.submitting.SubmissionError`` to show the « incident technique » page.
        """
        return wizard.create_submission(form_dict)

    def after_submission(self, submission):
        """Called inside the submission's transaction: add related rows here."""

    def refresh_outcome(self, submission):
        """Recompute a submission's outcome (tariff, eligibility) from what it holds now."""
        outcomes.store(self, submission)

    def get_wizard_view_class(self):
        """The view that serves the steps: ``citizen.wizard.DemarcheWizardView`` by default.

        Models never import the citizen's views: the view comes from the
        ``passfamille_wizard_view`` hook (see :func:`front_door`).
        """
        return front_door("passfamille_wizard_view")

    @cached_property
    def step_blocks(self):
        """(stable step name, step value) for every step; names are the blocks' ids."""
        return [(child.id or str(index), child.value) for index, child in enumerate(self.steps)]

    def step_slug(self, name: str) -> str:
        for index, (step_name, _value) in enumerate(self.step_blocks):
            if step_name == name:
                return f"etape-{index + 1}"
        return RECAP_SLUG

    def step_name_from_slug(self, slug: str) -> str | None:
        if slug == RECAP_SLUG:
            return RECAP_SLUG
        prefix, _sep, number = slug.partition("-")
        if prefix == "etape" and number.isdigit() and 1 <= int(number) <= len(self.step_blocks):
            return self.step_blocks[int(number) - 1][0]
        return None

    def served_url(self) -> str:
        """The page's URL as this request reached it (see :meth:`route`), else ``url``, worked
        out once per page instance: a wizard's page names a dozen URLs of its own, and each
        ``url`` reads the sites' root paths from the cache and reverses Wagtail's serve URL."""
        if "_served_url" not in self.__dict__:
            self.__dict__["_served_url"] = self.url
        return self.__dict__["_served_url"]

    def route(self, request, path_components):
        result = super().route(request, path_components)
        # The path Wagtail routed here, less what the page's own routes resolve: the page's URL
        # on the site and host the citizen is using.
        subpath = "".join(f"{component}/" for component in path_components)
        if request.path.endswith(f"/{self.slug}/{subpath}"):
            self.__dict__["_served_url"] = request.path[: len(request.path) - len(subpath)]
        return result

    def instance_url(self, instance: str, slug: str) -> str:
        return self.served_url() + self.reverse_subpage(
            "step", kwargs={"instance": instance, "step": slug}
        )

    # Routes ---------------------------------------------------------------------------------

    #: Read from what :meth:`use_shared_steps` shares rather than from the page's row when the
    #: portal routes to the page (``models.page_rows``).
    deferred_when_served = ("steps", "eligibility", "tariffs")

    def serve(self, request, *args, **kwargs):
        self.use_shared_steps()
        return super().serve(request, *args, **kwargs)

    @path("")
    def start(self, request):
        """A bare GET starts a new instance: two tabs or two démarches never mix."""
        state = self.opening_state()
        if state is not OpeningState.OPEN:
            return self.serve_not_open(request, state)
        instance = secrets.token_hex(16)
        return redirect(self.instance_url(instance, "etape-1"))

    @re_path(rf"^{INSTANCE_RE}/(?P<step>etape-[0-9]+|{RECAP_SLUG})/$", name="step")
    def step(self, request, instance, step):
        state = self.opening_state()
        if state is not OpeningState.OPEN:
            return self.serve_not_open(request, state, 200 if request.method == "GET" else 403)
        view = self.get_wizard_view_class().as_view(page=self, url_name="step")
        return view(request, instance=instance, step=step)

    def use_shared_steps(self):
        """Read the live steps, gates and grids decoded once per process (they change only
        with a publication).

        Decoding the whole ``steps`` StreamField is a good part of a step's cost; the decoded
        blocks are read-only for the wizard. Keyed on the live revision and its publication
        time; previews and drafts never come here. The portal's routing leaves these streams
        out of the démarche's row (``deferred_when_served``): they are read here, once.
        """
        if not self.live or not self.live_revision_id:
            self.read_deferred_streams()
            return
        key = (self.pk, self.live_revision_id, self.last_published_at)
        with _SHARED_STEPS_LOCK:
            cached = _SHARED_STEPS.get(self.pk)
        if cached is None or cached[0] != key:
            self.read_deferred_streams()
            # step_blocks iterates the whole stream, page_rules both others: every block is
            # decoded before it is shared, so that other threads only ever read it.
            cached = (
                key,
                self.step_blocks,
                self.steps,
                self.children_fields(),
                outcomes.page_rules(self),
                self.eligibility,
                self.tariffs,
            )
            with _SHARED_STEPS_LOCK:
                _SHARED_STEPS[self.pk] = cached
        self.__dict__["step_blocks"] = cached[1]
        # The same decoded stream for what reads ``steps`` itself (the certified blocks): not
        # decoded again on every request; and the children's group and fields, which every
        # rules context reads (age rules), found once.
        self.__dict__["steps"] = cached[2]
        self.__dict__["shared_children_fields"] = cached[3]
        # The gates and grids (frozen), built once rather than at each outcome.
        self.__dict__["shared_rules"] = cached[4]
        self.__dict__["eligibility"], self.__dict__["tariffs"] = cached[5], cached[6]

    def read_deferred_streams(self):
        """The streams routing left out, read in one query rather than one per field (and
        without ``refresh_from_db()``, which forgets the parent the routing knew)."""
        deferred = sorted(self.get_deferred_fields() & set(self.deferred_when_served))
        if deferred:
            row = type(self)._base_manager.filter(pk=self.pk).values_list(*deferred).get()
            for name, value in zip(deferred, row):
                setattr(self, name, value)

    @re_path(rf"^{INSTANCE_RE}/confirmation/$", name="confirmation")
    def confirmation(self, request, instance):
        entry = request.session.get("passfamille_submitted", {}).get(f"{self.pk}:{instance}")
        # [id, submitted at]: the receipt is shown for RECEIPT_LIFETIME seconds after it.
        submission_id, submitted_at = entry if isinstance(entry, list) else (None, 0)
        if submission_id is None or time.time() - submitted_at > get_setting("RECEIPT_LIFETIME"):
            messages.info(request, _("Cette démarche n'est plus disponible dans cette session."))
            return redirect(self.url)
        submission = self.get_submission_class().objects.filter(pk=submission_id).first()
        if submission is None:
            raise Http404
        return self.render_landing_page(request, submission)

    def render_landing_page(self, request, submission):
        """The receipt (« accusé de réception ») shown after a submission; override to change
        what the citizen reads. Never cached: it names the citizen's reference."""
        context = self.get_context(request)
        lines = outcomes.summary_lines(submission.outcome)
        # Shown only when nothing of it came from an anonymous lookup (citizen.disclosure).
        disclose = bool((request.session.get(DISCLOSED_KEY) or {}).get(submission.instance_key))
        context.update(
            {
                "submission": submission,
                "has_contact_email": bool(submission.contact_email),
                "outcome_lines": lines if disclose else [],
                "outcome_withheld": bool(lines) and not disclose,
                "outcome_provisional": outcomes.is_provisional(
                    submission.outcome, [submission.verification]
                ),
            }
        )
        # FranceConnect offered to see the outcome now (``citizen.franceconnect.receipt``).
        context.update(front_door("passfamille_receipt")(self, request, submission, disclose))
        response = TemplateResponse(request, themed("wizard/confirmation.html"), context)
        response["Cache-Control"] = "private, no-store"
        return response

    # Preview --------------------------------------------------------------------------------

    @property
    def preview_modes(self):
        modes = [
            (f"etape-{i + 1}", _("Étape %(n)s : %(title)s") % {"n": i + 1, "title": v["title"]})
            for i, (_n, v) in enumerate(self.step_blocks)
        ]
        families = front_door("passfamille_preview").family_modes(self)
        return [*modes, (RECAP_SLUG, _("Récapitulatif")), *families]

    @property
    def default_preview_mode(self):
        return "etape-1"

    def serve_preview(self, request, mode_name):
        return front_door("passfamille_preview").serve_step_preview(self, request, mode_name)
