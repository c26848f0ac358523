"""Submissions: an abstract base an integrator can extend, and the concrete default."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_passfamille.models.certified_record import CertifiedRecord
from wagtail_passfamille.security.crypto import EncryptedJSONField, blind_index


class Status(models.TextChoices):
    RECUE = "recue", _("Reçue")
    EN_INSTRUCTION = "en_instruction", _("En instruction")
    A_COMPLETER = "a_completer", _("À compléter")
    ACCEPTEE = "acceptee", _("Acceptée")
    REFUSEE = "refusee", _("Refusée")
    SANS_SUITE = "sans_suite", _("Classée sans suite")


class Verification(models.TextChoices):
    """State of the certified data of a submission (the worst of its sources)."""

    SANS_OBJET = "", _("Sans objet")
    VERIFIE = "verifie", _("Vérifiée")
    NON_TROUVE = "non_trouve", _("Non trouvée")
    A_VERIFIER = "a_verifier", _("À vérifier")
    JUSTIFICATIF = "justificatif", _("Justificatif fourni")
    REFUS_PARTAGE = "refus_partage", _("Partage refusé")


class Decision(models.TextChoices):
    SANS_OBJET = "", _("Sans objet")
    ELIGIBLE = "eligible", _("Éligible")
    NOT_ELIGIBLE = "not_eligible", _("Non éligible")
    REVIEW = "review", _("Pour examen")


class AbstractSubmission(models.Model):
    """What a citizen submitted. Answers are keyed by machine name and encrypted at rest.

    ``form_snapshot`` keeps the labels and steps as they were at submission, so agents read the
    answers with the words the citizen saw even after the démarche is edited.
    """

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("démarche"),
    )
    reference = models.CharField(_("référence"), max_length=32, unique=True)
    # One per wizard instance: double clicks, refreshes and replays give one submission.
    instance_key = models.CharField(max_length=64, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("déposée le"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.RECUE, db_index=True
    )
    answers = EncryptedJSONField(_("réponses"), default=dict)
    form_snapshot = models.JSONField(default=list, encoder=DjangoJSONEncoder, editable=False)
    contact_email = EncryptedJSONField(_("e-mail de contact"), null=True, blank=True)
    language = models.CharField(max_length=10, default="fr", editable=False)
    # When the accusé de réception (CRPA L112-11) was sent: the sweep re-sends missing ones,
    # and the task sends it once only.
    acknowledged_at = models.DateTimeField(
        _("accusé de réception envoyé le"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)

    # Certified data: only the fields the démarche ticked, with their provenance, per source.
    # Written and read through ``certified_record`` (models/certified_record.py) only.
    verification = models.CharField(
        _("vérification"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.SANS_OBJET,
        blank=True,
        db_index=True,
    )
    certified = EncryptedJSONField(_("données certifiées"), default=dict)
    # Identities kept only until a deferred verification resolves, then dropped.
    pending_lookups = EncryptedJSONField(null=True, blank=True, editable=False)

    # Rules: the outcome (no certified value in it) and its one-line summary for listings.
    decision = models.CharField(
        _("éligibilité"),
        max_length=20,
        choices=Decision.choices,
        default=Decision.SANS_OBJET,
        blank=True,
        db_index=True,
    )
    tariff = models.CharField(_("tarif"), max_length=200, blank=True, db_index=True)
    outcome = models.JSONField(default=dict, encoder=DjangoJSONEncoder, editable=False)

    # The applicant: the field flagged « Nom du demandeur » and the first given-name field
    # (``{"nom", "prenom"}``), encrypted, for the listing; searched through blind indexes of
    # the name alone and of the first name with the name (:meth:`set_applicant`).
    applicant = EncryptedJSONField(_("demandeur"), null=True, blank=True, editable=False)
    name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    full_name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    # A citizen identified with FranceConnect: a keyed hash of its ``sub`` (never the ``sub``),
    # so that « Mes démarches » lists the submission; empty for an anonymous citizen.
    owner = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Whether that citizen may read the outcome (nothing of it came from an anonymous lookup).
    owner_sees_outcome = models.BooleanField(default=False, editable=False)

    class Meta:
        abstract = True
        ordering = ["-submitted_at"]
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")

    def __str__(self):
        return self.reference

    def set_applicant(self, name: str = "", first_name: str = "") -> None:
        """Keep the applicant's name and the blind indexes agents search it by."""
        name, first_name = (name or "").strip(), (first_name or "").strip()
        self.applicant = {"nom": name, "prenom": first_name} if name or first_name else None
        self.name_index = blind_index(name) if name else ""
        self.full_name_index = blind_index(f"{first_name} {name}") if name and first_name else ""

    @property
    def applicant_label(self) -> str:
        """« MARTIN Pierre » as typed, "" when the démarche has no applicant's name."""
        applicant = self.applicant if isinstance(self.applicant, dict) else {}
        return " ".join(part for part in (applicant.get("nom"), applicant.get("prenom")) if part)

    @property
    def certified_record(self) -> CertifiedRecord:
        """The certified data as their owning type (see :mod:`.certified_record`)."""
        return CertifiedRecord.from_dict(self.certified)

    @certified_record.setter
    def certified_record(self, record: CertifiedRecord) -> None:
        self.certified = record.to_dict()


