"""StreamField raw data for the démarche models, in the form the Wagtail editor saves it.

Texts are content the editor owns (French, the démarche's language), not interface strings.
"""

from __future__ import annotations

import uuid


def _id() -> str:
    return str(uuid.uuid4())


def always() -> dict:
    return {"mode": "all", "rules": []}


def condition(variable, operator, value="", mode="all", quantifier="any") -> dict:
    """One rule; ``quantifier`` for data of the children (« au moins un » / « chaque enfant »)."""
    return rules((variable, operator, value, quantifier), mode=mode)


def rules(*conditions, mode="all") -> dict:
    """A ConditionBlock value; each condition a (variable, operator, value, quantifier)."""
    return {
        "mode": mode,
        "rules": [
            {
                "type": "item",
                "id": _id(),
                "value": {
                    "variable": variable,
                    "operator": operator,
                    "value": value,
                    "quantifier": quantifier,
                },
            }
            for variable, operator, value, quantifier in conditions
        ],
    }


def field(block_type, label, name, *, required=True, help_text="", cond=None, **extra) -> dict:
    value = {
        "label": label,
        "name": name,
        "help_text": help_text,
        "required": required,
        "condition": cond or always(),
        **extra,
    }
    if "choices" in value:
        value["choices"] = [{"type": "item", "id": _id(), "value": c} for c in value["choices"]]
    return {"type": block_type, "id": _id(), "value": value}


def information(html, cond=None) -> dict:
    return {
        "type": "information",
        "id": _id(),
        "value": {"text": html, "condition": cond or always()},
    }


def group(label, name, fields, *, item_label, add_label, min_items=1, max_items=6, help_text=""):
    value = {
        "label": label,
        "name": name,
        "help_text": help_text,
        "required": True,
        "condition": always(),
        "item_label": item_label,
        "add_label": add_label,
        "min_items": min_items,
        "max_items": max_items,
        "fields": fields,
    }
    return {"type": "groupe", "id": _id(), "value": value}


def step(title, fields, *, intro="", cond=None) -> dict:
    value = {"title": title, "intro": intro, "condition": cond or always(), "fields": fields}
    return {"type": "step", "id": _id(), "value": value}


def certified(block_type, label, data, *, justificatif_label, **extra) -> dict:
    """A certified-data block (``donnees_caf`` or ``donnees_dgfip``)."""
    value = {
        "label": label,
        "allow_refusal": False,
        "justificatif_label": justificatif_label,
        "data": data,
        "condition": always(),
        **extra,
    }
    return {"type": block_type, "id": _id(), "value": value}


def _grid(name, title, variable, *, unit, kind, mode, brackets=(), effort=None, **extra) -> dict:
    value = {
        "title": title,
        "name": name,
        "variable": variable,
        "kind": kind,
        "unit": unit,
        "mode": mode,
        "brackets": [
            {
                "type": "item",
                "id": _id(),
                "value": {"label": label, "minimum": low, "maximum": high, "amount": amount},
            }
            for label, low, high, amount in brackets
        ],
        "effort": effort or {"rate_percent": None, "minimum": None, "maximum": None},
        "default_bracket": extra.get("default_bracket") or "",
        "default_amount": extra.get("default_amount"),
        "child_reductions": {
            "second_percent": extra.get("second_percent"),
            "third_and_more_percent": extra.get("third_percent"),
        },
        "valid_from": extra.get("valid_from"),
        "valid_until": extra.get("valid_until"),
    }
    return {"type": "grille", "id": _id(), "value": value}


def bracket_grid(name, title, variable, brackets, *, unit="", kind="price", **extra) -> dict:
    """A grid « par tranches »: ``brackets`` as (label, minimum, maximum, amount) tuples."""
    return _grid(
        name, title, variable, unit=unit, kind=kind, mode="brackets", brackets=brackets, **extra
    )


def effort_grid(name, title, variable, *, rate, minimum, maximum, unit="", **extra) -> dict:
    """A grid « taux d'effort »: price = variable × rate %, between minimum and maximum."""
    effort = {"rate_percent": rate, "minimum": minimum, "maximum": maximum}
    return _grid(
        name, title, variable, unit=unit, kind="price", mode="effort_rate", effort=effort, **extra
    )


def gate(
    name,
    cond,
    message,
    *,
    allow_review=False,
    review_message="",
    success_message="",
    applies_to="demande",
):
    """An eligibility gate; ``applies_to="enfant"`` refuses each child who fails it, by name."""
    value = {
        "name": name,
        "condition": cond,
        "applies_to": applies_to,
        "message": message,
        "allow_review": allow_review,
        "review_message": review_message,
        "success_message": success_message,
    }
    return {"type": "condition", "id": _id(), "value": value}
