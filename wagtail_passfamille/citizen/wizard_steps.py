"""The wizard's steps: which are shown (conditions on earlier answers), their form classes,
and their answers, validated again only where a change can affect them.

A mixin of ``citizen.wizard.DemarcheWizardView`` (``self.page``, ``self.storage`` and
``PerChildMixin.ages()`` are the view's).
"""

from __future__ import annotations

from collections import OrderedDict

from django.utils import timezone

from wagtail_passfamille.blocks.steps import RECAP_SLUG
from wagtail_passfamille.citizen import kept_answers
from wagtail_passfamille.citizen.certified import wizard_certified
from wagtail_passfamille.citizen.forms import FormBuilder, to_answer
from wagtail_passfamille.citizen.step_plans import reads_certified, step_plan
from wagtail_passfamille.citizen.wizard_forms import (
    RecapForm,
    cached_form_class,
    hidden_by_paths,
    same_step_form_class,
    same_step_visibility,
)
from wagtail_passfamille.models import outcomes
from wagtail_passfamille.rules.conditions import evaluate
from wagtail_passfamille.rules.logic import Truth
from wagtail_passfamille.rules.variables import RESERVED_PREFIXES


class VisibleStepsMixin:
    def rules_context(self, answers, rule=None):
        """Answers so far plus the certified data fetched so far (they never leave the server).

        A rule on answers only gets a context of answers only: much cheaper, the same truth.
        """
        if rule is not None and not any(
            name.partition(".")[0] in RESERVED_PREFIXES for name in rule.variables()
        ):
            return outcomes.rules_context(self.page, answers)
        if not hasattr(self, "_certified_for_rules"):
            self._certified_for_rules = wizard_certified(self)
        return outcomes.rules_context(self.page, answers, self._certified_for_rules)

    def outcome(self):
        """Gates and tariffs on everything known now (recomputed, never read from POST)."""
        self.get_form_list()
        return outcomes.compute(self.page, self.all_answers(), wizard_certified(self))

    def all_answers(self):
        answers = {}
        for name in self.get_form_list():
            if name != RECAP_SLUG:
                answers.update(to_answer(self.cleaned_step(name) or {}))
        return answers

    def get_form_list(self):
        """Visible steps in order: a step's condition reads the answers of the steps before."""
        if self._form_list is not None:
            return OrderedDict(self._form_list)
        resume = self._step_states.get(self.__dict__.pop("_resume_from", None))
        if resume is not None:
            # The steps before the one just stored are as the previous pass found them: their
            # conditions and answers read only earlier answers (see ``store_step``).
            first, form_list, answers, validated, self._steps_undecided = resume
            form_list, answers, validated = OrderedDict(form_list), dict(answers), list(validated)
        else:
            first, form_list, answers, validated = 0, OrderedDict(), {}, []
            self._steps_undecided = False
            self._today = timezone.localdate()  # what the kept answers were validated on
        contexts = {}

        def context(rule):
            """The rules context of the answers so far: one per kind (certified or not)."""
            if (kind := reads_certified(rule)) not in contexts:
                contexts[kind] = self.rules_context(answers, rule)
            return contexts[kind]

        group = self.page.children_group_name()
        for index, (name, step_value) in enumerate(self.page.step_blocks):
            if index < first:
                continue
            plan = step_plan(step_value, group)
            truth = (
                Truth.TRUE
                if plan.condition is None
                else evaluate(plan.condition, context(plan.condition))
            )
            # A step whose condition reads answers not given yet: the total is not known.
            self._steps_undecided |= truth is Truth.UNKNOWN
            if truth is not Truth.TRUE:
                continue
            # Where a later pass may start again, after this step's answers changed.
            self._step_states[name] = (
                index,
                tuple(form_list.items()),
                dict(answers),
                tuple(validated),
                self._steps_undecided,
            )
            form_list[name] = self.build_form_class(step_value, answers, plan, context)
            if self._form_reads is None:
                # Its fields' conditions are decided on every earlier answer: what decided
                # them is what the earlier steps' kept answers were validated against.
                self._form_reads = ("after", tuple(validated))
            cleaned = self.kept_or_cleaned_step(name, form_list[name], self._form_reads)
            validated.append((name, self._kept_keys.get(name)))
            if cleaned:
                answers.update(cleaned)
                contexts.clear()
        form_list[RECAP_SLUG] = RecapForm
        self._form_list = form_list
        self._answers = answers
        return OrderedDict(form_list)

    def build_form_class(self, step_value, earlier_answers, plan, context):
        """``context(rule)``: the rules context of ``earlier_answers``. Sets ``_form_reads``:
        what earlier answers decide in the class (None: all of them)."""

        def decide(rule, answers):
            if answers:
                return evaluate(rule, self.rules_context({**earlier_answers, **answers}, rule))
            return evaluate(rule, context(rule))

        group = self.page.children_group_name()
        hidden_names = tuple(
            c.path for c in plan.earlier_conditions if decide(c.rule, {}) is not Truth.TRUE
        )
        hidden = hidden_by_paths(frozenset(hidden_names))

        def builder():
            visibility = same_step_visibility(plan, decide, group)
            return FormBuilder(
                step_value, hidden=hidden, same_step_visibility=visibility, **self.ages()
            )

        key = (self.page.pk, self.page.live_revision_id, plan.value_id, hidden_names)
        if plan.has_same_step_conditions:
            self._form_reads = None  # its validation depends on every earlier answer
            return same_step_form_class(self.page, step_value, key, hidden, builder, self.ages)
        self._form_reads = hidden_names  # all that earlier answers change in this class
        return cached_form_class(key, lambda: builder().get_form_class())

    def cleaned_step(self, name, form_class=None):
        """A step's stored answers, re-validated once per request (None when invalid/absent)."""
        if name in self._cleaned_steps:
            return self._cleaned_steps[name]
        data = self.storage.get_step_data(name)
        cleaned = None
        if data is not None:
            form_class = form_class or self.get_form_list()[name]
            form = form_class(
                data=data,
                files=self.storage.get_step_files(name),
                prefix=self.get_form_prefix(name),
            )
            cleaned = form.cleaned_data if form.is_valid() else None
        self._cleaned_steps[name] = cleaned
        return cleaned

    def kept_or_cleaned_step(self, name, form_class, form_reads):
        """A step's answers, kept or validated again (:func:`.kept_answers.kept_or_cleaned`)."""
        return kept_answers.kept_or_cleaned(self, name, form_class, form_reads, self._today)

    def get_form_prefix(self, step=None, form=None):
        return "s" + str(step if step is not None else self.steps.current)[:8]

    def first_incomplete_step(self):
        for name in self.get_form_list():
            if name == RECAP_SLUG or self.cleaned_step(name) is None:
                return name
        return RECAP_SLUG

    def reachable(self, step):
        steps = list(self.get_form_list())
        return steps.index(step) <= steps.index(self.first_incomplete_step())
