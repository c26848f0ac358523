"""Display conditions configured with blocks: "show if <variable> <operator> <value>"."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_passfamille import geo
from wagtail_passfamille.blocks.pickers import VALUE, VARIABLE, PickedCharBlock
from wagtail_passfamille.blocks.values import ConditionValue, split_choices

OPERATOR_CHOICES = [
    ("equals", _("est égal à")),
    ("differs", _("est différent de")),
    ("one_of", _("fait partie de (valeurs séparées par « ; »)")),
    ("contains", _("contient")),
    ("greater_than", _("est supérieur à")),
    ("greater_or_equal", _("est supérieur ou égal à")),
    ("less_than", _("est inférieur à")),
    ("less_or_equal", _("est inférieur ou égal à")),
    ("is_filled", _("est renseigné")),
    ("is_not_filled", _("n'est pas renseigné")),
]


# A condition stored before the choice existed has none: it reads « au moins un ».
QUANTIFIER_CHOICES = [
    ("any", _("au moins un enfant (ou un choix coché)")),
    ("all", _("chaque enfant (ou chaque choix coché)")),
]


class ConditionRuleBlock(blocks.StructBlock):
    variable = PickedCharBlock(
        label=_("Champ ou donnée"),
        max_length=80,
        picker=VARIABLE,
        help_text=_(
            "Choisissez un champ d'une étape précédente (par son étape et son libellé) ou une "
            "donnée certifiée."
        ),
    )
    operator = blocks.ChoiceBlock(label=_("Opérateur"), choices=OPERATOR_CHOICES, default="equals")
    value = PickedCharBlock(label=_("Valeur"), required=False, max_length=255, picker=VALUE)
    quantifier = blocks.ChoiceBlock(
        label=_("Pour une donnée de chaque enfant"),
        choices=QUANTIFIER_CHOICES,
        default="any",
        help_text=_(
            "Sur un champ du groupe des enfants, leur âge ou une liste de choix : la condition "
            "est remplie pour au moins un enfant, ou pour chacun."
        ),
    )

    class Meta:
        icon = "cog"
        label = _("Condition")
        label_format = "{variable} {operator} {value}"


class ConditionBlock(blocks.StructBlock):
    mode = blocks.ChoiceBlock(
        label=_("Combinaison"),
        choices=[
            ("all", _("toutes les conditions sont remplies")),
            ("any", _("au moins une condition est remplie")),
        ],
        default="all",
    )
    rules = blocks.ListBlock(ConditionRuleBlock(), label=_("Conditions"), default=[])

    class Meta:
        icon = "cog"
        label = _("Condition d'affichage")
        help_text = _("Laissez la liste vide pour toujours afficher.")
        value_class = ConditionValue
        collapsed = True
        form_classname = "passfamille-condition"

    def clean(self, value, *args, **kwargs):
        value = super().clean(value, *args, **kwargs)
        errors = {}
        for index, rule in enumerate(value.get("rules") or ()):
            message = commune_problem(rule)
            if message:
                errors[index] = blocks.StructBlockValidationError(
                    block_errors={"value": ValidationError(message)}
                )
        if errors:
            raise blocks.StructBlockValidationError(
                block_errors={"rules": blocks.ListBlockValidationError(block_errors=errors)}
            )
        return value


# Certified data holding an INSEE code (« la commune de … »): the editor picks the commune.
COMMUNE_VARIABLES = frozenset({"caf.commune", "dgfip.commune"})
_VALUELESS = frozenset({"is_filled", "is_not_filled"})


def commune_problem(rule) -> str | None:
    """A commune condition must hold known INSEE codes (the picker stores them)."""
    if (rule.get("variable") or "").strip() not in COMMUNE_VARIABLES:
        return None
    if rule.get("operator") in _VALUELESS:
        return None
    codes = split_choices(rule.get("value") or "")
    unknown = [code for code in codes if not geo.is_known_commune_code(code)]
    if unknown:
        return _(
            "« %(code)s » n'est pas un code INSEE de commune : choisissez la commune dans la "
            "liste (recherche par nom ou code postal)."
        ) % {"code": unknown[0]}
    return None
