"""Drafts: a démarche saved by the citizen (« Enregistrer et reprendre plus tard »).

The wizard's data (answers, certified results, references of the uploads, the step reached, the
démarche's revision) are stored encrypted, for ``DRAFT_LIFETIME`` at most. The resume link's
token is never stored: only its keyed hash, so a database dump opens no draft; the link works
once. A draft saved by a citizen identified with FranceConnect names its owner by a keyed hash
of FranceConnect's ``sub`` (never the ``sub`` itself), so that « Mes démarches » finds it.
Expired drafts and their files are deleted by ``passfamille_purge``.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_passfamille.security.crypto import EncryptedJSONField, keyed_hash
from wagtail_passfamille.security.private_storage import private_storage

#: Uploads of saved démarches live under this prefix of the private storage (not ``wizard/``,
#: whose files the purge deletes after the wizard's idle lifetime).
DRAFT_PREFIX = "drafts/"


def token_hash(token: str) -> str:
    """What is stored of a resume link's token."""
    return keyed_hash("draft-token", token)


def delete_files(names) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            pass  # already gone: the cleanup of orphans catches anything left


class Draft(models.Model):
    page = models.ForeignKey(
        "wagtail_passfamille.DemarchePage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("démarche"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Keyed hash of FranceConnect's sub for an identified citizen, else empty.
    owner = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    data = EncryptedJSONField(_("données de la démarche"))
    # The live revision the answers were given against (a newer one may ask other questions).
    revision_id = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Names of the uploads in the private storage (random names: no personal data).
    file_names = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("démarche enregistrée")
        verbose_name_plural = _("démarches enregistrées")

    def __str__(self):
        return f"{self.page_id} ({self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return timezone.now() < self.expires_at

    def delete_with_files(self) -> None:
        names = list(self.file_names or [])
        with transaction.atomic():
            Draft.objects.filter(pk=self.pk).delete()
            transaction.on_commit(lambda: delete_files(names), robust=True)


def purge_expired_drafts(*, now=None, dry_run: bool = False) -> int:
    """Delete the drafts past their lifetime and their files; returns how many."""
    expired = Draft.objects.filter(expires_at__lte=now or timezone.now())
    if dry_run:
        return expired.count()
    count = 0
    for pk, names in expired.values_list("pk", "file_names").iterator():
        with transaction.atomic():
            count += Draft.objects.filter(pk=pk).delete()[0]
        delete_files(names or [])
    return count


def erase_drafts_of(owners) -> int:
    """Delete the drafts of these owners (right to erasure); returns how many."""
    owners = [owner for owner in owners if owner]
    count = 0
    for draft in Draft.objects.filter(owner__in=owners).only("pk", "file_names"):
        draft.delete_with_files()
        count += 1
    return count
