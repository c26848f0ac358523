"""What the wizard's buttons do besides « Continuer », so that everything works without
JavaScript: add or remove a group's item, search the birthplace, then re-render the step; keep
what was typed, and the files sent with it, before leaving a step unvalidated."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wagtail_passfamille.citizen.wizard_data import file_fields, remove_item

ADD_BUTTON = "passfamille_add"
REMOVE_BUTTON = "passfamille_remove"
SEARCH_BUTTON = "passfamille_search"
EXTEND_BUTTON = "passfamille_extend"


class WithoutJavaScriptMixin:
    """Step actions of ``DemarcheWizardView`` that never validate the step."""

    def change_group_items(self, step):
        """ "Ajouter un enfant" / "Retirer" without JavaScript: re-render, never validate."""
        data = self.request.POST.copy()
        form = self.get_form(step=step, data=data)
        if ADD_BUTTON in data:
            formset = form.formsets.get(data[ADD_BUTTON])
            if formset is not None:
                total = formset.total_form_count()
                data[formset.management_form.add_prefix("TOTAL_FORMS")] = str(
                    min(total + 1, formset.absolute_max)
                )
        else:
            group, _sep, index = data[REMOVE_BUTTON].rpartition("-")
            formset = form.formsets.get(group)
            if (
                formset is not None
                and index.isdigit()
                and formset.total_form_count() > formset.spec.min_items
            ):
                remove_item(data, formset, int(index))
                self.storage.remove_item_files(step, formset, int(index))
        form = self.get_form(step=step, data=data, files=self.storage.get_step_files(step))
        self.storage.set_step_data(step, self.get_form_step_data(form))
        form.show_errors = False
        return self.render(form)

    def commune_results(self, form, force=False):
        """Birthplace search results to show (search-then-choose, without JavaScript)."""
        results = {}
        for source, section in getattr(form, "certified_sections", {}).items():
            if not hasattr(section, "search_results"):
                continue
            chosen = form.data.get(form.add_prefix(section.name("commune")))
            if force or (form.is_bound and form.has_error(section.name("commune_recherche"))):
                if force or not chosen:
                    results[source] = section.search_results(form.data, form.prefix)
        return results

    def with_pending_search(self, step, data):
        """The posted data, the only commune found put in when a birthplace search was typed
        but not run (Enter in the search box); ``None`` when the citizen must choose first."""
        form_class = self.get_form_list().get(step)
        prefix = self.get_form_prefix(step)
        for section in getattr(form_class, "certified_sections", {}).values():
            found = (
                section.pending_search(data, prefix) if hasattr(section, "pending_search") else None
            )
            if found is None:
                continue
            if len(found) != 1:
                return None
            data = data.copy()
            data[f"{prefix}-{section.name('commune')}"] = found[0].code
        return data

    def search_commune(self, step):
        data = self.request.POST.copy()
        form = self.get_form(step=step, data=data, files=self.posted_files(step))
        for section in getattr(form, "certified_sections", {}).values():
            if hasattr(section, "search_results"):
                # A new search replaces the commune chosen before.
                data.pop(form.add_prefix(section.name("commune")), None)
        form = self.get_form(step=step, data=data, files=self.posted_files(step))
        self.storage.set_step_data(step, self.get_form_step_data(form))
        form.show_errors = False
        return self.render(
            form, commune_results=self.commune_results(form, force=True), commune_searched=True
        )

    def keep_typed(self, step, recap_slug) -> bool:
        """What was typed on the step, unvalidated, and the files sent with it in the same
        POST (« Enregistrer et reprendre plus tard », « Prolonger le délai », « Précédent »).
        Returns ``False`` when a file was refused (the citizen is told why)."""
        if step == recap_slug:
            return True
        form = self.get_form(step=step, data=self.request.POST, files=self.request.FILES)
        self.storage.set_step_data(step, self.get_form_step_data(form))
        return self.keep_posted_files(step, form)

    def keep_posted_files(self, step, form) -> bool:
        """The files sent with the step, checked as « Continuer » checks them (content, size,
        type), stored for the step in place of the earlier ones; a refused file is not kept
        and a French message says why. Returns ``False`` when a file was refused."""
        kept = {}
        refused = False
        for bound_field in file_fields(form):
            if bound_field.html_name not in self.request.FILES:
                continue
            try:
                uploaded = bound_field.field.clean(bound_field.data)
            except ValidationError as error:
                refused = True
                messages.warning(
                    self.request,
                    _("« %(field)s » : le fichier n'a pas été conservé. %(reason)s")
                    % {"field": bound_field.label, "reason": " ".join(error.messages)},
                )
                continue
            if uploaded:
                kept[bound_field.html_name] = uploaded
        if kept:
            self.storage.set_step_files(step, kept)
        return not refused

    def extend_lifetime(self, step, recap_slug):
        """« Prolonger le délai » (WCAG 2.2.1): keep what was typed, unvalidated, and start
        the idle lifetime anew; the page says until when."""
        self.keep_typed(step, recap_slug)
        self.storage.touch()
        messages.success(self.request, _("Délai prolongé : vos réponses sont conservées."))
        files = self.storage.get_step_files(step) if step != recap_slug else None
        form = self.get_form(step=step, data=self.request.POST, files=files)
        form.show_errors = False
        return self.render(form)
