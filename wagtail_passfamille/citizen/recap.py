"""What the citizen reviews before sending: each step's answers with their labels."""

from __future__ import annotations

from django.utils.translation import gettext as _

from wagtail_passfamille.blocks.display import display_value
from wagtail_passfamille.blocks.schema import CERTIFIED_BLOCKS, iter_group_inputs, iter_inputs
from wagtail_passfamille.blocks.steps import RECAP_SLUG
from wagtail_passfamille.citizen.certified import step_status


def certified_row(item, cleaned, status):
    """What the citizen sees of certified data: that they were fetched, never their values."""
    section_prefix = f"{item.name}__"
    choice = cleaned.get(section_prefix + "choix")
    agency = (status or {}).get("agency", "")
    kind = (status or {}).get("kind")
    if choice == "justificatif":
        document = cleaned.get(section_prefix + "justificatif")
        value = _("Justificatif fourni : %(name)s") % {"name": display_value("fichier", document)}
    elif choice == "refus":
        value = _("Vous avez choisi de ne pas transmettre ces informations.")
    elif kind == "verified":
        value = _("Informations récupérées auprès de %(agency)s ✓") % {"agency": agency}
        if item.value.children_group:
            value += "\n" + _(
                "Nous vérifierons le rattachement des enfants inscrits au dossier CAF ou MSA."
            )
    elif kind == "not_found":
        value = _("Informations non vérifiées : un justificatif sera demandé.")
    else:
        value = _("Vérification différée : vos informations seront vérifiées par nos services.")
    return {"label": item.value.get("label", ""), "value": value}


def step_rows(step_value, cleaned, certified_status=None):
    rows = []
    for item in iter_inputs(step_value):
        if item.block_type in CERTIFIED_BLOCKS:
            if f"{item.name}__choix" in cleaned:
                rows.append(certified_row(item, cleaned, (certified_status or {}).get(item.name)))
            continue
        if item.name not in cleaned:
            continue  # a field hidden by its condition
        value = cleaned[item.name]
        if item.block_type == "groupe":
            items = []
            for number, entry in enumerate(value or [], start=1):
                sub_rows = [
                    {
                        "label": sub.label,
                        "value": display_value(sub.block_type, entry.get(sub.name)),
                    }
                    for sub in iter_group_inputs(item)
                    if sub.name in entry  # not a field its condition hides for this item
                ]
                items.append(
                    {
                        "title": f"{item.value.get('item_label') or _('Élément')} {number}",
                        "rows": sub_rows,
                    }
                )
            rows.append({"label": item.label, "name": item.name, "group_items": items})
        else:
            rows.append({"label": item.label, "value": display_value(item.block_type, value)})
    return rows


def build_recap(wizard):

    status = step_status(wizard)
    sections = []
    values = dict(wizard.page.step_blocks)
    for name in wizard.get_form_list():
        if name == RECAP_SLUG:
            continue
        cleaned = wizard.cleaned_step(name) or {}
        sections.append(
            {
                "title": values[name]["title"],
                "edit_url": wizard.get_step_url(name),
                "rows": step_rows(values[name], cleaned, status),
            }
        )
    return sections
