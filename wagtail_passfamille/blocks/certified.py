"""Certified-data blocks: the editor ticks what the démarche needs; the citizen chooses to share.

Each block sits among a step's fields. At most one of each per démarche.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_passfamille import sources
from wagtail_passfamille.blocks.conditions import ConditionBlock
from wagtail_passfamille.blocks.pickers import GROUP, GROUP_DATE, GROUP_TEXT, PickedCharBlock
from wagtail_passfamille.blocks.values import (
    APPLICATION_MONTH,
    FIXED_MONTH,
    LATEST,
    CertifiedValue,
)

CAF = sources.get("caf")
DGFIP = sources.get("dgfip")


class BaseCertifiedBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Titre"), max_length=120)
    allow_refusal = blocks.BooleanBlock(
        label=_("Permettre de ne rien transmettre"),
        required=False,
        default=False,
        help_text=_(
            "Ajoute le choix « Je ne souhaite pas transmettre ces informations » (le tarif "
            "par défaut s'applique alors). Le justificatif reste toujours proposé."
        ),
    )
    justificatif_label = blocks.CharBlock(label=_("Justificatif demandé à défaut"), max_length=200)
    condition = ConditionBlock(required=False)

    class Meta:
        value_class = CertifiedValue
        label_format = "{label}"


class ReferenceMonthBlock(blocks.ChoiceBlock):
    """Which quotient familial the démarche uses (choices in the class: stable migrations)."""

    choices = [
        (LATEST, _("Le plus récent connu de la CAF ou de la MSA")),
        (APPLICATION_MONTH, _("Celui du mois de la demande")),
        (FIXED_MONTH, _("Celui d'un mois donné (ci-dessous)")),
    ]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Quotient familial retenu"))
        kwargs.setdefault("default", LATEST)
        kwargs.setdefault(
            "help_text",
            _(
                "Par exemple le quotient de janvier de l'année scolaire pour toute l'année. "
                "L'API donne les mois des deux dernières années au plus."
            ),
        )
        super().__init__(choices=self.choices, **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return path, args, kwargs


class QuotientFamilialBlock(BaseCertifiedBlock):
    data = blocks.MultipleChoiceBlock(
        label=_("Données nécessaires"),
        # Tick boxes: in a multi-select a plain click drops what was selected (the QF).
        widget=forms.CheckboxSelectMultiple,
        choices=CAF.choices(),
        default=list(CAF.default_ticked),
        help_text=_(
            "Cochez seulement ce dont la démarche a besoin : seules ces données sont demandées "
            "et conservées. L'adresse demande le droit « cnaf_adresse », souvent absent des "
            "habilitations DataPass."
        ),
    )
    children_group = PickedCharBlock(
        label=_("Groupe des enfants inscrits"),
        required=False,
        max_length=50,
        picker=GROUP,
        help_text=_(
            "Laissez vide : quand « Enfants à charge » est coché, le groupe répétable de la "
            "démarche est utilisé (s'il n'y en a qu'un) et les agents voient si chaque enfant "
            "inscrit est bien rattaché au dossier CAF ou MSA."
        ),
    )
    child_first_name_field = PickedCharBlock(
        label=_("Champ du prénom de l'enfant"),
        required=False,
        max_length=50,
        picker=GROUP_TEXT,
        help_text=_(
            "Laissez vide : le champ « Texte court » du groupe dont le libellé dit « prénom » "
            "est utilisé, et son nom est montré ici à l'enregistrement."
        ),
    )
    child_birth_date_field = PickedCharBlock(
        label=_("Champ de la date de naissance de l'enfant"),
        required=False,
        max_length=50,
        picker=GROUP_DATE,
        help_text=_(
            "Laissez vide : le champ « Date » du groupe est utilisé (celui dont le libellé dit "
            "« naissance » s'il y en a plusieurs)."
        ),
    )
    mois_reference = ReferenceMonthBlock()
    annee_fixe = blocks.IntegerBlock(
        label=_("Année du mois donné"), required=False, min_value=2000, max_value=2100
    )
    mois_fixe = blocks.IntegerBlock(
        label=_("Mois donné (1 à 12)"), required=False, min_value=1, max_value=12
    )

    class Meta:
        icon = "user"
        label = CAF.label
        source = CAF.name

    def clean(self, value, *args, **kwargs):
        value = super().clean(value, *args, **kwargs)
        if value.get("mois_reference") == FIXED_MONTH and not (
            value.get("annee_fixe") and value.get("mois_fixe")
        ):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "mois_fixe": ValidationError(_("Indiquez l'année et le mois du quotient."))
                }
            )
        return value


class SituationFiscaleBlock(BaseCertifiedBlock):
    data = blocks.MultipleChoiceBlock(
        label=_("Données nécessaires"),
        # Tick boxes: in a multi-select a plain click drops what was selected (the QF).
        widget=forms.CheckboxSelectMultiple,
        choices=DGFIP.choices(),
        default=list(DGFIP.default_ticked),
    )
    annee = blocks.IntegerBlock(
        label=_("Année des revenus"),
        required=False,
        min_value=2015,
        max_value=2100,
        help_text=_("Laissez vide pour le dernier avis d'imposition disponible."),
    )

    class Meta:
        icon = "doc-full-inverse"
        label = DGFIP.label
        source = DGFIP.name
