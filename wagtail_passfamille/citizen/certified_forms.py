"""The citizen's side of certified-data blocks: choice to share, identity inputs, justificatif.

One ``CertifiedSection`` per block adds its fields to the step form (named ``caf__…`` and
``dgfip__…``) and, when the form is valid, leaves the lookup to run on the form
(``form.lookup_requests``): lookups happen in the wizard's step processing, never in ``clean()``,
which formtools calls again and again.
"""

from __future__ import annotations

import datetime as dt
import re
from contextvars import ContextVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wagtail_passfamille import geo
from wagtail_passfamille.api_particulier import InvalidParameters, identite_query
from wagtail_passfamille.blocks.values import APPLICATION_MONTH, LATEST
from wagtail_passfamille.citizen.fields import LabelledPartsWidget
from wagtail_passfamille.citizen.uploads import CitizenFileField
from wagtail_passfamille.services import LookupRequest
from wagtail_passfamille.sources.caf import identite_from

FETCH, DOCUMENT, REFUSE = "recuperer", "justificatif", "refus"
#: The sources whose data FranceConnect's callback already fetched for this request's citizen
#: (set by the wizard per request): their section asks for no identity and runs no lookup.
FRANCE_CONNECT_SOURCES: ContextVar[frozenset[str]] = ContextVar(
    "passfamille_france_connect_sources", default=frozenset()
)
FRANCE = "99100"
NAME_RE = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿŒœ' \-’]+$")
# Spaces people type or paste in a numéro fiscal: ASCII, no-break, narrow no-break, tabs.
SPACES = re.compile(r"[ \u00a0\u202f\t\r\n]")


class PartialDateWidget(LabelledPartsWidget):
    template_name = "wagtail_passfamille/widgets/partial_date.html"
    part_labels = (_("Jour"), _("Mois"), _("Année"))

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric", "pattern": "[0-9]*"}
        # RGAA 11.13: the allocataire may be the citizen, whose browser knows the birth date.
        widgets = (
            forms.TextInput(
                attrs={**numeric, "size": 2, "maxlength": 2, "autocomplete": "bday-day"}
            ),
            forms.TextInput(
                attrs={**numeric, "size": 2, "maxlength": 2, "autocomplete": "bday-month"}
            ),
            forms.TextInput(
                attrs={**numeric, "size": 4, "maxlength": 4, "autocomplete": "bday-year"}
            ),
        )
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dict):
            return [value.get("jour") or "", value.get("mois") or "", value.get("annee") or ""]
        return ["", "", ""]


