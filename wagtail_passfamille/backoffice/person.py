"""Rights of access and erasure (RGPD articles 15 and 17) for one person.

A person is found by a submission's reference or by the applicant's name (blind indexes),
only among the submissions the agent may see.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from wagtail_passfamille.backoffice.filters import name_filter, search_kind
from wagtail_passfamille.backoffice.permissions import submissions_for
from wagtail_passfamille.models import Submission, SubmissionFile
from wagtail_passfamille.models.drafts import erase_drafts_of
from wagtail_passfamille.security.private_storage import private_storage


def find_submissions(user, reference: str = "", name: str = ""):
    queryset = submissions_for(user).select_related("page").order_by("submitted_at", "pk")
    reference, name = (reference or "").strip(), (name or "").strip()
    if reference:
        return queryset.filter(reference=reference.upper())
    if name and search_kind(name) == "name":
        return queryset.filter(name_filter(name))
    return queryset.none()


def _iso(value):
    return value.isoformat() if value else None


def submission_data(submission) -> dict:
    """Everything held about one submission, decrypted, as JSON-ready data."""
    return {
        "reference": submission.reference,
        "demarche": submission.page.title,
        "deposee_le": _iso(submission.submitted_at),
        "mise_a_jour": _iso(submission.updated_at),
        "statut": submission.status,
        "reponses": submission.answers,
        "libelles": submission.form_snapshot,
        "email_de_contact": submission.contact_email,
        "verification": submission.verification,
        "donnees_certifiees": submission.certified_record.to_dict(),
        "eligibilite": submission.decision,
        "tarif": submission.tariff,
        "resultat": submission.outcome,
        "pieces_jointes": [
            {
                "champ": item.field_name,
                "nom": item.original_name,
                "type": item.content_type,
                "taille": item.size,
            }
            for item in submission.files.all()
        ],
        "historique": [
            {
                "de": change.from_status,
                "vers": change.to_status,
                "le": _iso(change.at),
                "commentaire": change.comment or "",
            }
            for change in submission.status_changes.all()
        ],
    }


def access_export(submissions) -> dict:
    return {
        "genere_le": _iso(timezone.now()),
        "demandes": [submission_data(s) for s in submissions],
    }


def erase(submissions) -> tuple[list[tuple[int, str]], int]:
    """Delete the submissions and their files; returns ([(id, reference)], files deleted)."""

    items = [(s.pk, s.reference) for s in submissions]
    ids = [pk for pk, _ref in items]
    # The person's saved démarches go too (found by the same FranceConnect owner hash).
    erase_drafts_of({s.owner for s in submissions})
    names = list(
        SubmissionFile.objects.filter(submission_id__in=ids).values_list("storage_name", flat=True)
    )
    with transaction.atomic():
        Submission.objects.filter(pk__in=ids).delete()

        def delete_files():
            for name in names:
                private_storage().delete(name)

        transaction.on_commit(delete_files, robust=True)
    return items, len(names)
