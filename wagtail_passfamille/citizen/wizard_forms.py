"""Forms of the wizard that are not a step's: the recap's, and the per-process cache of the
step form classes of live démarches."""

from __future__ import annotations

import threading
from collections import OrderedDict

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from wagtail_passfamille.citizen.forms import FormBuilder
from wagtail_passfamille.citizen.step_plans import read_groups, step_plan
from wagtail_passfamille.models import outcomes
from wagtail_passfamille.rules.conditions import evaluate
from wagtail_passfamille.rules.logic import Truth

# Form classes of live démarches, shared by the requests of a process: a step's class depends
# only on the live revision and on which fields earlier answers hide (and on the day, for
# fields hiding each other as the citizen types; those whose conditions also read earlier
# answers or certified data are built per request).
_FORM_CLASSES: OrderedDict = OrderedDict()
_FORM_CLASSES_LOCK = threading.Lock()
MAX_CACHED_FORM_CLASSES = 512


def visibility_functions(step_value, decide, children_group=None):
    """``(hidden, same_step_visibility)`` for ``FormBuilder``.

    ``decide(rule, answers)`` evaluates a rule on the earlier steps' answers plus ``answers``.
    A condition reading a field of this step (« enfants.pai » reads group « enfants »; the
    children's age reads ``children_group``) is decided as the citizen answers; any other is
    decided now, on earlier answers.
    """
    plan = step_plan(step_value, children_group)
    hidden_paths = {
        condition.path
        for condition in plan.earlier_conditions
        if decide(condition.rule, {}) is not Truth.TRUE
    }
    return hidden_by_paths(hidden_paths), same_step_visibility(plan, decide, children_group)


def hidden_by_paths(paths):
    return lambda item: item.path in paths


def same_step_visibility(plan, decide, children_group):
    def visibility(item):
        rule = item.value.condition_rule
        if rule is None or not read_groups(rule, children_group) & plan.names:
            return None
        return lambda answers: decide(rule, answers)

    return visibility


def reads_only_its_own_step(step_value, children_group=None):
    """Whether every condition that reads the step's own fields reads nothing else (no
    earlier answer, no certified datum): its decisions then depend on the step's answers, the
    page and the day only, and its form class can be shared between citizens."""
    return step_plan(step_value, children_group).same_step_conditions_read_only_the_step


def same_step_form_class(page, step_value, key, hidden, builder, ages):
    """The class of a step whose fields hide each other as the citizen answers: shared (keyed
    on the day too) when its conditions read only the step, else ``builder()``'s, per request.
    ``ages()``: ``FormBuilder``'s ``child_age`` (asked only when a class is built)."""
    group = page.children_group_name()
    plan = step_plan(step_value, group)
    if not plan.same_step_conditions_read_only_the_step:
        return builder().get_form_class()

    def decide(rule, answers):
        return evaluate(rule, outcomes.rules_context(page, answers))

    def build():
        visibility = same_step_visibility(plan, decide, group)
        return FormBuilder(
            step_value, hidden=hidden, same_step_visibility=visibility, **ages()
        ).get_form_class()

    return cached_form_class((*key, timezone.localdate()), build)


def cached_form_class(key, build):
    if key[1] is None:  # never published: no stable key
        return build()
    with _FORM_CLASSES_LOCK:
        form_class = _FORM_CLASSES.get(key)
        if form_class is not None:
            _FORM_CLASSES.move_to_end(key)
            return form_class
    form_class = build()
    with _FORM_CLASSES_LOCK:
        _FORM_CLASSES[key] = form_class
        while len(_FORM_CLASSES) > MAX_CACHED_FORM_CLASSES:
            _FORM_CLASSES.popitem(last=False)
    return form_class


class RecapForm(forms.Form):
    """The last step: a honeypot for naive bots; the answers themselves are shown read-only."""

    template_name = "wagtail_passfamille/wizard/recap_form.html"
    site_web = forms.CharField(
        required=False,
        label=gettext_lazy("Ne pas remplir ce champ"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_errors = True
        self.formsets = {}

    def clean_site_web(self):
        if self.cleaned_data.get("site_web"):
            raise forms.ValidationError(
                gettext_lazy("Votre demande n'a pas pu être envoyée. Réessayez."), code="bot"
            )
        return ""
