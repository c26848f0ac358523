"""What the wizard knows of FranceConnect: the templates' context, what may be disclosed, the
identified citizen's own data to show, their identity fields locked and their file's children
offered to the children group."""

from __future__ import annotations

from wagtail_passfamille.citizen.certified_forms import FRANCE_CONNECT_SOURCES
from wagtail_passfamille.citizen.disclosure import wizard_may_disclose
from wagtail_passfamille.citizen.franceconnect import children, identity_fields, session
from wagtail_passfamille.citizen.franceconnect import data as franceconnect_data
from wagtail_passfamille.citizen.franceconnect import display as franceconnect_display
from wagtail_passfamille.citizen.franceconnect import hooks as franceconnect_hooks
from wagtail_passfamille.citizen.step_plans import memoized


class FranceConnectWizardMixin:
    def dispatch(self, request, *args, **kwargs):
        # The sources FranceConnect already fetched: their sections ask for nothing this request.
        sources = franceconnect_data.verified_sources(request, self.page)
        token = FRANCE_CONNECT_SOURCES.set(sources)
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            FRANCE_CONNECT_SOURCES.reset(token)

    def franceconnect_merge(self):
        """At each request: the identified citizen's certified data into the wizard's store,
        and FranceConnect's identity into the stored identity fields."""
        franceconnect_data.merge_into(self)
        changed = False
        for name, step_value in self.page.step_blocks:
            values = self.identity_locks(name, step_value)
            stored = self.storage.get_step_data(name) if values else None
            if stored is None:
                continue
            locked = identity_fields.locked_data(stored, self.get_form_prefix(name), values)
            if dict(locked.lists()) != dict(stored.lists()):
                self.storage.set_step_data(name, locked)
                changed = True
        if changed:  # what was validated from the old values is out of date
            self._cleaned_steps = {}
            self._form_list = None

    def identity_locks(self, step, step_value=None):
        """field → FranceConnect's value, for the step's identity fields (identified only)."""
        if step_value is None:
            step_value = dict(self.page.step_blocks).get(step)
        if step_value is None or not memoized(step_value, "identity", identity_fields.tokens):
            return {}
        if "_franceconnect_login" not in self.__dict__:
            self._franceconnect_login = session.current_login(self.request)
        login = self._franceconnect_login
        return identity_fields.locks(step_value, login.claims) if login else {}

    def get_form(self, step=None, data=None, files=None):
        step = self.steps.current if step is None else step
        values = self.identity_locks(step)
        if values and data is not None:  # what is posted in a locked field is ignored
            data = identity_fields.locked_data(data, self.get_form_prefix(step), values)
        form = super().get_form(step=step, data=data, files=files)
        identity_fields.mark(form, values)
        children.attach(self, form)
        return form

    def get_form_initial(self, step):
        initial = dict(super().get_form_initial(step) or {})
        initial.update(self.identity_locks(step))
        return initial

    def franceconnect_children(self, step):
        """« Ajouter les enfants cochés » (the file's children into the group), or None."""
        return children.add_ticked(self, step)

    def report_error_email(self):
        return identity_fields.report_email(self.page.service_contact)

    @property
    def franceconnect(self):
        """``franceconnect`` of the templates (offered, required, identified, identity)."""
        if not hasattr(self, "_franceconnect"):
            mode = franceconnect_hooks.mode(self.page)
            self._franceconnect = franceconnect_display.context(self.request, self.page, mode)
        return self._franceconnect

    def discloses(self):
        """Whether outcomes may be shown: never derived from an anonymous lookup's answer."""
        return wizard_may_disclose(self)

    def franceconnect_results(self):
        """What the identified citizen is shown of their own data, per source name."""
        if not self.franceconnect["identified"]:
            return {}
        return {
            name: franceconnect_display.shown(name, result)
            for name, result in franceconnect_data.stored(self.request, self.page).items()
        }
