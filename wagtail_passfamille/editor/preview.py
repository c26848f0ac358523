"""Wagtail preview of a démarche: each step and the recap with sample values, nothing posted."""

from __future__ import annotations

import datetime as dt

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_passfamille import sources as sources_registry
from wagtail_passfamille.blocks.schema import (
    CERTIFIED_BLOCKS,
    all_inputs,
    iter_group_inputs,
    iter_inputs,
)
from wagtail_passfamille.blocks.steps import RECAP_SLUG
from wagtail_passfamille.citizen.forms import FormBuilder, to_answer
from wagtail_passfamille.citizen.recap import step_rows
from wagtail_passfamille.citizen.wizard_forms import RecapForm
from wagtail_passfamille.conf import themed
from wagtail_passfamille.editor.preview_families import PREFIX as FAMILY_PREFIX
from wagtail_passfamille.editor.preview_families import (
    families_for,
    family_certified,
    family_children,
)
from wagtail_passfamille.models import outcomes

SAMPLES = {
    "texte_court": "Camille",
    "texte_long": "Exemple de réponse.",
    "email": "camille.exemple@example.org",
    "telephone": "+33612345678",
    "nombre": 2,
    "case_a_cocher": True,
    "adresse": {
        "voie": "1 place de la Mairie",
        "complement": "",
        "code_postal": "99000",
        "commune": "Démoville",
    },
}


def sample_value(item):
    if item.block_type == "date":
        return item.value.get("min_date") or timezone.localdate() - dt.timedelta(days=365 * 8)
    if item.block_type in ("choix_unique", "choix_multiples"):
        choices = list(item.value.get("choices") or [])
        if not choices:
            return None
        return choices[0] if item.block_type == "choix_unique" else choices[:1]
    if item.block_type == "groupe":
        return [{sub.name: sample_value(sub) for sub in iter_group_inputs(item)}]
    if item.block_type == "fichier":
        return "justificatif.pdf"
    return SAMPLES.get(item.block_type)


def sample_answers(step_value):
    answers = {}
    for item in iter_inputs(step_value):
        if item.block_type in CERTIFIED_BLOCKS:
            answers[f"{item.name}__choix"] = "recuperer"
        else:
            answers[item.name] = sample_value(item)
    return answers


def with_children(page, step_value, sample, children):
    """The family's children as the items of the démarche's children group, when the step has
    it: reductions from the 2nd child show in the preview."""
    group = page.children_group_name()
    item = next((i for i in iter_inputs(step_value) if i.name == group), None)
    if not children or item is None or item.block_type != "groupe":
        return sample
    first_name, birth_date = page.child_first_name_field(), page.child_birth_date_field()
    items = []
    for first, born in children[: item.value.get("max_items") or len(children)]:
        values = {sub.name: sample_value(sub) for sub in iter_group_inputs(item)}
        values.update({first_name: first, birth_date: born})
        items.append(values)
    return {**sample, group: items}


def certified_sources(page):
    return {
        item.name: item
        for _i, _s, item in all_inputs(page.steps)
        if item.block_type in CERTIFIED_BLOCKS
    }


def preview_families(page):
    return families_for(certified_sources(page))


def serve_family_preview(page, request, key):
    """The recap and the outcome a sandbox family would get (never a real API)."""
    sources = certified_sources(page)
    family = next((f for f in families_for(sources) if f.key == key), None)
    if family is None:
        return None
    block = sources[family.source]
    certified = family_certified(family, block.value.ticked, block.value.get("annee"))
    kind = {"verifie": "verified", "non_trouve": "not_found"}.get(
        certified.get(family.source).verification, "deferred"
    )
    status = {family.source: {"kind": kind, "agency": sources_registry.get(family.source).agency}}
    children = family_children(family, page.reference_date or timezone.localdate())
    answers, recap = {}, []
    for _name, value in page.step_blocks:
        sample = with_children(page, value, sample_answers(value), children)
        answers.update({k: v for k, v in sample.items() if "__" not in k})
        recap.append(
            {"title": value["title"], "edit_url": "#", "rows": step_rows(value, sample, status)}
        )
    outcome = outcomes.compute(page, to_answer(answers), certified)
    context = page.get_context(request)
    context.update(
        {
            "page": page,
            "preview": True,
            "preview_family": family.label,
            "preview_children": ", ".join(first for first, _born in children),
            "step_count": len(page.step_blocks) + 1,
            "step_number": len(page.step_blocks) + 1,
            "is_recap": True,
            "recap": recap,
            "outcome_lines": (
                outcome.summary_lines(outcomes.child_names(page, to_answer(answers)))
                if outcome
                else []
            ),
            "outcome_blocks": bool(outcome and not outcome.can_submit),
            "wizard": {"form": RecapForm()},
        }
    )
    context["wizard"]["form"].show_errors = False
    response = TemplateResponse(request, themed("wizard/step.html"), context)
    response["Cache-Control"] = "private, no-store"
    return response


def serve_step_preview(page, request, mode_name):
    if mode_name.startswith(FAMILY_PREFIX):
        response = serve_family_preview(page, request, mode_name.removeprefix(FAMILY_PREFIX))
        if response is not None:
            return response
        mode_name = RECAP_SLUG
    steps = page.step_blocks
    context = page.get_context(request)
    context.update({"page": page, "preview": True, "step_count": len(steps) + 1})
    if mode_name == RECAP_SLUG:
        form = RecapForm()
        context["recap"] = [
            {
                "title": value["title"],
                "edit_url": "#",
                "rows": step_rows(value, sample_answers(value)),
            }
            for _name, value in steps
        ]
        context.update({"is_recap": True, "step_number": len(steps) + 1})
    else:
        number = page.step_name_from_slug(mode_name) and int(mode_name.rpartition("-")[2])
        number = number or 1
        _name, step_value = steps[number - 1]
        form_class = FormBuilder(step_value).get_form_class()
        initial = {
            k: v for k, v in sample_answers(step_value).items() if k not in form_class.group_specs
        }
        form = form_class(initial=initial, prefix="apercu")
        context.update({"step_value": step_value, "step_number": number, "is_recap": False})
    form.show_errors = False
    context["wizard"] = {"form": form}
    response = TemplateResponse(request, themed("wizard/step.html"), context)
    response["Cache-Control"] = "private, no-store"
    return response


def family_modes(page) -> list[tuple[str, str]]:
    """Preview modes of the page's recap for each sandbox family that fits its blocks."""
    return [
        (FAMILY_PREFIX + family.key, _("Récapitulatif — %(family)s") % {"family": family.label})
        for family in preview_families(page)
    ]
