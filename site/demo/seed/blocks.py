"""Helpers writing StreamField raw data for the demo démarches, the way the editor saves it."""

import uuid


def _id():
    return str(uuid.uuid4())


def no_condition():
    return {"mode": "all", "rules": []}


def condition(variable, operator, value="", mode="all"):
    return {
        "mode": mode,
        "rules": [
            {
                "type": "item",
                "id": _id(),
                "value": {"variable": variable, "operator": operator, "value": value},
            }
        ],
    }


def field(block_type, label, name, *, required=True, help_text="", cond=None, **extra):
    value = {
        "label": label,
        "name": name,
        "help_text": help_text,
        "required": required,
        "condition": cond or no_condition(),
        **extra,
    }
    if "choices" in value:
        value["choices"] = [{"type": "item", "id": _id(), "value": c} for c in value["choices"]]
    return {"type": block_type, "id": _id(), "value": value}


def information(html, cond=None):
    return {
        "type": "information",
        "id": _id(),
        "value": {"text": html, "condition": cond or no_condition()},
    }


def group(label, name, fields, *, item_label, add_label, min_items=1, max_items=6, help_text=""):
    return {
        "type": "groupe",
        "id": _id(),
        "value": {
            "label": label,
            "name": name,
            "help_text": help_text,
            "required": True,
            "condition": no_condition(),
            "item_label": item_label,
            "add_label": add_label,
            "min_items": min_items,
            "max_items": max_items,
            "fields": fields,
        },
    }


def step(title, fields, *, intro="", cond=None):
    return {
        "type": "step",
        "id": _id(),
        "value": {
            "title": title,
            "intro": intro,
            "condition": cond or no_condition(),
            "fields": fields,
        },
    }


def certified(block_type, label, data, *, justificatif_label, cond=None, **extra):
    """A certified-data block (``donnees_caf`` or ``donnees_dgfip``)."""
    return {
        "type": block_type,
        "id": _id(),
        "value": {
            "label": label,
            "allow_refusal": False,
            "justificatif_label": justificatif_label,
            "data": data,
            "condition": cond or no_condition(),
            **extra,
        },
    }


def grid(
    name,
    title,
    variable,
    brackets,
    *,
    unit="",
    kind="price",
    default_bracket=None,
    second_percent=None,
    third_percent=None,
    valid_from=None,
    valid_until=None,
):
    """A tariff grid: ``brackets`` as (label, minimum, maximum, amount) tuples."""
    return {
        "type": "grille",
        "id": _id(),
        "value": {
            "title": title,
            "name": name,
            "variable": variable,
            "kind": kind,
            "unit": unit,
            "mode": "brackets",
            "brackets": [
                {
                    "type": "item",
                    "id": _id(),
                    "value": {"label": label, "minimum": low, "maximum": high, "amount": amount},
                }
                for label, low, high, amount in brackets
            ],
            "effort": {"rate_percent": None, "minimum": None, "maximum": None},
            "default_bracket": default_bracket or "",
            "default_amount": None,
            "child_reductions": {
                "second_percent": second_percent,
                "third_and_more_percent": third_percent,
            },
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
    }


def gate(name, cond, message, *, allow_review=False, review_message="", success_message=""):
    return {
        "type": "condition",
        "id": _id(),
        "value": {
            "name": name,
            "condition": cond,
            "message": message,
            "allow_review": allow_review,
            "review_message": review_message,
            "success_message": success_message,
        },
    }
