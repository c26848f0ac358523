"""Trace records: agents' access to submissions, and calls to the upstream APIs.

Neither holds personal data: they say who did what to which submission (by id and reference),
never what the submission contains.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Records are immutable: no bulk update or delete through the ORM either."""

    def update(self, **kwargs):
        raise PermissionDenied("Audit records are immutable.")

    def delete(self):
        raise PermissionDenied("Audit records are immutable.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionDenied("Audit records are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit records are immutable.")


class AuditRecord(AppendOnlyModel):
    class Action(models.TextChoices):
        LIST = "list", _("Consultation de la liste")
        VIEW = "view", _("Consultation d'une demande")
        EXPORT = "export", _("Export")
        STATUS = "status", _("Changement de statut")
        DOWNLOAD = "download", _("Téléchargement d'une pièce jointe")
        DELETE = "delete", _("Suppression")
        ACCESS = "access", _("Export des données d'une personne")
        ERASE = "erase", _("Effacement des données d'une personne")
        PURGE = "purge", _("Purge (durée de conservation)")
        LOGIN = "login", _("Connexion")
        LOGIN_FAILED = "login_failed", _("Échec de connexion")
        FICHE = "fiche", _("Consultation de la fiche habilitation")
        SEARCH = "search", _("Recherche d'une personne")
        OTP_DEVICE = "otp_device", _("Changement de double authentification")

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    # Kept as typed: the user row may be deleted, the trace must stay readable.
    username = models.CharField(_("identifiant"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("démarche"),
    )
    submission_ids = models.JSONField(default=list, blank=True)
    references = models.JSONField(_("références"), default=list, blank=True)
    detail = models.JSONField(_("détail"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("trace d'accès")
        verbose_name_plural = _("traces d'accès")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"


class UpstreamCall(AppendOnlyModel):
    """One call to API Particulier or API Impôt particulier: no identity, no value."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submission = models.ForeignKey(
        "wagtail_passfamille.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="upstream_calls",
    )
    # A keyed hash of the wizard instance: links the calls of one démarche in progress.
    wizard_instance = models.CharField(max_length=64, blank=True, db_index=True)
    source = models.CharField(max_length=10)  # "caf" or "dgfip"
    endpoint = models.CharField(max_length=60)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    provider_code = models.CharField(max_length=10, blank=True)
    outcome = models.CharField(max_length=40)
    duration_ms = models.PositiveIntegerField(default=0)
    request_id = models.CharField(max_length=100, blank=True)
    cached = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("appel aux API")
        verbose_name_plural = _("appels aux API")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.source} {self.endpoint} {self.status_code}"
