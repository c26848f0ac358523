"""The multi-step view of a démarche, mounted by ``DemarchePage.step()``.

Built on django-formtools' named-URL session wizard, with what a public démarche needs on top:
one wizard instance per URL (two tabs never mix), encrypted storage with an idle lifetime,
steps shown or skipped by conditions evaluated on the server, no jumping ahead, "Précédent" and
"Ajouter/Retirer" buttons that keep what was typed, a recap, and a final submit that gives one
submission however often it is posted.
"""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db import DatabaseError
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from formtools.wizard.views import NamedUrlSessionWizardView

from wagtail_passfamille.blocks.steps import RECAP_SLUG
from wagtail_passfamille.citizen.certified import run_step_lookups, step_status, wizard_certified
from wagtail_passfamille.citizen.disclosure import remember_receipt
from wagtail_passfamille.citizen.drafts import SAVE_BUTTON, DraftWizardMixin
from wagtail_passfamille.citizen.final_forms import final_forms
from wagtail_passfamille.citizen.forms import StepForm
from wagtail_passfamille.citizen.franceconnect.views import end_session
from wagtail_passfamille.citizen.franceconnect.wizard import FranceConnectWizardMixin
from wagtail_passfamille.citizen.per_child import PerChildMixin
from wagtail_passfamille.citizen.recap import build_recap
from wagtail_passfamille.citizen.storage import session_cookie
from wagtail_passfamille.citizen.submitting import SubmissionError, submit
from wagtail_passfamille.citizen.uploads import wizard_file_storage
from wagtail_passfamille.citizen.wizard_actions import (
    ADD_BUTTON,
    EXTEND_BUTTON,
    REMOVE_BUTTON,
    SEARCH_BUTTON,
    WithoutJavaScriptMixin,
)
from wagtail_passfamille.citizen.wizard_data import file_fields, posted_keys
from wagtail_passfamille.citizen.wizard_session import WizardSessionMixin
from wagtail_passfamille.citizen.wizard_steps import VisibleStepsMixin
from wagtail_passfamille.conf import get_setting, themed
from wagtail_passfamille.models import outcomes
from wagtail_passfamille.security.cache import CacheUnavailable
from wagtail_passfamille.security.client_ip import client_ip
from wagtail_passfamille.security.throttle import hit

logger = logging.getLogger(__name__)

MAX_POSTED_FIELDS = 1000
BACK_BUTTON = "wizard_goto_step"


