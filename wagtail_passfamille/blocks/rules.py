"""Eligibility gates and tariff grids, configured by editors without code.

Blocks describe; their values build the pure ``rules`` objects (``as_gate()``, ``as_grid()``).
Saving refuses a grid with gaps or overlaps and says where.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_passfamille.blocks.conditions import ConditionBlock
from wagtail_passfamille.blocks.fields import machine_name_validator
from wagtail_passfamille.blocks.pickers import NUMBER_VARIABLE, PickedCharBlock
from wagtail_passfamille.blocks.rules_messages import problem_message
from wagtail_passfamille.blocks.values import CommaDecimalBlock
from wagtail_passfamille.rules import (
    Bracket,
    ChildReductions,
    EffortRate,
    Gate,
    Grid,
    validate_grid,
)
from wagtail_passfamille.rules.problems import Severity
from wagtail_passfamille.rules.text import machine_name

VARIABLE_HELP = _(
    "Une donnée numérique, choisie dans la liste : le quotient familial CAF/MSA, le quotient "
    "fiscal mensuel (revenu fiscal de référence ÷ 12 ÷ nombre de parts) ou annuel, le nombre "
    "d'enfants, ou un champ « Nombre » des étapes."
)


class RulesValue(blocks.StructValue):
    @property
    def clean_name(self) -> str:
        return self.get("name") or machine_name(self.get("title") or self.get("message") or "")


class GateValue(RulesValue):
    def as_gate(self) -> Gate | None:
        rule = self["condition"].as_rule() if self.get("condition") else None
        if rule is None:
            return None
        return Gate(
            name=self.clean_name,
            rule=rule,
            message=self.get("message") or "",
            allow_review=bool(self.get("allow_review")),
            review_message=self.get("review_message") or "",
            success_message=self.get("success_message") or "",
            per_child=self.get("applies_to") == EACH_CHILD,
        )


class GridValue(RulesValue):
    def as_grid(self) -> Grid:
        effort = self.get("effort") or {}
        reductions = self.get("child_reductions") or {}
        has_reductions = any(
            reductions.get(k) for k in ("second_percent", "third_and_more_percent")
        )
        return Grid(
            name=self.clean_name,
            variable=(self.get("variable") or "").strip(),
            title=self.get("title") or "Tarif",
            unit=self.get("unit") or "",
            kind=self.get("kind") or "price",
            mode=self.get("mode") or "brackets",
            brackets=tuple(
                Bracket(b["label"], b.get("minimum"), b.get("maximum"), b["amount"])
                for b in self.get("brackets") or ()
                if b.get("amount") is not None
            ),
            effort=(
                EffortRate(
                    effort["rate_percent"], effort.get("minimum") or 0, effort.get("maximum")
                )
                if effort.get("rate_percent") is not None
                else None
            ),
            default_bracket=self.get("default_bracket") or None,
            default_amount=self.get("default_amount"),
            child_reductions=(
                ChildReductions(
                    reductions.get("second_percent") or 0,
                    reductions.get("third_and_more_percent") or 0,
                )
                if has_reductions
                else None
            ),
            valid_from=self.get("valid_from"),
            valid_until=self.get("valid_until"),
        )


EACH_CHILD = "enfant"


class GateBlock(blocks.StructBlock):
    name = blocks.CharBlock(
        label=_("Nom technique"),
        required=False,
        max_length=50,
        validators=[machine_name_validator],
        help_text=_("Proposé à partir du message si vide."),
    )
    condition = ConditionBlock(
        label=_("Condition d'éligibilité"),
        help_text=_(
            "Par exemple « dgfip.commune » est égal à « 51108 ». Une donnée inconnue (non "
            "trouvée, refusée, en attente) ne refuse jamais : la demande part « pour examen »."
        ),
    )
    applies_to = blocks.ChoiceBlock(
        label=_("S'applique à"),
        choices=[
            ("demande", _("la demande entière")),
            (EACH_CHILD, _("chaque enfant inscrit, un par un")),
        ],
        default="demande",
        help_text=_(
            "« Chaque enfant » : la condition est vérifiée sur les données de chaque enfant (son "
            "âge à la date de référence, les champs du groupe) ; un enfant qui ne la remplit pas "
            "n'est pas inscrit, le message le nomme, et les autres enfants continuent."
        ),
    )
    message = blocks.TextBlock(
        label=_("Message si la condition n'est pas remplie"),
        rows=2,
        help_text=_("Montré au demandeur : n'y écrivez aucune donnée certifiée."),
    )
    allow_review = blocks.BooleanBlock(
        label=_("Permettre quand même l'envoi « pour examen »"), required=False, default=False
    )
    review_message = blocks.TextBlock(
        label=_("Message si la donnée est inconnue"), required=False, rows=2
    )
    success_message = blocks.CharBlock(
        label=_("Message si la condition est remplie"),
        required=False,
        max_length=200,
        help_text=_("Par exemple « Éligible au Pass Famille »."),
    )

    class Meta:
        icon = "success"
        label = _("Condition d'éligibilité")
        label_format = "{message}"
        value_class = GateValue

    def clean(self, value, *args, **kwargs):
        value = super().clean(value, *args, **kwargs)
        if not value.get("name") and (value.get("title") or value.get("message") or "").strip():
            value["name"] = value.clean_name
        if value.as_gate() is None:
            raise blocks.StructBlockValidationError(
                block_errors={"condition": ValidationError(_("Ajoutez au moins une condition."))}
            )
        return value


class BracketBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Libellé"), max_length=60, help_text=_("Ex. « Tranche A »."))
    minimum = CommaDecimalBlock(label=_("À partir de (inclus)"), required=False)
    maximum = CommaDecimalBlock(
        label=_("Jusqu'à (exclu)"), required=False, help_text=_("Vide pour la dernière tranche.")
    )
    amount = CommaDecimalBlock(
        label=_("Prix en euros, ou réduction en %"), decimal_places=2, max_digits=10
    )

    class Meta:
        icon = "list-ol"
        label_format = "{label}"


class EffortBlock(blocks.StructBlock):
    rate_percent = CommaDecimalBlock(label=_("Taux d'effort (%)"), required=False)
    minimum = CommaDecimalBlock(label=_("Prix minimum (€)"), required=False)
    maximum = CommaDecimalBlock(label=_("Prix maximum (€)"), required=False)

    class Meta:
        icon = "calculator"
        label = _("Taux d'effort")
        collapsed = True


class ChildReductionsBlock(blocks.StructBlock):
    second_percent = CommaDecimalBlock(label=_("2e enfant : réduction (%)"), required=False)
    third_and_more_percent = CommaDecimalBlock(
        label=_("3e enfant et suivants : réduction (%)"), required=False
    )

    class Meta:
        icon = "group"
        label = _("Réductions par enfant inscrit (du plus âgé au plus jeune)")
        collapsed = True


# Where each problem of rules.validate_grid is shown in the block.
GRID_FIELDS = {
    "name",
    "variable",
    "title",
    "unit",
    "kind",
    "mode",
    "brackets",
    "effort",
    "default_bracket",
    "default_amount",
    "child_reductions",
    "valid_from",
    "valid_until",
}


class GridBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        label=_("Intitulé"),
        max_length=100,
        default="Tarif",
        help_text=_("Début de la ligne montrée : « Tarif », « Éligible au Pass Famille »…"),
    )
    name = blocks.CharBlock(
        label=_("Nom technique"),
        required=False,
        max_length=50,
        validators=[machine_name_validator],
        help_text=_("Ex. « repas », « garderie_matin ». Proposé à partir de l'intitulé si vide."),
    )
    variable = PickedCharBlock(
        label=_("Donnée"), max_length=80, help_text=VARIABLE_HELP, picker=NUMBER_VARIABLE
    )
    kind = blocks.ChoiceBlock(
        label=_("La grille donne"),
        choices=[("price", _("un prix")), ("reduction", _("une réduction en %"))],
        default="price",
    )
    unit = blocks.CharBlock(
        label=_("Unité"), required=False, max_length=60, help_text=_("Ex. « par repas »")
    )
    mode = blocks.ChoiceBlock(
        label=_("Calcul"),
        choices=[("brackets", _("par tranches")), ("effort_rate", _("taux d'effort"))],
        default="brackets",
    )
    brackets = blocks.ListBlock(BracketBlock(), label=_("Tranches"), default=[])
    effort = EffortBlock(required=False)
    default_bracket = blocks.CharBlock(
        label=_("Tranche appliquée si la donnée est inconnue"),
        required=False,
        max_length=60,
        help_text=_("Le libellé d'une tranche, en général la plus haute."),
    )
    default_amount = CommaDecimalBlock(
        label=_("Prix appliqué si la donnée est inconnue (taux d'effort)"), required=False
    )
    child_reductions = ChildReductionsBlock(required=False)
    valid_from = blocks.DateBlock(label=_("Valable à partir du"), required=False)
    valid_until = blocks.DateBlock(label=_("Valable jusqu'au"), required=False)

    class Meta:
        icon = "table"
        label = _("Grille tarifaire")
        label_format = "{title} ({name})"
        value_class = GridValue

    def clean(self, value, *args, **kwargs):
        value = super().clean(value, *args, **kwargs)
        if not value.get("name") and (value.get("title") or value.get("message") or "").strip():
            value["name"] = value.clean_name
        try:
            grid = value.as_grid()
        except (ValueError, TypeError) as error:
            raise blocks.StructBlockValidationError(
                non_block_errors=[ValidationError(str(error))]
            ) from None
        # The variable is checked with the whole page (answers of the steps); here the grid.
        problems = [
            p
            for p in validate_grid(grid, {grid.variable: None})
            if p.severity is Severity.ERROR and p.code not in ("unknown_variable",)
        ]
        if problems:
            raise grid_error(problems)
        return value


def grid_error(problems):
    """Attach each problem to the sub-block its path names (the first problem per place)."""

    errors: dict = {}
    non_block = []
    for problem in problems:
        path = list(problem.path)
        if not path or path[0] not in GRID_FIELDS:
            non_block.append(ValidationError(problem_message(problem)))
            continue
        name = path[0]
        if name == "brackets" and len(path) > 1 and isinstance(path[1], int):
            sub = path[2] if len(path) > 2 and isinstance(path[2], str) else None
            inner = ValidationError(problem_message(problem))
            if sub in ("label", "minimum", "maximum", "amount"):
                inner = blocks.StructBlockValidationError(block_errors={sub: inner})
            else:
                inner = blocks.StructBlockValidationError(non_block_errors=[inner])
            existing = errors.setdefault("brackets", {})
            existing.setdefault(path[1], inner)
        elif name not in errors:
            errors[name] = ValidationError(problem_message(problem))
    brackets = errors.get("brackets")
    if isinstance(brackets, dict):
        errors["brackets"] = blocks.ListBlockValidationError(block_errors=brackets)
    elif brackets is not None:  # about the list as a whole (« Ajoutez au moins une tranche »)
        errors["brackets"] = blocks.ListBlockValidationError(non_block_errors=[brackets])
    return blocks.StructBlockValidationError(block_errors=errors, non_block_errors=non_block)


class GatesBlock(blocks.StreamBlock):
    condition = GateBlock()

    class Meta:
        required = False


class GridsBlock(blocks.StreamBlock):
    grille = GridBlock()

    class Meta:
        required = False
