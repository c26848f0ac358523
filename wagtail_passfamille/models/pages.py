"""The family portal and its démarches: pages editors compose in the Wagtail editor."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from wagtail_passfamille.blocks import StepsBlock
from wagtail_passfamille.blocks.pickers import GROUP, PickerInput
from wagtail_passfamille.blocks.rules import GatesBlock, GridsBlock
from wagtail_passfamille.conf import get_setting, themed
from wagtail_passfamille.models.demarche_form import DemarcheAdminForm, free_prefix
from wagtail_passfamille.models.demarche_rules import DemarcheRulesMixin
from wagtail_passfamille.models.demarche_serving import (  # noqa: F401  (re-exported)
    DemarcheServingMixin,
    OpeningState,
    front_door,
)
from wagtail_passfamille.models.fields import ChoiceListField, CredentialProfileSelect
from wagtail_passfamille.models.page_rows import read_specific

FRANCE_CONNECT_OFF, FRANCE_CONNECT_OFFERED, FRANCE_CONNECT_REQUIRED = (
    "non_propose",
    "propose",
    "obligatoire",
)
FRANCE_CONNECT_MODES = [
    (FRANCE_CONNECT_OFF, _("non proposée")),
    (FRANCE_CONNECT_OFFERED, _("proposée")),
    (FRANCE_CONNECT_REQUIRED, _("obligatoire")),
]

# Defaults of texts the editor owns: content in the démarche's language, not interface strings
# (a gettext default would be stored in whatever language the editor's admin happens to use).
DEFAULT_PURPOSE = "Calculer votre tarif sans vous demander de justificatif."
DEFAULT_LEGAL_BASIS = (
    "Article L114-8 du code des relations entre le public et l'administration : "
    "l'administration obtient directement auprès d'une autre administration les informations "
    "nécessaires au traitement de votre demande."
)
DEFAULT_STATUS_EMAIL_SUBJECT = "Votre demande {reference} : {statut}"
DEFAULT_STATUS_EMAIL_BODY = (
    "Bonjour,\n\nVotre demande {reference} ({demarche}) est maintenant : {statut}.\n\n"
    "{commentaire}\n\n{lien}\n"
)


class CitizenPageMixin:
    """Citizen pages extend the site's own base template (WAGTAIL_PASSFAMILLE_BASE_TEMPLATE)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["base_template"] = get_setting("BASE_TEMPLATE")
        return context


class PortailFamillePage(CitizenPageMixin, Page):
    """ "Un seul portail, plusieurs démarches": lists the démarches below it."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["wagtail_passfamille.DemarchePage"]

    def get_template(self, request, *args, **kwargs):
        return themed("portail_page.html")

    def route(self, request, path_components):
        """Wagtail's routing, with a démarche's own row read by SQL compiled once
        (:mod:`.page_rows`): every request of a wizard's step comes through here."""
        if not path_components:
            return super().route(request, path_components)
        try:
            child = self.get_children().get(slug=path_components[0])
        except Page.DoesNotExist as error:
            raise Http404 from error
        child._cached_parent_obj = self  # as Wagtail does: no query for the parent
        model = child.specific_class
        specific = None
        if model is not None and issubclass(model, DemarchePage):
            specific = read_specific(child, model)
        return (specific or child.specific).route(request, path_components[1:])

    class Meta:
        verbose_name = _("portail famille")
        verbose_name_plural = _("portails famille")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        demarches = list(DemarchePage.objects.child_of(self).live().public().specific())
        order = {OpeningState.OPEN: 0, OpeningState.UPCOMING: 1, OpeningState.CLOSED: 2}
        demarches.sort(
            key=lambda d: (order[d.opening_state(now)], d.closes_at or d.opens_at or now, d.title)
        )
        context["demarches"] = [(d, d.opening_state(now)) for d in demarches]
        return context