class DemarcheWizardView(
    WizardSessionMixin,
    FranceConnectWizardMixin,
    PerChildMixin,
    WithoutJavaScriptMixin,
    DraftWizardMixin,
    VisibleStepsMixin,
    NamedUrlSessionWizardView,
):
    page = None
    storage_name = "wagtail_passfamille.citizen.storage.EncryptedSessionStorage"
    form_list = {"_": StepForm}  # replaced per request by get_form_list()

    @classmethod
    def get_initkwargs(cls, *args, page=None, **kwargs):
        initkwargs = super().get_initkwargs(form_list=[("_", StepForm)], **kwargs)
        initkwargs["page"] = page
        return initkwargs

    # Instance and storage --------------------------------------------------------------------

    def get_template_names(self):
        return themed("wizard/step.html")

    def get_prefix(self, request, *args, **kwargs):
        return f"passfamille_{self.page.pk}_{kwargs['instance']}"

    @property
    def file_storage(self):

        return wizard_file_storage()

    def dispatch(self, request, *args, **kwargs):
        self.instance = kwargs["instance"]
        self._cleaned_steps = {}
        self._kept_keys = {}
        self._form_list = None
        self._step_states = {}  # see VisibleStepsMixin.get_form_list
        try:
            response = super().dispatch(request, *args, **kwargs)
        except DatabaseError:
            # The database dropped while the step was handled (a lookup's audit rows, a
            # setting): the step again with what was posted, not a 500 that the session
            # middleware, failing to save in turn, would make the site's 400 page.
            logger.warning("Wizard step not handled (database unavailable)")
            request.session.modified = False
            response = self.session_not_saved()
        if not self.save_session():
            response = self.session_not_saved()
        elif self.request.method == "POST":
            session_cookie(request, response)
        add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response

    def submitted_key(self):
        return f"{self.page.pk}:{self.instance}"

    def already_submitted(self):
        return self.request.session.get("passfamille_submitted", {}).get(self.submitted_key())

    def restart(self, message):
        # "expired": the next page's title says so too (WCAG 2.4.2).
        messages.warning(self.request, message, extra_tags="expired")
        return redirect(self.page.served_url())

    def check_instance(self):
        """A redirect when the instance cannot be used (submitted, expired, unknown)."""
        if self.already_submitted():
            return redirect(self.confirmation_url())
        if not self.storage.found:
            if self.storage.expired or self.request.method == "POST":
                return self.restart(
                    _(
                        "Votre démarche a expiré après une période d'inactivité : vos réponses "
                        "ont été effacées pour protéger vos données. Merci de recommencer."
                    )
                )
            # A brand-new instance (the page's start URL redirected here).
            self.storage.current_step = self.steps.first
        # An identified citizen's certified data, fetched in FranceConnect's callback.
        self.franceconnect_merge()
        return None

    def confirmation_url(self):
        return self.page.served_url() + self.page.reverse_subpage(
            "confirmation", kwargs={"instance": self.instance}
        )

    def get_step_url(self, step):
        slug = RECAP_SLUG if step == RECAP_SLUG else self.page.step_slug(step)
        return self.page.instance_url(self.instance, slug)

    # GET and POST ----------------------------------------------------------------------------

    def resolve_step(self, slug):
        name = self.page.step_name_from_slug(slug)
        return name if name in self.get_form_list() else None

    def get(self, request, *args, **kwargs):
        if response := self.check_instance():
            return response
        self.announce_resume(RECAP_SLUG)  # once, after « Enregistrer et reprendre plus tard »
        step = self.resolve_step(kwargs["step"])
        if step is None or not self.reachable(step):
            return redirect(self.get_step_url(self.first_incomplete_step()))
        self.storage.current_step = step
        form = self.get_form(
            step=step,
            data=self.storage.get_step_data(step),
            files=self.storage.get_step_files(step),
        )
        form.show_errors = False
        return self.render(form)

    def post(self, request, *args, **kwargs):
        if len(request.POST) > MAX_POSTED_FIELDS:
            # The site's 400 page; what was stored from earlier steps is untouched.
            raise BadRequest("Too many fields")
        if response := self.check_instance():
            return response
        step = self.resolve_step(kwargs["step"])
        if step is None or not self.reachable(step):
            messages.warning(request, _("Complétez d'abord cette étape."))
            return redirect(self.get_step_url(self.first_incomplete_step()))
        self.storage.current_step = step

        goto = request.POST.get(BACK_BUTTON)
        if goto:
            return self.go_back(step, goto)
        if self.franceconnect["required"] and not self.franceconnect["identified"]:
            messages.warning(request, _("Identifiez-vous avec FranceConnect pour continuer."))
            return redirect(self.get_step_url(step))
        if ADD_BUTTON in request.POST or REMOVE_BUTTON in request.POST:
            return self.change_group_items(step)
        if EXTEND_BUTTON in request.POST:
            return self.extend_lifetime(step, RECAP_SLUG)
        if SAVE_BUTTON in request.POST:
            return self.save_for_later(step, RECAP_SLUG)
        if SEARCH_BUTTON in request.POST:
            return self.search_commune(step)
        if response := self.franceconnect_children(step):  # the file's children ticked
            return response
        data = self.with_pending_search(step, request.POST)
        if data is None:
            return self.search_commune(step)

        form = self.get_form(step=step, data=data, files=self.posted_files(step))
        if not form.is_valid():
            return self.render(form, commune_results=self.commune_results(form))
        # Certified data are fetched here, once per identifier set, never in clean().
        if not run_step_lookups(self, form):
            return self.render(form)
        self.store_step(step, form)
        if step == RECAP_SLUG:
            return self.render_done(form, **kwargs)
        # A gate that refuses stops the démarche here, with its message (gates only: tariffs
        # never stop anyone) — unless the verdict comes from an anonymous lookup: saying it
        # would tell a stranger's situation; the submission carries it to the agents.
        outcome = self.outcome() if len(self.page.eligibility) else None
        if outcome is not None and not outcome.can_submit and self.discloses_outcome(outcome):
            return self.render(form, stopped=outcome.summary_lines(self.child_names()))
        next_step = self.next_step_after(step)
        self.storage.current_step = next_step  # the next GET then changes nothing to store
        return redirect(self.get_step_url(next_step))

    def posted_files(self, step):
        """Files sent now, over those already stored for this step (no need to send again)."""
        stored = self.storage.get_step_files(step) or {}
        files = MultiValueDict({key: [value] for key, value in stored.items()})
        for key in self.request.FILES:
            files.setlist(key, self.request.FILES.getlist(key))
        return files

    def process_step_files(self, form):
        """Only the new uploads of the form's file fields reach the wizard's file storage."""
        return {
            bound_field.html_name: form.files[bound_field.html_name]
            for bound_field in file_fields(form)
            if bound_field.html_name in self.request.FILES and bound_field.html_name in form.files
        }

    def store_step(self, step, form):
        self.storage.set_step_data(step, self.process_step(form))
        self.storage.set_step_files(step, self.process_step_files(form))
        if step == RECAP_SLUG:  # no step reads the recap's box: what was decided stands
            self._cleaned_steps[step] = form.cleaned_data
            return
        # The posted form was just validated: no need to validate its stored copy again. The
        # later steps are recalled anew: their kept answers say whether this change affects
        # them. The earlier ones read only earlier answers: they stay as they are, unless
        # certified data were fetched (a condition on them may now show an earlier step).
        fetched = bool(getattr(form, "certified_sections", None))
        steps = list(self.get_form_list())
        earlier = [] if fetched else steps[: steps.index(step)]
        cleaned = {
            name: self._cleaned_steps[name] for name in earlier if name in self._cleaned_steps
        }
        self._cleaned_steps = {**cleaned, step: form.cleaned_data}
        self._form_list = None  # conditions may now show or hide later steps
        self._resume_from = None if fetched else step
        self.__dict__.pop("_certified_for_rules", None)

    def next_step_after(self, step):
        steps = list(self.get_form_list())
        return steps[steps.index(step) + 1] if step in steps else self.first_incomplete_step()

    def go_back(self, step, goto):
        """Keep what was typed on this step (unvalidated) and the files sent with it, then show
        the earlier step (which says when a file was refused)."""
        self.keep_typed(step, RECAP_SLUG)
        target = self.page.step_name_from_slug(goto) or goto
        if target not in self.get_form_list():
            target = self.steps.first
        return redirect(self.get_step_url(target))

    # Storage of step data --------------------------------------------------------------------

    def get_form_step_data(self, form):
        """Only the keys this step's form reads: nothing else posted reaches the session."""
        return {key: form.data.getlist(key) for key in posted_keys(form) if key in form.data}

    def process_step(self, form):
        return self.get_form_step_data(form)

    # Done ------------------------------------------------------------------------------------

    def render_done(self, form, **kwargs):
        """The recap was posted: every step checked again (:mod:`.final_forms`), then ``done()``."""
        limit, window = get_setting("SUBMIT_LIMIT_PER_IP")
        try:
            throttled = not hit("submit", client_ip(self.request), limit, window)
        except CacheUnavailable:  # counters down: the submission is accepted, not refused
            throttled = False
        if throttled:
            return self.render(form, throttled=True)
        forms, invalid = final_forms(self)  # only what this request cannot vouch for
        if invalid is not None:
            messages.warning(self.request, _("Vérifiez cette étape avant d'envoyer."))
            return redirect(self.get_step_url(invalid))
        return self.done(list(forms.values()), form_dict=forms, recap_form=form)

    def done(self, form_list, form_dict=None, **kwargs):
        """Every step is valid: the submission is made by the page's ``process_submission()``
        hook, then the citizen goes to the receipt (Post/Redirect/Get)."""
        recap_form = kwargs["recap_form"]
        outcome = self.outcome()
        disclose = self.discloses()
        if outcome is not None and not outcome.can_submit and self.discloses_outcome(outcome):
            return self.render(recap_form, stopped=outcome.summary_lines(self.child_names()))
        try:
            submission = self.page.process_submission(self, form_dict)
        except SubmissionError:
            return self.render(recap_form, submit_failed=True)
        submitted = self.request.session.setdefault("passfamille_submitted", {})
        # The receipt is shown for RECEIPT_LIFETIME after the submission only.
        submitted[self.submitted_key()] = [submission.pk, int(time.time())]
        remember_receipt(self.request, self.submitted_key(), disclose)
        self.request.session.modified = True
        if not self.request.user.is_authenticated:
            # A citizen's session ends soon after the receipt: its cookie replayed later opens
            # nothing. Agents and editors trying a démarche keep their own session's lifetime.
            self.request.session.set_expiry(get_setting("RECEIPT_LIFETIME"))
        self.storage.discard()
        if self.franceconnect["identified"]:
            # FranceConnect's session ends at submission: the citizen is sent through
            # session/end, then to the receipt.
            return end_session(self.request, self.confirmation_url())
        return redirect(self.confirmation_url())

    def create_submission(self, form_dict):
        """One committed submission from the valid step forms (the default of the page's
        ``process_submission()``); replays of the same instance get the same row."""
        return submit(self, form_dict)

    def render(self, form=None, **kwargs):
        form = form or self.get_form()
        context = self.get_context_data(form=form, **kwargs)
        response = self.render_to_response(context)
        if kwargs.get("throttled") or kwargs.get("submit_failed"):
            response.status_code = 429 if kwargs.get("throttled") else 503
        return response

    def get_context_data(self, form, **kwargs):

        context = super().get_context_data(form=form, **kwargs)
        context.update(self.page.get_context(self.request))
        steps = list(self.get_form_list())
        current = self.steps.current
        index = steps.index(current) if current in steps else 0
        step_values = dict(self.page.step_blocks)
        context.update(
            {
                "page": self.page,
                "step_value": step_values.get(current),
                "step_number": index + 1,
                # Shown only when known: « Étape 4 », then never « Étape 5 sur 7 » after « sur 6 ».
                "step_count": None if self._steps_undecided else len(steps),
                "is_recap": current == RECAP_SLUG,
                "previous_slug": self.slug(steps[index - 1]) if index > 0 else None,
                "form_action": self.get_step_url(current),
                "throttled": kwargs.get("throttled", False),
                "submit_failed": kwargs.get("submit_failed", False),
                "certified_status": step_status(self),
                "stopped": kwargs.get("stopped"),
                "commune_results": kwargs.get("commune_results") or {},
                # Without JavaScript the results take the focus (autofocus) after a search.
                "commune_searched": kwargs.get("commune_searched", False),
                **self.time_limit(),
                "franceconnect": self.franceconnect,
                "franceconnect_data": self.franceconnect_results(),
            }
        )
        refused = context["refused_children"] = self.refused_lines(self.per_child_outcome())
        if current == RECAP_SLUG:
            context["recap"] = build_recap(self)
            outcome = self.outcome()
            self.mark_refused_items(context["recap"], outcome)
            if outcome is not None and self.discloses():
                lines = outcome.summary_lines(self.child_names())
                context["outcome_lines"] = [line for line in lines if line not in refused]
                context["outcome_blocks"] = not outcome.can_submit
                states = wizard_certified(self).states()
                context["outcome_provisional"] = outcomes.is_provisional(outcome, states)
            elif outcome is not None:
                context["outcome_withheld"] = True
        return context

    def slug(self, step):
        return RECAP_SLUG if step == RECAP_SLUG else self.page.step_slug(step)
