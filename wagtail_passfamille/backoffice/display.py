"""What an agent reads about one submission: answers by step, certified data, outcome.

Answers are stored JSON written by the wizard (and by earlier versions of it): they are
rendered whatever shape they have, never raising on an unexpected one. Certified data are read
through their owning type, ``Submission.certified_record``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from wagtail_passfamille import sources
from wagtail_passfamille.blocks.display import display_value
from wagtail_passfamille.models.submissions import Verification
from wagtail_passfamille.rules.outcome import Outcome
from wagtail_passfamille.security.upload_limits import format_size
from wagtail_passfamille.services.matching import Match


def humanize_key(key) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


# The block types whose string answers read otherwise than stored in :func:`answer_text`; any
# other non-empty string reads as it is (what exports rely on to skip the call).
FORMATTED_TEXT = frozenset({"date", "telephone", "case_a_cocher", "fichier"})


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
        # « enfants.1.document_pai »: a file of a group's item, shown in that item.
        if name not in seen and name not in answers and name.partition(".")[0] not in seen:
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
                            "files": files_by_field.get(f"{name}.{number - 1}.{sub.get('name')}")
                            if sub.get("type") == "fichier"
                            else [],
                        }
                        for sub in field.get("fields") or []
                        # A field its condition hid for this item has no answer at all.
                        if sub.get("name") in entry or not entry
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
        # Stored in UTC: the agent reads the town's day (a fetch at 00:30 in Paris is that
        # day's, not the day before's).
        parsed = (timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed).date()
    return date_format(parsed, "d/m/Y")


# The provider a CAF/MSA answer names in its provenance, as agents know it.
PROVIDER_LABELS = {"cnaf": "CAF", "caf": "CAF", "msa": "MSA"}


def source_label(name: str) -> str:
    """« CAF/MSA », « DGFiP »: the registry's short label, else the stored name."""
    try:
        return str(sources.get(name).short_label)
    except KeyError:
        return name


def provenance_badge(source: str, provenance) -> str:
    """ "Donnée certifiée — CAF, 12/09/2026, réf. 3f2a…" (the parts that are known)."""
    provenance = provenance if isinstance(provenance, dict) else {}
    provider = str(provenance.get("fournisseur") or "").lower()
    parts = [PROVIDER_LABELS.get(provider) or source_label(source)]
    when = _date(provenance.get("fetched_at"))
    if when:
        parts.append(when)
    if provenance.get("request_id"):
        parts.append(_("réf. %(id)s") % {"id": provenance["request_id"]})
    return _("Donnée certifiée — %(what)s") % {"what": ", ".join(parts)}


def _month_text(value) -> str:
    try:
        year, month = (int(part) for part in str(value).split("-"))
        return date_format(dt.date(year, month, 1), "YEAR_MONTH_FORMAT")
    except (TypeError, ValueError):
        return ""


def reference_month_text(provenance) -> str:
    """ "Mois demandé : mai 2026 — mois du quotient reçu : mai 2026" ("" before the field)."""
    provenance = provenance if isinstance(provenance, dict) else {}
    if "mois_demande" not in provenance:
        return ""
    asked = _month_text(provenance.get("mois_demande")) or _("le plus récent")
    received = _month_text(provenance.get("mois_recu")) or _("non précisé")
    return _("Mois demandé : %(asked)s — mois du quotient reçu : %(received)s") % {
        "asked": asked,
        "received": received,
    }


def _field_label(source: str, key: str) -> str:
    try:
        datum = sources.get(source).datum(key)
    except KeyError:
        datum = None
    return str(datum.label) if datum else humanize_key(key)


def verification_labels() -> dict[str, str]:
    """Each verification state's label (« Vérifiée » for ``verifie``), translated now: what the
    submission's page and the exports show, a dict lookup per value."""
    return {state: str(label) for state, label in Verification.choices}


def certified_sections(submission):
    """One section per source: verification state, badge, fields, per-child matching."""
    try:
        record = submission.certified_record
    except (ValueError, KeyError, TypeError):
        return [{"source": _("Données certifiées"), "raw": nested_html(submission.certified)}]
    labels = verification_labels()
    first_names = _registered_first_names(submission) if record else []
    sections = []
    for source, entry in record.items():
        sections.append(
            {
                "source": source_label(source),
                "verification": labels.get(entry.verification, entry.verification),
                "manual_review": entry.manual_review,
                "badge": provenance_badge(source, entry.provenance) if entry.provenance else "",
                "cached": bool(entry.provenance.get("cached")),
                "reference_month": reference_month_text(entry.provenance),
                "fields": [
                    {"label": _field_label(source, key), "value": nested_html(value)}
                    for key, value in (entry.fields or {}).items()
                ],
                "matching": [_matching_row(match, first_names) for match in entry.matching],
            }
        )
    return sections


MATCH_LABELS = {
    Match.FOUND: _("Rattaché au dossier"),
    Match.NOT_FOUND: _("Non trouvé dans le dossier"),
    Match.AMBIGUOUS: _("Ambigu"),
    Match.UNKNOWN: _("Non vérifiable"),
}
MATCH_DETAILS = {
    Match.FOUND: _("Un enfant du dossier a ce prénom et cette date de naissance."),
    Match.NOT_FOUND: _("Aucun enfant du dossier n'a ce prénom et cette date de naissance."),
    Match.AMBIGUOUS: _("Plusieurs enfants du dossier correspondent : à vérifier."),
    Match.UNKNOWN: _("Le prénom ou la date de naissance de l'enfant n'a pas été donné."),
}


def _registered_first_names(submission) -> list[str]:
    """First names of the registered children, in the order entered (the matching's order)."""
    page = submission.page.specific
    group = page.children_group_name()
    field = page.child_first_name_field()
    items = (submission.answers or {}).get(group) if group else None
    if not isinstance(items, list):
        return []
    return [str(item.get(field) or "") if isinstance(item, dict) else "" for item in items]


def registered_names(submission) -> dict[int, str]:
    """{position: first name} of the registered children (per-child refusals name them)."""
    return dict(enumerate(_registered_first_names(submission)))


def _matching_row(match, first_names):
    """« Enfant 1 — Léa » | « Rattaché au dossier » | why."""
    who = _("Enfant %(n)s") % {"n": match.position}
    if 0 < match.position <= len(first_names) and first_names[match.position - 1]:
        who = f"{who} — {first_names[match.position - 1]}"
    return {
        "who": who,
        "result": str(MATCH_LABELS[match.result]),
        "detail": str(MATCH_DETAILS[match.result]),
    }


def outcome_context(outcome, names=None):
    """Summary lines and each grid as it was when computed (its snapshot in the outcome);
    ``names``: the registered children's first names, for the children a gate refused."""
    if not isinstance(outcome, dict) or not outcome:
        return None

    context = {"raw": None, "lines": [], "grids": [], "gates": []}
    try:
        parsed = Outcome.from_dict(outcome)
        context["lines"] = parsed.summary_lines(names)
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
    for result, gate_result in zip(outcome.get("gates") or [], parsed.gates, strict=False):
        gate = result.get("gate") or {}
        context["gates"].append(
            {
                "name": gate.get("name") or gate.get("label") or "",
                "message": gate.get("message") or "",
                "decision": result.get("decision"),
                "refused": gate_result.child_lines(names),
            }
        )
    return context


def file_size(size) -> str:

    try:
        return str(format_size(int(size)))
    except (TypeError, ValueError):
        return ""
