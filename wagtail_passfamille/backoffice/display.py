"""What an agent reads about one submission: answers by step, certified data, outcome.

Everything here reads stored JSON written by other parts of the app (and by earlier versions of
them): it renders whatever shape it finds and never raises on an unexpected one.
"""

from __future__ import annotations

import datetime as dt

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from wagtail_passfamille.citizen.recap import display_value
from wagtail_passfamille.models.submissions import Verification

SOURCE_LABELS = {"caf": "CAF", "msa": "MSA", "cnaf": "CAF", "dgfip": "DGFiP"}


def humanize_key(key) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def answer_text(block_type, value) -> str:
    """A stored answer as text: dates are stored ISO, files as {"nom", "taille"}."""
    if block_type == "date" and isinstance(value, str):
        parsed = parse_date(value)
        if parsed:
            value = parsed
    if block_type == "fichier" and isinstance(value, dict):
        return str(value.get("nom") or "")
    if isinstance(value, dict):
        if block_type == "adresse":
            return display_value("adresse", value)
        return ", ".join(f"{humanize_key(k)} : {v}" for k, v in value.items())
    return display_value(block_type, value)


def nested_html(value):
    """Any JSON value as escaped HTML: dicts as definition lists, lists as bullet lists."""
    if isinstance(value, dict):
        if not value:
            return "—"
        rows = format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            ((humanize_key(k), nested_html(v)) for k, v in value.items()),
        )
        return format_html('<dl class="pf-nested">{}</dl>', rows)
    if isinstance(value, list):
        if not value:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((nested_html(v),) for v in value))
        )
    if value is None or value == "":
        return "—"
    if value is True:
        return _("Oui")
    if value is False:
        return _("Non")
    return format_html("{}", value)


def answer_sections(submission, files_by_field):
    """[{"title", "rows"}] in the steps' order, with the labels the citizen saw."""
    answers = submission.answers if isinstance(submission.answers, dict) else {}
    seen = set()
    sections = []
    for step in submission.form_snapshot or []:
        if not isinstance(step, dict):
            continue
        rows = []
        for field in step.get("fields") or []:
            name = field.get("name")
            if not name:
                continue
            seen.add(name)
            rows.append(_row(field, answers.get(name), files_by_field))
        sections.append({"title": step.get("title") or "", "rows": rows})
    extra = [
        {"label": humanize_key(name), "value": answer_text("", value), "name": name}
        for name, value in answers.items()
        if name not in seen
    ]
    for name in files_by_field:
        if name not in seen and name not in answers:
            extra.append(
                {
                    "label": humanize_key(name),
                    "value": "",
                    "name": name,
                    "files": files_by_field[name],
                }
            )
    for row in extra:
        row.setdefault("files", files_by_field.get(row["name"], []))
    if extra:
        sections.append({"title": _("Autres éléments"), "rows": extra})
    return sections


def _row(field, value, files_by_field):
    name, block_type = field.get("name"), field.get("type", "")
    row = {"label": field.get("label") or name, "name": name, "type": block_type}
    if block_type == "groupe":
        items = []
        for number, entry in enumerate(value if isinstance(value, list) else [], start=1):
            entry = entry if isinstance(entry, dict) else {}
            items.append(
                {
                    "title": f"{field.get('item_label') or _('Élément')} {number}",
                    "rows": [
                        {
                            "label": sub.get("label") or sub.get("name"),
                            "value": answer_text(sub.get("type", ""), entry.get(sub.get("name"))),
                        }
                        for sub in field.get("fields") or []
                    ],
                }
            )
        row["group_items"] = items
        return row
    row["value"] = answer_text(block_type, value)
    row["files"] = files_by_field.get(name, []) if block_type == "fichier" else []
    return row


def _date(value):
    if isinstance(value, dt.datetime | dt.date):
        parsed = value
    elif isinstance(value, str):
        parsed = parse_datetime(value) or parse_date(value[:10])
    else:
        parsed = None
    if parsed is None:
        return ""
    if isinstance(parsed, dt.datetime):
        parsed = parsed.date()
    return date_format(parsed, "d/m/Y")


