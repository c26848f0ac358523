"""The page editor's pickers: what its script needs to offer lists instead of technical names.

The script (``static/wagtail_passfamille/js/editor_pickers.js``) reads the démarche's steps in
the page being edited (unsaved changes included: Wagtail blocks get no page context) and builds
its lists from them and from :func:`catalogue`: the certified data by label (the sources'
catalogue), the operators that fit each kind of datum, their labels, the field types' kinds and
the commune search. The saved value is the same string as before (``blocks.pickers``); the
save checks refuse unknown names and codes with a French message.

Registered here (imported by ``apps.ready``): the admin's commune search and the editor script.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html, json_script
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail import hooks

from wagtail_passfamille import geo, sources
from wagtail_passfamille.blocks.conditions import COMMUNE_VARIABLES
from wagtail_passfamille.blocks.schema import CERTIFIED_BLOCKS, FIELD_KINDS
from wagtail_passfamille.rules.conditions import Operator
from wagtail_passfamille.rules.variables import CATALOGUE

COMMUNES_URL_NAME = "wagtail_passfamille_editor_communes"
Op = Operator
_FILL = [Op.IS_FILLED, Op.IS_NOT_FILLED]
_ORDER = [Op.GREATER_THAN, Op.GREATER_OR_EQUAL, Op.LESS_THAN, Op.LESS_OR_EQUAL]

# The operators that fit each kind of datum (``rules.conditions.validate_rule`` refuses the
# others at save: no « contient » on a number, no « supérieur à » on a text).
OPERATORS_BY_KIND: dict[str, list[Operator]] = {
    "number": [Op.EQUALS, Op.DIFFERS, Op.ONE_OF, *_ORDER, *_FILL],
    "date": [Op.EQUALS, Op.DIFFERS, *_ORDER, *_FILL],
    "text": [Op.EQUALS, Op.DIFFERS, Op.ONE_OF, Op.CONTAINS, *_FILL],
    "choice": [Op.EQUALS, Op.DIFFERS, Op.ONE_OF, *_FILL],
    # A list (a multiple choice, a group's sub-field across its items): « comprend ».
    "choice_multiple": [Op.CONTAINS, Op.DIFFERS, Op.ONE_OF, *_FILL],
    "number_multiple": [Op.EQUALS, Op.ONE_OF, *_ORDER, *_FILL],
    "date_multiple": [Op.EQUALS, *_ORDER, *_FILL],
    "text_multiple": [Op.CONTAINS, Op.DIFFERS, *_FILL],
    "boolean": [Op.EQUALS, *_FILL],
    "boolean_multiple": [Op.EQUALS, *_FILL],
    "group": _FILL,
    "commune": [Op.EQUALS, Op.DIFFERS, Op.ONE_OF, *_FILL],
}


def operator_labels() -> dict[str, dict[str, str]]:
    """Labels that read well for each kind (« est avant le » for a date)."""
    base = {
        Op.EQUALS: _("est égal à"),
        Op.DIFFERS: _("est différent de"),
        Op.ONE_OF: _("fait partie de"),
        Op.CONTAINS: _("contient"),
        Op.GREATER_THAN: _("est supérieur à"),
        Op.GREATER_OR_EQUAL: _("est supérieur ou égal à"),
        Op.LESS_THAN: _("est inférieur à"),
        Op.LESS_OR_EQUAL: _("est inférieur ou égal à"),
        Op.IS_FILLED: _("est renseigné"),
        Op.IS_NOT_FILLED: _("n'est pas renseigné"),
    }
    date = {
        Op.EQUALS: _("est le"),
        Op.DIFFERS: _("n'est pas le"),
        Op.GREATER_THAN: _("est après le"),
        Op.GREATER_OR_EQUAL: _("est le ou après le"),
        Op.LESS_THAN: _("est avant le"),
        Op.LESS_OR_EQUAL: _("est le ou avant le"),
    }
    listed = {
        Op.CONTAINS: _("comprend"),
        Op.DIFFERS: _("ne comprend pas"),
        Op.ONE_OF: _("comprend l'un de"),
        Op.EQUALS: _("comprend"),
    }
    boolean = {
        Op.EQUALS: _("est"),
        Op.IS_FILLED: _("est cochée"),
        Op.IS_NOT_FILLED: _("n'est pas cochée"),
    }
    commune = {
        Op.EQUALS: _("est la commune de"),
        Op.DIFFERS: _("n'est pas la commune de"),
        Op.ONE_OF: _("est l'une des communes"),
    }
    labels = {}
    for kind in OPERATORS_BY_KIND:
        special = (
            date
            if kind.startswith("date")
            else boolean
            if kind.startswith("boolean")
            else commune
            if kind == "commune"
            else listed
            if kind.endswith("_multiple")
            else {}
        )
        labels[kind] = {str(op): str(special.get(op, base[op])) for op in OPERATORS_BY_KIND[kind]}
    return labels


def picker_kind(kind: str, *, multiple: bool = False, commune: bool = False) -> str:
    """The key of :data:`OPERATORS_BY_KIND` for a datum."""
    if commune:
        return "commune"
    if kind == "group":
        return "group"
    return f"{kind}_multiple" if multiple else kind


def certified_data() -> list[dict]:
    """The certified data an editor may pick, by source, each with the ticked data it needs."""
    data = []
    for source in sources.all_sources():
        fed_by: dict[str, list[str]] = {}
        for datum in source.data:
            for variable in datum.variables:
                fed_by.setdefault(variable, []).append(datum.key)
        for spec in CATALOGUE.values():
            if spec.source != source.name:
                continue
            data.append(
                {
                    "name": spec.name,
                    "label": f"{source.short_label} — {spec.label}",
                    "source": source.name,
                    "block_type": source.block_type,
                    # Empty: always there with the block (« Vérification CAF/MSA »).
                    "needs": fed_by.get(spec.name, []),
                    "kind": picker_kind(
                        spec.kind.value,
                        multiple=spec.multiple,
                        commune=spec.name in COMMUNE_VARIABLES,
                    ),
                    "numeric": spec.numeric,
                    "choices": list(spec.choices),
                }
            )
    for spec in CATALOGUE.values():
        if spec.source == "demarche":
            data.append(
                {
                    "name": spec.name,
                    "label": _("Démarche — %(label)s") % {"label": spec.label},
                    "source": "demarche",
                    "block_type": "",
                    "needs": [],
                    "kind": picker_kind(spec.kind.value, multiple=spec.multiple),
                    "numeric": spec.numeric,
                    "choices": list(spec.choices),
                }
            )
    return data


def catalogue() -> dict:
    """Everything the editor's script needs, in the editor's language."""
    return {
        "certified": certified_data(),
        "certifiedBlocks": sorted(CERTIFIED_BLOCKS),
        "fieldKinds": FIELD_KINDS,
        "operators": {kind: [str(op) for op in ops] for kind, ops in OPERATORS_BY_KIND.items()},
        "operatorLabels": operator_labels(),
        "communesUrl": reverse(COMMUNES_URL_NAME),
        "text": {
            "step": _("Étape %(number)s"),
            "choose": _("— Choisissez —"),
            "certified": _("Données certifiées"),
            "missing": _("%(name)s (introuvable ici : choisissez dans la liste)"),
            "yes": _("Oui"),
            "no": _("Non"),
            "communeSearch": _("Rechercher une commune (nom ou code postal)"),
            "communeSearchButton": _("Rechercher"),
            "communeNone": _("Aucune commune trouvée."),
            "communeRemove": _("Retirer"),
            "communeCode": _("code INSEE %(code)s"),
            "oneOfHint": _("Cochez une ou plusieurs valeurs."),
            "example": _("Exemple"),
            "exampleEffort": _("%(variable)s %(value)s → %(price)s"),
            "exampleUnknown": _("donnée inconnue → %(price)s"),
            "exampleReduction": _("%(percent)s %% de réduction"),
            "noChoice": _("Aucun champ ni donnée ne convient ici."),
            "inferred": _("— Déduit des étapes à l'enregistrement —"),
        },
    }


@require_GET
def communes_view(request):
    """Current communes matching a name, a postcode or an INSEE code (for rules on residence)."""
    query = request.GET.get("q", "")[:100]
    found = geo.search_communes(query, limit=20, current_only=True) if len(query) >= 2 else []
    return JsonResponse({"results": [commune_entry(c) for c in found]})


def commune_entry(commune) -> dict:
    postcodes = ", ".join(commune.codes_postaux[:3])
    label = f"{commune.nom} ({postcodes})" if postcodes else commune.label
    return {"code": commune.code, "label": label}


@hooks.register("register_admin_urls")
def register_picker_urls():
    return [path("passfamille/communes/", communes_view, name=COMMUNES_URL_NAME)]


@hooks.register("insert_editor_js")
def editor_pickers_js():
    return format_html(
        '{}<script src="{}" defer></script>',
        json_script(catalogue(), "pf-picker-catalogue"),
        static("wagtail_passfamille/js/editor_pickers.js"),
    )


@hooks.register("insert_editor_css")
def editor_pickers_css():
    return format_html(
        '<link rel="stylesheet" href="{}">', static("wagtail_passfamille/css/editor_pickers.css")
    )
