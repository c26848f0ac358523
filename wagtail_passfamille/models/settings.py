"""The town's identity, per Wagtail site (a Wagtail install may serve several communes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from wagtail_passfamille.models.fields import SiretField


@register_setting(icon="cog")
class PassFamilleSettings(BaseSiteSetting):
    collectivite = models.CharField(
        _("nom de la collectivité"),
        max_length=255,
        blank=True,
        help_text=_("Tel qu'il apparaît sur les accusés de réception, ex. « Ville de Démoville »."),
    )
    siret = SiretField(
        _("SIRET"),
        blank=True,
        help_text=_(
            "SIRET de la collectivité destinataire des données (paramètre « recipient » "
            "d'API Particulier) : celui de la mairie ou du CCAS, pas celui d'un prestataire."
        ),
    )
    dpo_name = models.CharField(_("nom du ou de la DPO"), max_length=255, blank=True)
    dpo_email = models.EmailField(_("e-mail du ou de la DPO"), blank=True)
    technical_contact_name = models.CharField(
        _("nom du contact technique"), max_length=255, blank=True
    )
    technical_contact_email = models.EmailField(
        _("e-mail du contact technique"),
        blank=True,
        help_text=_("Reçoit les alertes : jeton expiré ou refusé, fournisseur indisponible."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("collectivite"), FieldPanel("siret")], heading=_("Collectivité")
        ),
        MultiFieldPanel(
            [FieldPanel("dpo_name"), FieldPanel("dpo_email")],
            heading=_("Protection des données"),
        ),
        MultiFieldPanel(
            [FieldPanel("technical_contact_name"), FieldPanel("technical_contact_email")],
            heading=_("Contact technique"),
        ),
    ]

    class Meta:
        verbose_name = _("Pass Famille : collectivité")
        verbose_name_plural = _("Pass Famille : collectivités")

    def __str__(self):
        return self.collectivite or str(self.site)