def provenance_badge(source: str, provenance) -> str:
    """ "Donnée certifiée — CAF, 12/09/2026, réf. 3f2a…" (the parts that are known)."""
    provenance = provenance if isinstance(provenance, dict) else {}
    parts = [SOURCE_LABELS.get(str(provenance.get("source") or source).lower(), source.upper())]
    when = _date(provenance.get("fetched_at"))
    if when:
        parts.append(when)
    if provenance.get("request_id"):
        parts.append(_("réf. %(id)s") % {"id": provenance["request_id"]})
    return _("Donnée certifiée — %(what)s") % {"what": ", ".join(parts)}


def certified_sections(certified):
    """One section per source: verification state, badge, fields, per-child matching."""
    if not isinstance(certified, dict):
        return []
    labels = dict(Verification.choices)
    sections = []
    for source, data in certified.items():
        if not isinstance(data, dict):
            sections.append({"source": SOURCE_LABELS.get(source, source), "raw": nested_html(data)})
            continue
        provenance = data.get("provenance") or {}
        fields = data.get("fields")
        matching = data.get("matching")
        verification = data.get("verification") or ""
        sections.append(
            {
                "source": SOURCE_LABELS.get(str(source).lower(), source),
                "verification": labels.get(verification, verification),
                "badge": provenance_badge(str(source), provenance) if provenance else "",
                "cached": bool(isinstance(provenance, dict) and provenance.get("cached")),
                "fields": [
                    {"label": humanize_key(k), "value": nested_html(v)}
                    for k, v in (fields.items() if isinstance(fields, dict) else [])
                ],
                "matching": [_matching_row(item) for item in matching]
                if isinstance(matching, list)
                else [],
            }
        )
    return sections


MATCH_LABELS = {
    True: _("Concordant"),
    False: _("Non concordant"),
    "match": _("Concordant"),
    "matched": _("Concordant"),
    "found": _("Concordant"),
    "mismatch": _("Non concordant"),
    "not_found": _("Non trouvé dans les données certifiées"),
    "ambiguous": _("Ambigu"),
    "unknown": _("Non vérifiable"),
}


def _matching_row(item):
    if not isinstance(item, dict):
        return {"who": "", "result": str(item), "detail": ""}
    who = ""
    for key in ("label", "child", "enfant", "prenom", "name", "position"):
        if item.get(key) not in (None, ""):
            who = item[key]
            break
    if isinstance(who, int):
        who = _("Enfant %(n)s") % {"n": who + 1 if "position" in item else who}
    result = None
    for key in ("result", "status", "matched", "match", "outcome"):
        if key in item:
            result = item[key]
            break
    rest = {
        k: v
        for k, v in item.items()
        if k not in {"label", "child", "enfant", "prenom", "name", "position"}
        and k not in {"result", "status", "matched", "match", "outcome"}
    }
    try:
        result_text = MATCH_LABELS.get(result, result)
    except TypeError:
        result_text = result
    return {
        "who": str(who),
        "result": str(result_text if result_text is not None else "—"),
        "detail": nested_html(rest) if rest else "",
    }


def outcome_context(outcome):
    """Summary lines and each grid as it was when computed (its snapshot in the outcome)."""
    if not isinstance(outcome, dict) or not outcome:
        return None
    from wagtail_passfamille.rules.outcome import Outcome

    context = {"raw": None, "lines": [], "grids": [], "gates": []}
    try:
        parsed = Outcome.from_dict(outcome)
        context["lines"] = parsed.summary_lines()
    except Exception:
        context["raw"] = nested_html(outcome)
        return context
    context["reference_date"] = parsed.reference_date
    context["decision"] = parsed.decision.value
    for result in outcome.get("tariffs") or []:
        grid = result.get("grid") or {}
        context["grids"].append(
            {
                "title": grid.get("title") or grid.get("name"),
                "name": grid.get("name"),
                "variable": grid.get("variable"),
                "mode": grid.get("mode"),
                "unit": grid.get("unit"),
                "brackets": grid.get("brackets") or [],
                "effort": grid.get("effort"),
                "bracket": result.get("bracket"),
                "amount": result.get("amount"),
                "provenance": result.get("provenance"),
                "default_applied": result.get("default_applied"),
                "children": result.get("children") or [],
            }
        )
    for result in outcome.get("gates") or []:
        gate = result.get("gate") or {}
        context["gates"].append(
            {
                "name": gate.get("name") or gate.get("label") or "",
                "message": gate.get("message") or "",
                "decision": result.get("decision"),
            }
        )
    return context


def file_size(size) -> str:
    from wagtail_passfamille.citizen.uploads import format_size

    try:
        return str(format_size(int(size)))
    except (TypeError, ValueError):
        return ""
