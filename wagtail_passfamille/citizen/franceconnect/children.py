"""The children of an identified citizen's CAF/MSA file, offered as tick boxes that create the
items of the démarche's children group.

FranceConnect's callback fetched the file (``data.fetch``); the step holding the children group
then lists its children (first names, name, birth date). Ticking some and choosing « Ajouter
les enfants cochés » (or « Continuer ») fills the group's items with what the file says — empty
items first, then new ones up to the group's maximum — and shows the step again, not validated,
for the family to add what the file does not have (school, allergies…). A child missing from
the file is still added by hand with the group's own button. A plain form post: no JavaScript.

Only an identified citizen's own file is listed (API Particulier's terms); the anonymous way
never sees it. The group and its first-name / birth-date sub-fields are those the démarche
matches children on (``blocks.children_fields``); the name sub-field is the group's other short
text whose label says « nom ».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail_passfamille import sources
from wagtail_passfamille.blocks import children_fields
from wagtail_passfamille.blocks.schema import Input, iter_group_inputs, iter_inputs
from wagtail_passfamille.citizen.franceconnect import data as franceconnect_data
from wagtail_passfamille.citizen.franceconnect.display import person
from wagtail_passfamille.rules.text import normalise_name
from wagtail_passfamille.services.matching import birth_date_matches, first_name_matches

ADD_BUTTON = "passfamille_caf_children"
TICKED = "passfamille_caf_child"


@dataclass(frozen=True)
class FileChild:
    """One child of the file, as the tick box says it and as the group's item gets it."""

    index: int
    first_name: str
    family_name: str
    birth_date: dt.date | None
    caf: dict

    @property
    def label(self) -> str:
        name = person(self.caf)
        if self.birth_date is None:
            return name
        date = self.birth_date.strftime("%d/%m/%Y")
        if self.caf.get("sexe") == "F":
            return _("%(name)s, née le %(date)s") % {"name": name, "date": date}
        if self.caf.get("sexe") == "M":
            return _("%(name)s, né le %(date)s") % {"name": name, "date": date}
        return _("%(name)s, né(e) le %(date)s") % {"name": name, "date": date}


@dataclass(frozen=True)
class Offer:
    """The file's children for one group, and the group's sub-fields they fill."""

    group: str
    first_name: str
    family_name: str | None
    birth_date: str | None
    children: tuple[FileChild, ...]


def _full_date(text) -> dt.date | None:
    """A complete date of the file (the CAF may know only the year: then none)."""
    try:
        return dt.date.fromisoformat(str(text or ""))
    except ValueError:
        return None


def _family_name_field(group: Input, first_name: str) -> str | None:
    for sub in iter_group_inputs(group):
        if sub.block_type == "texte_court" and sub.name != first_name:
            if "NOM" in normalise_name(sub.label).split():
                return sub.name
    return None


def _group_input(page, name: str) -> Input | None:
    for _step_name, step_value in page.step_blocks:
        for item in iter_inputs(step_value):
            if item.block_type == "groupe" and item.name == name:
                return item
    return None


def offer(wizard) -> Offer | None:
    """The children of the identified citizen's own file, for the démarche's children group;
    None for an anonymous citizen, a file without children, or no group to fill."""
    if not wizard.franceconnect["identified"]:
        return None
    if "_caf_children_offer" in wizard.__dict__:
        return wizard.__dict__["_caf_children_offer"]
    found = None
    results = franceconnect_data.stored(wizard.request, wizard.page)
    for item in franceconnect_data.certified_items(wizard.page):
        datum = sources.get(item.name).children_datum
        result = results.get(item.name) or {}
        if not datum or result.get("kind") != "verified":
            continue
        children = (result.get("fields") or {}).get(datum) or []
        fields = children_fields.resolve(wizard.page.steps, item.value)
        group = _group_input(wizard.page, fields.group) if fields else None
        if not children or group is None or not fields.first_name:
            continue
        found = Offer(
            group=fields.group,
            first_name=fields.first_name,
            family_name=_family_name_field(group, fields.first_name),
            birth_date=fields.birth_date,
            children=tuple(
                FileChild(
                    index,
                    str(child.get("prenoms") or "").split(" ")[0].title(),
                    str(child.get("nom_usage") or child.get("nom_naissance") or ""),
                    _full_date(child.get("date_naissance")),
                    dict(child),
                )
                for index, child in enumerate(children)
            ),
        )
        break
    wizard.__dict__["_caf_children_offer"] = found
    return found


