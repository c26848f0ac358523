"""Agents' back-office: who may instruct which démarche, and "à compléter" requests."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import models
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_passfamille.conf import get_setting

# The salt names the module that first signed these links: changing it would void every link
# already sent.
COMPLETION_SALT = "wagtail_passfamille.completion"


#: Sent inside the transaction once a citizen answered an « à compléter » request
#: (``sender``: the CompletionRequest class, ``completion``, ``submission``). The back-office
#: e-mails the démarche's agents after commit (``signals.py``); sites may connect too.
completion_received = Signal()


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
    def token(self) -> str:
        """The signed, expiring token of the citizen's link."""
        return signing.TimestampSigner(salt=COMPLETION_SALT).sign(str(self.pk))

    @staticmethod
    def id_from_token(token: str) -> int:
        """The request's id; raises ``signing.SignatureExpired`` or ``BadSignature``."""
        max_age = dt.timedelta(seconds=get_setting("COMPLETION_LINK_MAX_AGE"))
        return int(signing.TimestampSigner(salt=COMPLETION_SALT).unsign(token, max_age=max_age))

    def public_url(self) -> str:
        """The citizen's link, absolute: e-mailed, and shown to the agent when no e-mail."""
        path = reverse("wagtail_passfamille:completion", args=[self.token])
        return public_root_url(self.submission.page.specific) + path

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and timezone.now() < self.expires_at


LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


def public_root_url(page) -> str:
    """The root URL of the page's site when it names a real host, else ``WAGTAILADMIN_BASE_URL``.

    Wagtail's default site is ``http://localhost`` until someone sets its hostname: a link
    built from it would lead the citizen nowhere.
    """
    site = page.get_site()
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    if site is not None and (site.hostname not in LOCAL_HOSTS or not base):
        return site.root_url
    return base
