"""Display conditions configured with blocks: "show if <variable> <operator> <value>"."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_passfamille.blocks.values import ConditionValue

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


class ConditionRuleBlock(blocks.StructBlock):
    variable = blocks.CharBlock(
        label=_("Champ ou donnée"),
        max_length=80,
        help_text=_(
            "Nom technique d'un champ d'une étape précédente (ex. « regime_alimentaire ») "
            "ou d'une donnée certifiée (ex. « caf.quotient_familial »)."
        ),
    )
    operator = blocks.ChoiceBlock(label=_("Opérateur"), choices=OPERATOR_CHOICES, default="equals")
    value = blocks.CharBlock(label=_("Valeur"), required=False, max_length=255)

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
