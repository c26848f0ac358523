"""Agents' back-office: who may instruct which démarche, and "à compléter" requests."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DemarcheGroupPermission(models.Model):
    """ "Voir et instruire les demandes" of one démarche, granted to a Wagtail group.

    Separate from page permissions: editing a démarche's page never opens its submissions, and
    instructing submissions never allows editing the page.
    """

    group = models.ForeignKey(
        "auth.Group",
        on_delete=models.CASCADE,
        related_name="passfamille_demarche_permissions",
        verbose_name=_("groupe"),
    )
    page = models.ForeignKey(
        "wagtail_passfamille.DemarchePage",
        on_delete=models.CASCADE,
        related_name="instruction_permissions",
        verbose_name=_("démarche"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "page"], name="passfamille_group_demarche")
        ]
        verbose_name = _("habilitation à instruire une démarche")
        verbose_name_plural = _("habilitations à instruire des démarches")

    def __str__(self):
        return f"{self.group} → {self.page}"


class CompletionRequest(models.Model):
    """An agent asked the citizen to complete a submission ("à compléter").

    The citizen receives a signed, expiring link to a page showing only the fields asked for;
    the request is used once. The agent's message is the comment of ``status_change``.
    """

    submission = models.ForeignKey(
        "wagtail_passfamille.Submission",
        on_delete=models.CASCADE,
        related_name="completion_requests",
    )
    status_change = models.OneToOneField(
        "wagtail_passfamille.StatusChange",
        on_delete=models.CASCADE,
        related_name="completion_request",
    )
    # Machine names of the answers the citizen may give again.
    fields = models.JSONField(default=list, blank=True)
    # Whether the citizen may add a document of their choice.
    document = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("demande de complément")
        verbose_name_plural = _("demandes de complément")

    def __str__(self):
        return f"{self.submission} ({self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and timezone.now() < self.expires_at