class Submission(AbstractSubmission):
    class Meta(AbstractSubmission.Meta):
        indexes = [models.Index(fields=["page", "-submitted_at"])]


class StatusChange(models.Model):
    """One transition of a submission's status, with who, when and the optional comment."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    comment = EncryptedJSONField(_("commentaire"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")

    def __str__(self):
        return f"{self.submission} : {self.from_status} → {self.to_status}"


class SubmissionFile(models.Model):
    """A file a citizen attached, stored under a random name in private storage."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="files",
    )
    # A field's machine name, or « group.position.sub_field » for a file in a group's item.
    field_name = models.CharField(max_length=110)
    storage_name = models.CharField(max_length=255, unique=True)
    original_name = EncryptedJSONField(_("nom d'origine"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    # A PDF naming JavaScript or a launch action (the upload check's heuristic): the agent is
    # warned before downloading it.
    active_content = models.BooleanField(_("contenu actif"), default=False)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self):
        return f"{self.submission} — {self.field_name}"


#: Databases with ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` (SQLite from 3.35).
UPSERT_VENDORS = frozenset({"postgresql", "sqlite"})


class ReferenceCounter(models.Model):
    """Last sequence number used per reference prefix and year (CANT-2026-000123)."""

    prefix = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="passfamille_reference_unique")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"

    @classmethod
    def next_reference(cls, prefix: str, when=None) -> str:
        """Allocate the next reference; call inside the submission's transaction.

        One statement (an upsert returning the new number) where the database has one: the
        row is created or incremented under its lock, which two concurrent submissions wait
        for as they did for ``SELECT … FOR UPDATE`` (five statements and two savepoints).
        """
        year = (when or timezone.localtime()).year
        connection = connections[router.db_for_write(cls)]
        if (
            connection.vendor in UPSERT_VENDORS
            and connection.features.can_return_columns_from_insert
        ):
            table, prefix_, year_, last_ = (
                connection.ops.quote_name(name)
                for name in (cls._meta.db_table, "prefix", "year", "last")
            )
            # Quoted identifiers of this model only; the values are parameters.
            sql = (
                f"INSERT INTO {table} ({prefix_}, {year_}, {last_}) VALUES (%s, %s, 1) "  # noqa: S608
                f"ON CONFLICT ({prefix_}, {year_}) "
                f"DO UPDATE SET {last_} = {table}.{last_} + 1 RETURNING {last_}"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [prefix, year])
                (last,) = cursor.fetchone()
            return f"{prefix}-{year}-{last:06d}"
        with transaction.atomic(using=connection.alias):
            counter, _created = cls.objects.select_for_update().get_or_create(
                prefix=prefix, year=year
            )
            cls.objects.filter(pk=counter.pk).update(last=F("last") + 1)
            counter.refresh_from_db(fields=["last"])
        return f"{prefix}-{year}-{counter.last:06d}"