class DemarchePage(
    CitizenPageMixin, DemarcheServingMixin, DemarcheRulesMixin, RoutablePageMixin, Page
):
    """A multi-step démarche. ``serve()`` is a short sequence of hooks an integrator overrides.

    URLs below the page: ``""`` starts a new instance of the wizard, ``<instance>/<step>/`` shows
    a step (``etape-1``…, ``recapitulatif``), ``<instance>/confirmation/`` the receipt.
    """

    intro = RichTextField(_("introduction"), blank=True)
    steps = StreamField(StepsBlock(), verbose_name=_("étapes"), use_json_field=True)
    confirmation_text = RichTextField(
        _("texte de confirmation"),
        blank=True,
        help_text=_("Affiché avec la référence une fois la demande envoyée."),
    )
    reference_prefix = models.CharField(
        _("préfixe des références"),
        max_length=8,
        default="DEM",
        validators=[RegexValidator(r"^[A-Z]{2,8}$", _("De 2 à 8 lettres majuscules sans accent."))],
        help_text=_("Ex. « CANT » donne des références comme CANT-2026-000123."),
    )
    opens_at = models.DateTimeField(_("ouverture"), null=True, blank=True)
    closes_at = models.DateTimeField(_("clôture"), null=True, blank=True)
    service_contact = models.TextField(
        _("service à contacter"),
        blank=True,
        help_text=_(
            "Nom, adresse, téléphone ou e-mail du service qui instruit la demande : figure sur "
            "l'accusé de réception (article L112-11 du code des relations entre le public et "
            "l'administration)."
        ),
    )

    # Certified data (API Particulier, API Impôt particulier) ------------------------------
    credential_profile = models.CharField(
        _("profil d'accès aux API"),
        max_length=50,
        blank=True,
        help_text=_(
            "Un des profils configurés par l'intégrateur (jeton API Particulier et "
            "identifiants API Impôt particulier). Les CGU demandent un jeton par démarche ou "
            "groupe de démarches similaires."
        ),
    )
    purpose = models.TextField(
        _("finalité"),
        default=DEFAULT_PURPOSE,
        help_text=_("Pourquoi la démarche a besoin de ces données : montré au demandeur."),
    )
    legal_basis = models.TextField(
        _("base légale"),
        default=DEFAULT_LEGAL_BASIS,
    )
    retention_months = models.PositiveSmallIntegerField(
        _("durée de conservation (mois)"),
        default=12,
        help_text=_(
            "Durée déclarée dans la demande DataPass. Au-delà de 36 mois, DataPass demande une "
            "justification."
        ),
    )
    retention_justification = models.TextField(
        _("justification de la durée de conservation"), blank=True
    )
    france_connect = models.CharField(
        _("connexion FranceConnect"),
        max_length=12,
        choices=FRANCE_CONNECT_MODES,
        default=FRANCE_CONNECT_OFF,
        help_text=_(
            "Proposée : le bouton « S'identifier avec FranceConnect » vient en premier, au-dessus "
            "du formulaire ; l'usager identifié voit ses données certifiées et son résultat. "
            "Obligatoire : la démarche n'est accessible qu'après identification. Le profil "
            "d'accès doit avoir une section FRANCECONNECT."
        ),
    )
    keep_numero_fiscal = models.BooleanField(
        _("conserver le numéro fiscal après vérification"), default=False
    )
    drop_certified_after_decision = models.BooleanField(
        _("effacer les données certifiées une fois la décision prise"),
        default=False,
        help_text=_("Seul le résultat (tarif, éligibilité) est alors conservé."),
    )

    # Rules: eligibility and tariffs -------------------------------------------------------
    eligibility = StreamField(
        GatesBlock(), blank=True, verbose_name=_("conditions d'éligibilité"), use_json_field=True
    )
    tariffs = StreamField(
        GridsBlock(), blank=True, verbose_name=_("grilles tarifaires"), use_json_field=True
    )
    reference_date = models.DateField(
        _("date de référence"),
        null=True,
        blank=True,
        help_text=_(
            "Date à laquelle l'âge des enfants est calculé et les grilles choisies, par exemple "
            "le 1er septembre de l'année scolaire. Vide : le jour de la demande."
        ),
    )
    children_group = models.CharField(
        _("groupe des enfants inscrits"),
        max_length=50,
        blank=True,
        help_text=_(
            "Nom technique du groupe répétable des enfants inscrits : leur nombre, leur rang "
            "(réductions par enfant) et leur âge. Vide : celui indiqué dans le bloc CAF."
        ),
    )

    # Instruction by agents ---------------------------------------------------------------
    notified_agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("agents prévenus de chaque nouvelle demande"),
    )
    status_email_statuses = ChoiceListField(
        _("statuts annoncés au demandeur par e-mail"),
        default=list,
        blank=True,
        choices_list=[
            ("en_instruction", _("En instruction")),
            ("a_completer", _("À compléter")),
            ("acceptee", _("Acceptée")),
            ("refusee", _("Refusée")),
            ("sans_suite", _("Classée sans suite")),
        ],
    )
    status_email_subject = models.CharField(
        _("objet de l'e-mail de suivi"),
        max_length=200,
        default=DEFAULT_STATUS_EMAIL_SUBJECT,
        help_text=_(
            "Repères disponibles : {reference}, {demarche}, {statut}, {lien}, {commentaire}."
        ),
    )
    status_email_body = models.TextField(
        _("texte de l'e-mail de suivi"),
        default=DEFAULT_STATUS_EMAIL_BODY,
        help_text=_(
            "Repères disponibles : {reference}, {demarche}, {statut}, {lien}, {commentaire}. "
            "Les données certifiées n'y figurent jamais."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel(
            "search_description",
            heading=_("Description sur le portail"),
            help_text=_(
                "Une ou deux phrases sous le titre de la démarche, sur la page du portail famille "
                "(et dans les moteurs de recherche)."
            ),
        ),
        FieldPanel("intro"),
    ]
    promote_panels = [
        MultiFieldPanel(
            [FieldPanel("slug"), FieldPanel("seo_title")],
            heading=_("Pour les moteurs de recherche"),
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], heading=_("Pour les menus du site")),
    ]
    steps_panels = [FieldPanel("steps")]
    certified_panels = [
        FieldPanel("credential_profile", widget=CredentialProfileSelect()),
        FieldPanel("purpose"),
        FieldPanel("legal_basis"),
        FieldRowPanel([FieldPanel("retention_months"), FieldPanel("retention_justification")]),
        FieldPanel("france_connect"),
        FieldPanel("keep_numero_fiscal"),
        FieldPanel("drop_certified_after_decision"),
    ]
    rules_panels = [
        FieldPanel("reference_date"),
        FieldPanel("children_group", widget=PickerInput(GROUP)),
        FieldPanel("eligibility"),
    ]
    tariff_panels = [FieldPanel("tariffs")]
    instruction_panels = [
        FieldPanel("notified_agents"),
        FieldPanel("status_email_statuses"),
        FieldPanel("status_email_subject"),
        FieldPanel("status_email_body"),
    ]
    settings_panels_demarche = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")])],
            heading=_("Période d'ouverture"),
        ),
        FieldPanel("reference_prefix"),
        FieldPanel("service_contact"),
        FieldPanel("confirmation_text"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Présentation")),
            ObjectList(steps_panels, heading=_("Étapes")),
            ObjectList(settings_panels_demarche, heading=_("Démarche")),
            ObjectList(certified_panels, heading=_("Données certifiées")),
            ObjectList(rules_panels, heading=_("Éligibilité")),
            ObjectList(tariff_panels, heading=_("Tarification")),
            ObjectList(instruction_panels, heading=_("Instruction")),
            ObjectList(promote_panels, heading=_("Promotion")),
            ObjectList(Page.settings_panels, heading=_("Paramètres"), classname="settings"),
        ]
    )
    parent_page_types = ["wagtail_passfamille.PortailFamillePage"]
    subpage_types = []
    base_form_class = DemarcheAdminForm
    # A copy is another démarche: its agents are chosen again (the copy view asks for them).
    exclude_fields_in_copy = ["notified_agents"]

    def get_template(self, request, *args, **kwargs):
        return themed("demarche_closed.html")

    class Meta:
        verbose_name = _("démarche")
        verbose_name_plural = _("démarches")

    # Editing --------------------------------------------------------------------------------

    def copy(self, *args, update_attrs=None, **kwargs):
        """A copy made in code gets a free reference prefix too (the admin's copy asks for it)."""
        update_attrs = dict(update_attrs or {})
        update_attrs.setdefault("reference_prefix", free_prefix(type(self), self.reference_prefix))
        return super().copy(*args, update_attrs=update_attrs, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            errors["closes_at"] = _("La clôture doit suivre l'ouverture.")
        if self.retention_months > 36 and not self.retention_justification.strip():
            errors["retention_justification"] = _(
                "Au-delà de 36 mois, DataPass demande de justifier la durée de conservation."
            )
        if self.credential_profile and self.credential_profile not in get_setting("CREDENTIALS"):
            errors["credential_profile"] = _(
                "Aucun profil « %(name)s » dans WAGTAIL_PASSFAMILLE_CREDENTIALS."
            ) % {"name": self.credential_profile}
        errors.update(self.rules_errors())
        if errors:
            raise ValidationError(errors)
        self.check_frozen_names()
