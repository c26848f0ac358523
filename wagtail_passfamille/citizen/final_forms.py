"""The step forms of the final submit: every step checked against the live revision, and
validated again only where its answers of this request cannot stand for it.

formtools validates every step once more when the recap is posted. By then, the wizard holds
every visible step's cleaned answers for this request (``wizard._cleaned_steps``, filled by
``get_form_list()``): each was validated in this request, or kept with the fingerprint of all
that its validation reads (:mod:`.kept_answers`: the live revision, the step's stored data and
files, what the earlier answers decided in its form, the day) and that fingerprint matched.
Such a step is not validated a third time: its form is bound to its stored data and carries
those answers as its ``cleaned_data``.

Validated again, as before:

- a step with files: ``submit()`` stores the uploaded files themselves, which kept answers
  only name;
- a step with certified data: its validation also reads this request's FranceConnect state
  (a source FranceConnect fetched asks for no identity), which the fingerprint does not hold;
- a step whose answers are not known for this request (none kept, or found invalid).
"""

from __future__ import annotations

from collections import OrderedDict

from django.forms.utils import ErrorDict

from wagtail_passfamille.blocks.steps import RECAP_SLUG
from wagtail_passfamille.citizen.kept_answers import KeptFile


def holds_file(value) -> bool:
    """Whether a cleaned value is, or contains, a file (kept or uploaded)."""
    if isinstance(value, KeptFile) or (hasattr(value, "read") and hasattr(value, "size")):
        return True
    if isinstance(value, dict):
        return any(holds_file(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(holds_file(item) for item in value)
    return False


def answers_of_this_request(wizard, name, form_class):
    """The step's cleaned answers of this request when they may stand for its form, else None."""
    cleaned = wizard._cleaned_steps.get(name)
    if cleaned is None or form_class.certified_sections:
        return None
    if wizard.storage.get_step_files(name) or holds_file(cleaned):
        return None
    return cleaned


def validated_form(wizard, name, form_class, cleaned):
    """The step's form bound to its stored data, valid with ``cleaned`` as its answers."""
    form = form_class(
        data=wizard.storage.get_step_data(name),
        files=None,
        prefix=wizard.get_form_prefix(name),
    )
    form.cleaned_data = dict(cleaned)
    form._errors = ErrorDict()  # is_valid(): bound, no errors, no third validation
    return form


def final_forms(wizard):
    """``(forms, None)``: each visible step's valid form in order; or ``(None, step)``: the
    first step that is not valid (the citizen is sent back to it)."""
    forms = OrderedDict()
    for name, form_class in wizard.get_form_list().items():
        if name == RECAP_SLUG:
            continue
        cleaned = answers_of_this_request(wizard, name, form_class)
        if cleaned is not None:
            forms[name] = validated_form(wizard, name, form_class, cleaned)
            continue
        form = wizard.get_form(
            step=name,
            data=wizard.storage.get_step_data(name),
            files=wizard.storage.get_step_files(name),
        )
        if not form.is_valid():
            return None, name
        forms[name] = form
    return forms, None
