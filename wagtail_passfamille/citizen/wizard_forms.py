"""Forms of the wizard that are not a step's: the recap's, and the per-process cache of the
step form classes of live démarches."""

from __future__ import annotations

import threading
from collections import OrderedDict

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from wagtail_passfamille.blocks.schema import iter_inputs, with_group_inputs
from wagtail_passfamille.citizen.forms import FormBuilder
from wagtail_passfamille.models import outcomes
from wagtail_passfamille.rules.conditions import evaluate
from wagtail_passfamille.rules.logic import Truth
from wagtail_passfamille.rules.variables import CHILD_AGE, RESERVED_PREFIXES

# Form classes of live démarches, shared by the requests of a process: a step's class depends
# only on the live revision and on which fields earlier answers hide (and on the day, for
# fields hiding each other as the citizen types; those whose conditions also read earlier
# answers or certified data are built per request).
_FORM_CLASSES: OrderedDict = OrderedDict()
_FORM_CLASSES_LOCK = threading.Lock()
MAX_CACHED_FORM_CLASSES = 512


def read_groups(rule, children_group=None) -> set[str]:
    """The answers (or prefixes) a rule reads: « enfants.pai » reads group « enfants », the
    children's age reads the children's group."""
    return {
        children_group if name == CHILD_AGE and children_group else name.partition(".")[0]
        for name in rule.variables()
    }


def visibility_functions(step_value, decide, children_group=None):
    """``(hidden, same_step_visibility)`` for ``FormBuilder``.

    ``decide(rule, answers)`` evaluates a rule on the earlier steps' answers plus ``answers``.
    A condition reading a field of this step (« enfants.pai » reads group « enfants »; the
    children's age reads ``children_group``) is decided as the citizen answers; any other is
    decided now, on earlier answers.
    """
    step_names = {item.name for item in iter_inputs(step_value)}

    def reads_this_step(rule):
        return bool(read_groups(rule, children_group) & step_names)

    def hidden(item):
        rule = item.value.condition_rule
        if rule is None or reads_this_step(rule):
            return False
        return decide(rule, {}) is not Truth.TRUE

    def same_step_visibility(item):
        rule = item.value.condition_rule
        if rule is None or not reads_this_step(rule):
            return None
        return lambda answers: decide(rule, answers)

    return hidden, same_step_visibility


def reads_only_its_own_step(step_value, children_group=None):
    """Whether every condition that reads the step's own fields reads nothing else (no
    earlier answer, no certified datum): its decisions then depend on the step's answers, the
    page and the day only, and its form class can be shared between citizens."""
    step_names = {item.name for item in iter_inputs(step_value)}
    for item in with_group_inputs(iter_inputs(step_value, include_information=True)):
        rule = item.value.condition_rule
        names = read_groups(rule, children_group) if rule else set()
        if names & step_names and (names - step_names or names & set(RESERVED_PREFIXES)):
            return False
    return True


def own_step_visibility(page, step_value):
    """``same_step_visibility`` deciding on the step's answers alone (see above): nothing of
    a citizen's request is kept in the shared class."""

    def decide(rule, answers):
        return evaluate(rule, outcomes.rules_context(page, answers))

    return visibility_functions(step_value, decide, page.children_group_name())[1]


def same_step_form_class(page, step_value, key, hidden, builder):
    """The class of a step whose fields hide each other as the citizen answers: shared (keyed
    on the day too) when its conditions read only the step, else ``builder``'s, per request."""
    if not reads_only_its_own_step(step_value, page.children_group_name()):
        return builder.get_form_class()
    visibility = own_step_visibility(page, step_value)
    shared = FormBuilder(
        step_value, hidden=hidden, same_step_visibility=visibility, child_age=builder.child_age
    )
    return cached_form_class((*key, timezone.localdate()), shared.get_form_class)


def step_value_id(step_value):
    return id(step_value.block), tuple(child.id for child in step_value.get("fields") or ())


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
