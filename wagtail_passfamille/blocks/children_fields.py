"""Which group holds the registered children, and which of its fields are the first name and
the birth date: matched against the certified source's children, read by age rules.

The editor never types these names. Left empty, they are found from the démarche itself: the
only repeatable group, its first « Date » field (one whose label says « naissance » first), its
first « Texte court » field whose label says « prénom » (else its first « Texte court »).
A name that was typed (or stored by an older version) and that the group does not have is
refused at save (:func:`children_fields_problems`) and, until then, found again the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from wagtail_passfamille.blocks.schema import Input, iter_group_inputs, iter_inputs
from wagtail_passfamille.rules.text import normalise_name

#: What versions up to 0.1 stored when the editor left the defaults: never an editor's choice.
OLD_DEFAULTS = {"child_first_name_field": "prenom", "child_birth_date_field": "date_naissance"}


@dataclass(frozen=True)
class ChildrenFields:
    group: str
    first_name: str | None
    birth_date: str | None


def _groups(steps) -> list[Input]:
    return [i for s in steps for i in iter_inputs(s.value) if i.block_type == "groupe"]


def _says(item: Input, word: str) -> bool:
    return word in normalise_name(item.label)


def _pick(subs: list[Input], block_type: str, word: str) -> str | None:
    typed = [s for s in subs if s.block_type == block_type]
    preferred = [s for s in typed if _says(s, word)]
    chosen = (preferred or typed or [None])[0]
    return chosen.name if chosen else None


def find_group(steps, block_value) -> Input | None:
    """The group the block names, or the démarche's only group when it names none and ticks
    the children."""
    name = (block_value.get("children_group") or "").strip()
    groups = _groups(steps)
    if name:
        return next((g for g in groups if g.name == name), None)
    ticks_children = "enfants" in (block_value.get("data") or ())
    return groups[0] if ticks_children and len(groups) == 1 else None


def resolve(steps, block_value) -> ChildrenFields | None:
    """The children's group and fields of a certified block (None: no matching)."""
    group = find_group(steps, block_value)
    if group is None:
        return None
    subs = list(iter_group_inputs(group))
    names = {s.name for s in subs}
    first = (block_value.get("child_first_name_field") or "").strip()
    birth = (block_value.get("child_birth_date_field") or "").strip()
    return ChildrenFields(
        group.name,
        first if first in names else _pick(subs, "texte_court", "PRENOM"),
        birth if birth in names else _pick(subs, "date", "NAISSANCE"),
    )


def looks_like_children(steps, found: ChildrenFields) -> bool:
    """Whether a group inferred without any block naming it holds children: it has a birth
    date (a « Date » whose label says « naissance »). A démarche's only group may be something
    else (« Personnes à prévenir en cas d'urgence »): its items must never be priced and ranked
    as registered children."""
    group = next((g for g in _groups(steps) if g.name == found.group), None)
    if group is None:
        return False
    birth = next((s for s in iter_group_inputs(group) if s.name == found.birth_date), None)
    return birth is not None and _says(birth, "NAISSANCE")


def children_fields_problems(steps, block_value) -> list[tuple[str, str]]:
    """(sub-block name, message) for each child field the group does not have."""
    group = find_group(steps, block_value)
    if group is None:
        return []
    subs = list(iter_group_inputs(group))
    problems = []
    for key, block_type, kind in (
        ("child_first_name_field", "texte_court", _("Texte court")),
        ("child_birth_date_field", "date", _("Date")),
    ):
        typed = (block_value.get(key) or "").strip()
        fitting = [s for s in subs if s.block_type == block_type]
        if typed and typed != OLD_DEFAULTS[key] and typed not in {s.name for s in fitting}:
            listed = ", ".join(f"« {s.label} »" for s in fitting) or _("aucun")
            problems.append(
                (
                    key,
                    _(
                        "Le groupe « %(group)s » n'a pas de champ « %(kind)s » nommé "
                        "« %(name)s ». Laissez vide pour utiliser %(listed)s."
                    )
                    % {"group": group.label, "kind": kind, "name": typed, "listed": listed},
                )
            )
        elif not fitting:
            problems.append(
                (
                    key,
                    _(
                        "Ajoutez un champ « %(kind)s » au groupe « %(group)s » : il sert à "
                        "retrouver chaque enfant dans le dossier."
                    )
                    % {"group": group.label, "kind": kind},
                )
            )
    return problems
