"""Statuses of a submission: the allowed transitions and what each one does.

reçue → en instruction → acceptée / refusée / classée sans suite, plus « à compléter » (the
citizen gets a signed, expiring link to add what is missing, which brings the submission back
to « en instruction »). A decision can be reopened (back to « en instruction »).
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_passfamille.backoffice.tasks import enqueue_status_email
from wagtail_passfamille.conf import get_setting as setting
from wagtail_passfamille.models import CompletionRequest, StatusChange, Submission
from wagtail_passfamille.models.submissions import Status

FINAL = frozenset({Status.ACCEPTEE, Status.REFUSEE, Status.SANS_SUITE})

TRANSITIONS = {
    Status.RECUE: (Status.EN_INSTRUCTION, Status.A_COMPLETER, Status.SANS_SUITE),
    Status.EN_INSTRUCTION: (
        Status.A_COMPLETER,
        Status.ACCEPTEE,
        Status.REFUSEE,
        Status.SANS_SUITE,
    ),
    Status.A_COMPLETER: (Status.EN_INSTRUCTION, Status.SANS_SUITE),
    Status.ACCEPTEE: (Status.EN_INSTRUCTION,),
    Status.REFUSEE: (Status.EN_INSTRUCTION,),
    Status.SANS_SUITE: (Status.EN_INSTRUCTION,),
}

# Field types a citizen may answer again on the completion page (groups and certified-data
# blocks need the whole wizard).
COMPLETABLE_TYPES = frozenset(
    {
        "texte_court",
        "texte_long",
        "email",
        "telephone",
        "nombre",
        "date",
        "choix_unique",
        "choix_multiples",
        "case_a_cocher",
        "fichier",
        "adresse",
    }
)


class TransitionError(Exception):
    """The transition is not allowed from the current status (or it changed meanwhile)."""


def allowed_transitions(status) -> tuple[str, ...]:
    return tuple(TRANSITIONS.get(status, ()))


def completable_fields(submission):
    """[(machine name, label)] of the submission's own fields a citizen may answer again."""
    fields = []
    for step in submission.form_snapshot or []:
        for field in (step.get("fields") if isinstance(step, dict) else None) or []:
            if field.get("type") in COMPLETABLE_TYPES and field.get("name"):
                fields.append((field["name"], field.get("label") or field["name"]))
    return fields


def change_status(
    submission,
    to_status,
    *,
    user=None,
    comment="",
    expected_status=None,
    fields=(),
    document=False,
):
    """Apply one transition; returns the :class:`StatusChange`.

    Runs in a transaction with the submission row locked, so two agents cannot apply two
    transitions from the same status. E-mails are queued after commit: an SMTP failure never
    undoes a transition.
    """
    with transaction.atomic():
        locked = Submission.objects.select_for_update().select_related("page").get(pk=submission.pk)
        if expected_status is not None and locked.status != expected_status:
            raise TransitionError(_("La demande a changé de statut entre-temps."))
        if to_status not in allowed_transitions(locked.status):
            raise TransitionError(_("Ce changement de statut n'est pas possible."))
        change = StatusChange.objects.create(
            submission=locked,
            from_status=locked.status,
            to_status=to_status,
            comment=comment or None,
            by=user,
        )
        locked.status = to_status
        update_fields = ["status", "updated_at"]
        page = locked.page.specific
        if to_status in FINAL and getattr(page, "drop_certified_after_decision", False):
            # The outcome (tariff, eligibility) stays; the certified values go.
            locked.certified_record = locked.certified_record.without_values()
            locked.pending_lookups = None
            update_fields += ["certified", "pending_lookups"]
        locked.save(update_fields=update_fields)
        if to_status == Status.A_COMPLETER:
            CompletionRequest.objects.filter(submission=locked, completed_at__isnull=True).update(
                expires_at=timezone.now()
            )
            CompletionRequest.objects.create(
                submission=locked,
                status_change=change,
                fields=list(fields),
                document=bool(document),
                expires_at=timezone.now()
                + dt.timedelta(seconds=setting("COMPLETION_LINK_MAX_AGE")),
            )
        # « À compléter » is always e-mailed: the link is how the citizen completes.
        opted_in = getattr(page, "status_email_statuses", None) or []
        if to_status == Status.A_COMPLETER or to_status in opted_in:
            transaction.on_commit(partial(enqueue_status_email, change.pk), robust=True)
    submission.status = to_status
    return change
