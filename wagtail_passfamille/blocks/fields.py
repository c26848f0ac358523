"""Field blocks: what an editor can put in a step. They describe; ``forms.FormBuilder`` builds.

Every input block has a label, a help text (always escaped when rendered), a required flag, a
machine name (proposed from the label, then frozen: it keys the stored answers) and an optional
display condition. The block's name in the StreamBlock is its field type.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks

from wagtail_passfamille.blocks.certified import QuotientFamilialBlock, SituationFiscaleBlock
from wagtail_passfamille.blocks.conditions import ConditionBlock
from wagtail_passfamille.blocks.values import CommaDecimalBlock, FieldValue, GroupValue
from wagtail_passfamille.rules.text import machine_name

machine_name_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,49}$",
    _("Lettres minuscules sans accents, chiffres et « _ », en commençant par une lettre."),
)


class AutocompleteBlock(blocks.ChoiceBlock):
    """What the browser may fill the input with (RGAA 11.13, WCAG 1.3.5): the HTML tokens."""

    choices = [
        ("", _("Aucun")),
        ("name", _("Nom complet")),
        ("family-name", _("Nom de famille")),
        ("given-name", _("Prénom")),
        ("additional-name", _("Autres prénoms")),
        ("bday", _("Date de naissance")),
        ("email", _("Adresse e-mail")),
        ("tel", _("Téléphone")),
        ("organization", _("Organisme ou entreprise")),
        ("street-address", _("Adresse postale")),
        ("postal-code", _("Code postal")),
        ("address-level2", _("Commune")),
        ("country-name", _("Pays")),
    ]

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Remplissage automatique"))
        kwargs.setdefault(
            "help_text",
            _(
                "Ce que le navigateur peut proposer de remplir, quand le champ porte sur le "
                "demandeur lui-même (RGAA 11.13)."
            ),
        )
        super().__init__(choices=self.choices, **kwargs)

    def deconstruct(self):
        # The choices live in the class: editing them never writes a migration.
        path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return path, args, kwargs


class BaseFieldBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Libellé"), max_length=255)
    name = blocks.CharBlock(
        label=_("Nom technique"),
        required=False,
        max_length=50,
        validators=[machine_name_validator],
        help_text=_(
            "Proposé à partir du libellé au premier enregistrement, puis figé : il sert de clé "
            "aux réponses enregistrées. Laissez vide pour qu'il soit proposé."
        ),
    )
    help_text = blocks.TextBlock(label=_("Aide"), required=False, rows=2)
    required = blocks.BooleanBlock(label=_("Obligatoire"), required=False, default=True)
    condition = ConditionBlock(required=False)

    class Meta:
        value_class = FieldValue
        label_format = "{label}"

    def clean(self, value, *args, **kwargs):
        value = super().clean(value, *args, **kwargs)
        if not value.get("name") and (value.get("label") or "").strip():
            # Proposed once, then stored with the page: later label edits keep the key. A
            # draft saved without a label (autosave) keeps no name: "champ" would be frozen.
            value["name"] = machine_name(value.get("label", ""))
        return value


class TextFieldBlock(BaseFieldBlock):
    max_length = blocks.IntegerBlock(
        label=_("Longueur maximale"), required=False, min_value=1, max_value=255
    )
    is_applicant_name = blocks.BooleanBlock(
        label=_("Nom du demandeur"),
        required=False,
        default=False,
        help_text=_(
            "Les agents retrouvent la demande en tapant ce nom (il est stocké chiffré, "
            "seule une empreinte permet la recherche)."
        ),
    )
    autocomplete = AutocompleteBlock()

    class Meta:
        icon = "pilcrow"
        label = _("Texte court")


class TextAreaFieldBlock(BaseFieldBlock):
    max_length = blocks.IntegerBlock(
        label=_("Longueur maximale"), required=False, min_value=1, max_value=10000
    )

    class Meta:
        icon = "doc-full"
        label = _("Texte long")


class EmailFieldBlock(BaseFieldBlock):
    is_contact = blocks.BooleanBlock(
        label=_("Adresse de contact"),
        required=False,
        default=True,
        help_text=_("L'accusé de réception et les nouvelles de la demande sont envoyés ici."),
    )
    autocomplete = AutocompleteBlock(default="email")

    class Meta:
        icon = "mail"
        label = _("E-mail")


class PhoneFieldBlock(BaseFieldBlock):
    autocomplete = AutocompleteBlock(default="tel")

    class Meta:
        icon = "mobile-alt"
        label = _("Téléphone")


class NumberFieldBlock(BaseFieldBlock):
    min_value = CommaDecimalBlock(label=_("Minimum"), required=False)
    max_value = CommaDecimalBlock(label=_("Maximum"), required=False)
    integer_only = blocks.BooleanBlock(label=_("Nombre entier"), required=False, default=True)

    class Meta:
        icon = "order"
        label = _("Nombre")


class DateFieldBlock(BaseFieldBlock):
    min_date = blocks.DateBlock(label=_("Date minimale"), required=False)
    max_date = blocks.DateBlock(label=_("Date maximale"), required=False)
    not_in_future = blocks.BooleanBlock(label=_("Pas dans le futur"), required=False, default=False)
    autocomplete = AutocompleteBlock()

    class Meta:
        icon = "date"
        label = _("Date")


class ChoiceFieldBlock(BaseFieldBlock):
    choices = blocks.ListBlock(
        blocks.CharBlock(label=pgettext_lazy("un choix", "Choix"), max_length=255),
        label=pgettext_lazy("la liste des choix", "Choix"),
        min_num=1,
    )
    widget = blocks.ChoiceBlock(
        label=pgettext_lazy("présentation d'un choix unique", "Présentation"),
        choices=[("radios", _("Boutons radio")), ("select", _("Liste déroulante"))],
        default="radios",
    )

    class Meta:
        icon = "list-ul"
        label = _("Choix unique")


class MultipleChoiceFieldBlock(BaseFieldBlock):
    choices = blocks.ListBlock(
        blocks.CharBlock(label=pgettext_lazy("un choix", "Choix"), max_length=255),
        label=pgettext_lazy("la liste des choix", "Choix"),
        min_num=1,
    )
    min_choices = blocks.IntegerBlock(
        label=_("Nombre minimum de choix cochés"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("Ex. 1 pour « au moins une semaine ». Vide : aucun minimum."),
    )
    max_choices = blocks.IntegerBlock(
        label=_("Nombre maximum de choix cochés"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("Vide : autant que de choix."),
    )

    def clean(self, value, *args, **kwargs):
        value = super().clean(value, *args, **kwargs)
        low, high = value.get("min_choices"), value.get("max_choices")
        count = len([c for c in value.get("choices") or () if (c or "").strip()])
        if low and high and low > high:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "max_choices": ValidationError(
                        _("Le maximum doit être supérieur ou égal au minimum.")
                    )
                }
            )
        if low and count and low > count:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "min_choices": ValidationError(
                        _("Le minimum dépasse le nombre de choix proposés (%(count)d).")
                        % {"count": count}
                    )
                }
            )
        return value

    class Meta:
        icon = "tasks"
        label = _("Choix multiples")


class CheckboxFieldBlock(BaseFieldBlock):
    class Meta:
        icon = "tick-inverse"
        label = _("Case à cocher")
        help_text = _("Par exemple une attestation sur l'honneur : obligatoire = doit être cochée.")


class FileFieldBlock(BaseFieldBlock):
    class Meta:
        icon = "doc-empty-inverse"
        label = _("Fichier")


class AddressFieldBlock(BaseFieldBlock):
    class Meta:
        icon = "home"
        label = _("Adresse postale")


class InformationBlock(blocks.StructBlock):
    """Text for the citizen, no input."""

    text = blocks.RichTextBlock(
        label=_("Texte"), features=["bold", "italic", "link", "ol", "ul", "h3"]
    )
    condition = ConditionBlock(required=False)

    class Meta:
        icon = "info-circle"
        label = _("Information")
        value_class = FieldValue


# Types allowed inside a repeatable group: one level only, so no group; a file per item (a PAI
# per child) is stored like any other, keyed « group.item.sub_field » (``GROUP_FIELD_BLOCKS``).
SIMPLE_FIELD_BLOCKS = [
    ("texte_court", TextFieldBlock()),
    ("texte_long", TextAreaFieldBlock()),
    ("email", EmailFieldBlock()),
    ("telephone", PhoneFieldBlock()),
    ("nombre", NumberFieldBlock()),
    ("date", DateFieldBlock()),
    ("choix_unique", ChoiceFieldBlock()),
    ("choix_multiples", MultipleChoiceFieldBlock()),
    ("case_a_cocher", CheckboxFieldBlock()),
]


GROUP_FIELD_BLOCKS = [*SIMPLE_FIELD_BLOCKS, ("fichier", FileFieldBlock())]


class GroupFieldsBlock(blocks.StreamBlock):
    class Meta:
        min_num = 1
        label = _("Champs de chaque élément")

    def __init__(self, **kwargs):
        super().__init__(GROUP_FIELD_BLOCKS, **kwargs)


class GroupFieldBlock(BaseFieldBlock):
    item_label = blocks.CharBlock(
        label=_("Nom d'un élément"),
        max_length=60,
        default=_("Enfant"),
        help_text=_("Ex. « Enfant » : « Enfant 1 », « Enfant 2 »…"),
    )
    add_label = blocks.CharBlock(
        label=_("Bouton d'ajout"), max_length=60, default=_("Ajouter un enfant")
    )
    min_items = blocks.IntegerBlock(label=_("Minimum"), default=1, min_value=0, max_value=20)
    max_items = blocks.IntegerBlock(label=_("Maximum"), default=6, min_value=1, max_value=20)
    fields = GroupFieldsBlock()

    class Meta:
        icon = "group"
        label = _("Groupe répétable")
        value_class = GroupValue

    def clean(self, value, *args, **kwargs):
        value = super().clean(value, *args, **kwargs)
        low, high = value.get("min_items"), value.get("max_items")
        if low is not None and high is not None and low > high:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "max_items": ValidationError(
                        _("Le maximum doit être supérieur ou égal au minimum.")
                    )
                }
            )
        return value


# Defaults below are content the editor owns (French, the démarche's language), not UI text.
def _certified_blocks():

    return [
        (
            "donnees_caf",
            QuotientFamilialBlock(
                default={
                    "label": "Vos données CAF ou MSA",
                    "justificatif_label": "Attestation de quotient familial de moins de 3 mois",
                    "data": ["quotient_familial"],
                }
            ),
        ),
        (
            "donnees_dgfip",
            SituationFiscaleBlock(
                default={
                    "label": "Votre situation fiscale",
                    "justificatif_label": "Dernier avis d'imposition sur le revenu",
                    "data": ["revenu_fiscal_reference", "nombre_parts"],
                }
            ),
        ),
    ]


FIELD_BLOCKS = [
    *SIMPLE_FIELD_BLOCKS,
    ("fichier", FileFieldBlock()),
    ("adresse", AddressFieldBlock()),
    ("information", InformationBlock()),
    ("groupe", GroupFieldBlock()),
    *_certified_blocks(),
]