def _item_values(item_form, offer_: Offer) -> tuple[str, dt.date | None]:
    first = item_form[offer_.first_name].value() or ""
    birth = None
    if offer_.birth_date and offer_.birth_date in item_form.fields:
        field = item_form.fields[offer_.birth_date]
        try:
            birth = field.to_python(item_form[offer_.birth_date].value())
        except ValidationError:
            birth = None
    return str(first), birth


def _in_group(child: FileChild, items: list[tuple[str, dt.date | None]]) -> bool:
    return any(
        first_name_matches(first, child.caf.get("prenoms"))
        and (
            birth is None
            or child.caf.get("date_naissance") is None
            or birth_date_matches(birth, child.caf.get("date_naissance"))
        )
        for first, birth in items
    )


def attach(wizard, form) -> None:
    """Give the group's formset the tick boxes to show (``formset.file_children``)."""
    found = offer(wizard)
    formset = getattr(form, "formsets", {}).get(found.group) if found else None
    if formset is None:
        return
    items = [_item_values(item_form, found) for item_form in formset.forms]
    posted = set(wizard.request.POST.getlist(TICKED)) if wizard.request.method == "POST" else ()
    formset.file_children = [
        {
            "index": child.index,
            "label": child.label,
            "added": _in_group(child, items),
            "ticked": str(child.index) in posted,
        }
        for child in found.children
    ]


def _is_empty(data, prefix: str, index: int) -> bool:
    start = f"{prefix}-{index}-"
    return not any(
        value for key in data if key.startswith(start) for value in data.getlist(key) if value
    )


def _fill(data, prefix: str, index: int, offer_: Offer, child: FileChild) -> None:
    def put(name, value):
        for key in [k for k in list(data) if k.startswith(f"{prefix}-{index}-{name}_")]:
            del data[key]  # the date's three inputs: the ISO value below replaces them
        data[f"{prefix}-{index}-{name}"] = value

    put(offer_.first_name, child.first_name)
    if offer_.family_name:
        put(offer_.family_name, child.family_name)
    if offer_.birth_date and child.birth_date is not None:
        put(offer_.birth_date, child.birth_date.isoformat())


def add_ticked(wizard, step):
    """The response to « Ajouter les enfants cochés », or to « Continuer » with new children
    ticked (they are added, the step shown again); None when there is nothing to add."""
    request = wizard.request
    found = offer(wizard)
    form_class = wizard.get_form_list().get(step)
    if found is None or found.group not in getattr(form_class, "group_specs", {}):
        return None
    ticked = set(request.POST.getlist(TICKED))
    pressed = ADD_BUTTON in request.POST
    if not ticked and not pressed:
        return None
    data = request.POST.copy()
    for key in (TICKED, ADD_BUTTON):
        data.pop(key, None)
    form = wizard.get_form(step=step, data=data, files=wizard.posted_files(step))
    formset = form.formsets[found.group]
    items = [_item_values(item_form, found) for item_form in formset.forms]
    new = [c for c in found.children if str(c.index) in ticked and not _in_group(c, items)]
    if not new and not pressed:
        return None  # ticked children already in the group: « Continuer » goes on
    total = formset.total_form_count()
    empty = [i for i in range(total) if _is_empty(data, formset.prefix, i)]
    added, left_out = 0, 0
    for child in new:
        if empty:
            index = empty.pop(0)
        elif total < formset.spec.max_items:
            index, total = total, total + 1
        else:
            left_out += 1
            continue
        _fill(data, formset.prefix, index, found, child)
        added += 1
    data[formset.management_form.add_prefix("TOTAL_FORMS")] = str(total)
    form = wizard.get_form(step=step, data=data, files=wizard.posted_files(step))
    wizard.storage.set_step_data(step, wizard.get_form_step_data(form))
    form.show_errors = False
    if added:
        messages.info(
            request,
            ngettext(
                "%(count)d enfant ajouté : complétez ce que votre dossier ne dit pas, puis "
                "continuez.",
                "%(count)d enfants ajoutés : complétez ce que votre dossier ne dit pas, puis "
                "continuez.",
                added,
            )
            % {"count": added},
        )
    elif not new:
        messages.info(request, _("Cochez d'abord les enfants à ajouter."))
    if left_out:
        messages.warning(
            request,
            ngettext(
                "Le nombre maximum est atteint : %(count)d enfant n'a pas pu être ajouté.",
                "Le nombre maximum est atteint : %(count)d enfants n'ont pas pu être ajoutés.",
                left_out,
            )
            % {"count": left_out},
        )
    return wizard.render(form)