class PartialDateField(forms.MultiValueField):
    """A birth date whose day or month may be unknown (the API accepts the year alone)."""

    widget = PartialDateWidget
    default_error_messages = {
        "incomplete": _("Indiquez au moins l'année de naissance."),
        "invalid": _(
            "Cette date n'existe pas. Indiquez le jour (1 à 31), le mois (1 à 12) et l'année "
            "(4 chiffres) ; laissez vides le jour ou le mois si vous ne les connaissez pas."
        ),
        "future": _("La date de naissance ne peut pas être dans le futur."),
        "month_needed": _("Si vous indiquez le jour, indiquez aussi le mois."),
    }

    def __init__(self, **kwargs):
        digits = [RegexValidator(r"^[0-9]+$", flags=re.ASCII)]
        fields = (
            forms.CharField(required=False, validators=digits),
            forms.CharField(required=False, validators=digits),
            forms.CharField(validators=digits),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not data_list[2]:
            return None
        jour, mois, annee = (int(v) if v else None for v in data_list)
        today = timezone.localdate()
        if jour and not mois:
            raise ValidationError(self.error_messages["month_needed"], code="month_needed")
        if not 1900 <= annee <= today.year or (mois is not None and not 1 <= mois <= 12):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if jour is not None:
            try:
                date = dt.date(annee, mois, jour)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            if date >= today:
                raise ValidationError(self.error_messages["future"], code="future")
        return {"annee": annee, "mois": mois, "jour": jour}


class NumeroFiscalField(forms.CharField):
    default_error_messages = {
        "invalid": _(
            "Le numéro fiscal compte 13 chiffres. Il figure en haut à gauche de votre avis "
            "d'imposition et dans votre espace impots.gouv.fr."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "size": 17})

    def to_python(self, value):
        value = SPACES.sub("", super().to_python(value) or "")
        # [0-9] with re.ASCII: fullwidth or Arabic-Indic digits look like digits but are not.
        if value and not re.fullmatch(r"[0-9]{13}", value, flags=re.ASCII):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def _fetch_label(agency) -> str:
    return _("Récupérer mes informations directement auprès de %(agency)s") % {"agency": agency}


fetch_label = lazy(_fetch_label, str)


def country_choices():
    return [(c.code, c.name) for c in geo.countries()]


# The API's parameter names → the field where the citizen corrects it.
PARAMETER_FIELDS = {
    "nomNaissance": "nom_naissance",
    "nomUsage": "nom_usage",
    "prenoms[]": "prenom_1",
    "sexeEtatCivil": "sexe",
    "anneeDateNaissance": "naissance",
    "moisDateNaissance": "naissance",
    "jourDateNaissance": "naissance",
    "codeCogInseePaysNaissance": "pays",
    "codeCogInseeCommuneNaissance": "commune",
    "spi": "numero_fiscal",
}


class CertifiedSection:
    """The fields and checks of one certified-data block in a step form."""

    source = ""
    agency = ""
    required_when_fetching: tuple[str, ...] = ()
    marked_required: tuple[str, ...] = ()
    document_help = _("PDF, JPEG ou PNG.")

    def __init__(self, value):
        self.value = value
        self.prefix = f"{self.source}__"

    def name(self, field):
        return self.prefix + field

    def field_for(self, parameter: str | None) -> str | None:
        field = PARAMETER_FIELDS.get(parameter or "")
        return self.name(field) if field else None

    def base_fields(self) -> dict:

        # Lazy all through: form classes are shared by every visitor of a process, whatever
        # their language (``%`` or ``+`` on a lazy string would freeze the first one's).
        choices = [
            (FETCH, fetch_label(self.agency)),
            (DOCUMENT, _("Je préfère fournir un justificatif")),
        ]
        if self.value.get("allow_refusal"):
            choices.append((REFUSE, _("Je ne souhaite pas transmettre ces informations")))
        return {
            self.name("choix"): forms.ChoiceField(
                label=_("Comment souhaitez-vous transmettre ces informations ?"),
                choices=choices,
                initial=FETCH,
                widget=forms.RadioSelect,
            ),
            self.name("justificatif"): CitizenFileField(
                label=self.value.get("justificatif_label"),
                required=False,
                help_text=format_lazy(
                    "{}{}",
                    _("Seulement si vous préférez fournir un justificatif. "),
                    self.document_help,
                ),
            ),
        }

    def fields(self) -> dict:
        raise NotImplementedError

    def clean(self, form) -> LookupRequest | None:
        """Check the block's inputs; the lookup to run when the citizen chose to share."""
        choice = form.cleaned_data.get(self.name("choix"))
        if choice == DOCUMENT:
            if not form.cleaned_data.get(self.name("justificatif")) and not form.has_error(
                self.name("justificatif")
            ):
                form.add_error(
                    self.name("justificatif"),
                    ValidationError(
                        _("Joignez le justificatif, ou choisissez de récupérer vos informations."),
                        code="required",
                    ),
                )
            return None
        if choice != FETCH or self.source in FRANCE_CONNECT_SOURCES.get():
            return None
        return self.build_request(form)

    def build_request(self, form) -> LookupRequest | None:
        raise NotImplementedError

    def require(self, form, *names) -> bool:
        complete = True
        for name in names:
            field = self.name(name)
            if form.has_error(field):
                complete = False
            elif form.cleaned_data.get(field) in (None, "", []):
                form.add_error(field, ValidationError(_("Ce champ est obligatoire."), "required"))
                complete = False
        return complete


class CafSection(CertifiedSection):
    source = "caf"
    # Translators: read after « auprès de » (« auprès de la CAF ou de la MSA »).
    agency = _("la CAF ou de la MSA")
    #: Required once the citizen chooses to share (the form checks them then).
    required_when_fetching = ("nom_naissance", "prenom_1", "sexe", "naissance", "pays")
    #: Shown without « (facultatif) »: required too (the commune when born in France).
    marked_required = (*required_when_fetching, "commune_recherche")

    def fields(self) -> dict:
        name_field = {"required": False, "max_length": 100}
        fields = self.base_fields()
        justificatif = fields.pop(self.name("justificatif"))
        fields.update(
            {
                self.name("nom_naissance"): forms.CharField(
                    label=_("Nom de naissance"),
                    help_text=_("Le nom de l'allocataire à sa naissance, tel qu'à l'état civil."),
                    widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
                    **name_field,
                ),
                self.name("nom_usage"): forms.CharField(
                    label=_("Nom d'usage"),
                    help_text=_("Par exemple le nom d'époux ou d'épouse."),
                    **name_field,
                ),
                self.name("prenom_1"): forms.CharField(
                    label=_("Premier prénom"),
                    widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
                    **name_field,
                ),
                self.name("prenom_2"): forms.CharField(label=_("Deuxième prénom"), **name_field),
                self.name("prenom_3"): forms.CharField(label=_("Troisième prénom"), **name_field),
                self.name("sexe"): forms.ChoiceField(
                    label=_("Sexe à l'état civil"),
                    choices=[("F", _("Féminin")), ("M", _("Masculin"))],
                    required=False,
                    widget=forms.RadioSelect,
                ),
                self.name("naissance"): PartialDateField(
                    label=_("Date de naissance"),
                    required=False,
                    help_text=_(
                        "Par exemple 27 12 1982. Laissez vides le jour ou le mois si vous ne les "
                        "connaissez pas."
                    ),
                ),
                self.name("naissance_inconnue"): forms.BooleanField(
                    label=_("Date de naissance inconnue de l'état civil"),
                    help_text=_(
                        "Par exemple pour certaines personnes nées à l'étranger : aucune date "
                        "n'est alors transmise."
                    ),
                    required=False,
                ),
                self.name("pays"): forms.ChoiceField(
                    label=_("Pays de naissance"),
                    choices=country_choices,
                    initial=FRANCE,
                    required=False,
                ),
                self.name("commune_recherche"): forms.CharField(
                    label=_("Commune de naissance (si vous êtes né ou née en France)"),
                    help_text=_(
                        "Tapez le nom de la commune, puis « Rechercher la commune » et "
                        "choisissez-la dans la liste. Pour une commune qui a fusionné depuis, "
                        "tapez son ancien nom."
                    ),
                    required=False,
                    max_length=100,
                ),
                self.name("commune"): forms.CharField(
                    required=False, max_length=5, widget=forms.HiddenInput
                ),
                self.name("justificatif"): justificatif,
            }
        )
        return fields

    def build_request(self, form) -> LookupRequest | None:
        data = form.cleaned_data
        # A date unknown to the civil status (people born abroad, often) is sent as no date.
        unknown_birth = bool(data.get(self.name("naissance_inconnue")))
        needed = ("nom_naissance", "prenom_1", "sexe", "pays")
        complete = self.require(form, *needed, *(() if unknown_birth else ("naissance",)))
        for name in ("nom_naissance", "nom_usage", "prenom_1", "prenom_2", "prenom_3"):
            value = data.get(self.name(name))
            if value and not NAME_RE.fullmatch(value):
                form.add_error(
                    self.name(name),
                    ValidationError(
                        _(
                            "Utilisez seulement des lettres, des espaces, des tirets et des "
                            "apostrophes."
                        ),
                        code="invalid",
                    ),
                )
                complete = False
        pays = data.get(self.name("pays")) or FRANCE
        commune = (data.get(self.name("commune")) or "").upper()
        if pays == FRANCE:
            if not commune or not geo.is_known_commune_code(commune):
                form.add_error(
                    self.name("commune_recherche"),
                    ValidationError(
                        _(
                            "Recherchez votre commune de naissance puis choisissez-la dans la "
                            "liste."
                        ),
                        code="commune",
                    ),
                )
                complete = False
        else:
            commune = ""
        if not complete:
            return None
        birth = {} if unknown_birth else data[self.name("naissance")]
        reference_year, reference_month = self.value.reference_month(timezone.localdate())
        identifiers = {
            "nom_naissance": data[self.name("nom_naissance")].strip(),
            "nom_usage": (data.get(self.name("nom_usage")) or "").strip(),
            "prenoms": [
                data[self.name(n)].strip()
                for n in ("prenom_1", "prenom_2", "prenom_3")
                if data.get(self.name(n))
            ],
            "sexe": data[self.name("sexe")],
            "annee": birth.get("annee"),
            "mois": birth.get("mois"),
            "jour": birth.get("jour"),
            "pays": pays,
            "commune": commune,
            # The month of the quotient familial asked (none: the latest known).
            "qf_annee": reference_year,
            "qf_mois": reference_month,
        }
        try:
            identite_query(identite_from(identifiers), endpoint="quotient_familial")
        except InvalidParameters as error:
            field = self.field_for(error.parameter) or self.name("nom_naissance")
            form.add_error(
                field,
                ValidationError(_("Cette information n'est pas acceptée : vérifiez-la."), "api"),
            )
            return None
        return LookupRequest("caf", identifiers, self.value.ticked)

    def reference_explanation(self) -> str:
        """Which quotient familial the démarche uses, said to the citizen."""
        annee, mois = self.value.reference_month(timezone.localdate())
        rule = self.value.get("mois_reference") or LATEST
        if rule == APPLICATION_MONTH:
            return _("Le quotient familial retenu est celui du mois de votre demande.")
        if annee and mois:
            month = date_format(dt.date(annee, mois, 1), "YEAR_MONTH_FORMAT")
            return _("Le quotient familial retenu est celui de %(month)s.") % {"month": month}
        return _("Le quotient familial retenu est le plus récent connu de la CAF ou de la MSA.")

    def pending_search(self, data, prefix):
        """Communes for a search typed but not run (Enter in the search box submits the step):
        ``None`` when there is nothing to search, the citizen having chosen a commune, another
        country or another way to share."""

        def posted(name):
            return (data.get(f"{prefix}-{self.name(name)}") or "").strip()

        if posted("choix") not in ("", FETCH) or posted("pays") not in ("", FRANCE):
            return None
        if posted("commune") or len(posted("commune_recherche")) < 2:
            return None
        return self.search_results(data, prefix)

    def search_results(self, data, prefix):
        """Up to 21 communes: the template shows 20 and says when there are more."""
        query = (data.get(f"{prefix}-{self.name('commune_recherche')}") or "").strip()
        return geo.search_communes(query, limit=21) if len(query) >= 2 else []


class DgfipSection(CertifiedSection):
    source = "dgfip"
    agency = _("l'administration fiscale (DGFiP)")
    required_when_fetching = ("numero_fiscal",)
    marked_required = required_when_fetching
    document_help = _("Votre dernier avis d'imposition, en PDF, JPEG ou PNG.")

    def fields(self) -> dict:
        fields = self.base_fields()
        justificatif = fields.pop(self.name("justificatif"))
        fields[self.name("numero_fiscal")] = NumeroFiscalField(
            label=_("Numéro fiscal"),
            required=False,
            help_text=_(
                "13 chiffres, en haut à gauche de votre avis d'imposition ou dans votre espace "
                "particulier sur impots.gouv.fr."
            ),
        )
        fields[self.name("justificatif")] = justificatif
        return fields

    def build_request(self, form) -> LookupRequest | None:
        if not self.require(form, "numero_fiscal"):
            return None
        identifiers = {
            "numero_fiscal": form.cleaned_data[self.name("numero_fiscal")],
            "annee": self.value.get("annee"),
        }
        return LookupRequest("dgfip", identifiers, self.value.ticked)


SECTIONS = {"donnees_caf": CafSection, "donnees_dgfip": DgfipSection}
