"""Turn a completed wizard into one committed submission (and nothing else on failure)."""

from __future__ import annotations

import logging
from functools import partial

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language

from wagtail_passfamille.blocks.schema import iter_group_inputs, iter_inputs
from wagtail_passfamille.citizen.certified import submission_data
from wagtail_passfamille.citizen.forms import to_answer
from wagtail_passfamille.citizen.owner import owner_may_see_outcome, owner_of
from wagtail_passfamille.citizen.uploads import private_storage
from wagtail_passfamille.citizen.uploads import store_submission_file as store
from wagtail_passfamille.models.submissions import ReferenceCounter, SubmissionFile
from wagtail_passfamille.tasks import enqueue_acknowledgement, enqueue_verification

logger = logging.getLogger(__name__)


class SubmissionError(Exception):
    """The database refused the submission: the citizen's data stay in the wizard."""


def form_snapshot(page, step_names):
    """Labels and structure of the steps the citizen went through, as they were."""
    snapshot = []
    values = dict(page.step_blocks)
    for name in step_names:
        step_value = values[name]
        fields = []
        for item in iter_inputs(step_value):
            entry = {"name": item.name, "label": item.label, "type": item.block_type}
            if item.block_type == "groupe":
                entry["item_label"] = item.value.get("item_label", "")
                entry["fields"] = [
                    {"name": sub.name, "label": sub.label, "type": sub.block_type}
                    for sub in iter_group_inputs(item)
                ]
            fields.append(entry)
        snapshot.append({"step": name, "title": step_value["title"], "fields": fields})
    return snapshot


def is_upload(value) -> bool:
    return hasattr(value, "read") and hasattr(value, "size")


def file_answer(value) -> dict:
    return {"nom": getattr(value, "safe_name", value.name), "taille": value.size}


def group_file_name(group: str, position: int, sub_field: str) -> str:
    """The ``SubmissionFile.field_name`` of a file in a group's item: « enfants.1.document_pai »
    (the item's position as entered, 0-based)."""
    return f"{group}.{position}.{sub_field}"


def item_file(group, position, sub_field, value, uploads):
    """A group item's answer; a file is kept aside to be stored, its answer is its name."""
    if not is_upload(value):
        return value
    uploads.append((group_file_name(group, position, sub_field), value))
    return file_answer(value)


def is_first_name(field) -> bool:
    """A short text the editor marked as a given name (its autocomplete token)."""
    widget = getattr(field, "widget", None)
    return getattr(widget, "attrs", {}).get("autocomplete") == "given-name"


def collect_answers(final_forms):
    """(answers, uploads, contact e-mail, (applicant's name, applicant's first name))."""
    answers, uploads, contact_email, applicant_name, first_name = {}, [], None, "", ""
    for form in final_forms.values():
        certified_prefixes = tuple(
            section.prefix for section in getattr(form, "certified_sections", {}).values()
        )
        for name, value in form.cleaned_data.items():
            field = form.fields.get(name)
            if certified_prefixes and name.startswith(certified_prefixes):
                # Identities are not answers: they leave with the lookup (or the deferred
                # verification); only a justificatif is kept, as a file.
                if hasattr(value, "read") and hasattr(value, "size"):
                    uploads.append((name, value))
                continue
            if getattr(field, "is_applicant_name", False) and value and not applicant_name:
                applicant_name = value
            elif is_first_name(field) and isinstance(value, str) and value and not first_name:
                first_name = value
            if is_upload(value):
                uploads.append((name, value))
                answers[name] = file_answer(value)
                continue
            if name in getattr(form, "formsets", {}) and isinstance(value, list):
                value = [
                    {key: item_file(name, n, key, v, uploads) for key, v in item.items()}
                    for n, item in enumerate(value)
                ]
            answers[name] = to_answer(value)
            if contact_email is None and getattr(field, "is_contact", False) and value:
                contact_email = value
    return answers, uploads, contact_email, (applicant_name, first_name)


def submit(wizard, final_forms):
    """Create the submission in one transaction; replays of the same instance get the same row."""

    page = wizard.page
    submission_class = page.get_submission_class()
    # A replay of the instance (a double click, a session that failed to save after the
    # commit) meets the unique instance key: the row committed first is returned below.
    instance_key = f"{page.pk}:{wizard.instance}"
    answers, uploads, contact_email, applicant = collect_answers(final_forms)
    sources = [
        source
        for form in final_forms.values()
        for source in getattr(form, "certified_sections", {})
    ]
    certified, verification, pending = submission_data(wizard, sources, answers, page)
    stored_files = []
    try:
        with transaction.atomic():
            submission = submission_class(
                page=page,
                reference=ReferenceCounter.next_reference(page.reference_prefix),
                instance_key=instance_key,
                submitted_at=timezone.now(),
                answers=answers,
                form_snapshot=form_snapshot(page, list(final_forms)),
                contact_email=contact_email,
                language=(get_language() or "fr")[:10],
                certified=certified.to_dict(),
                verification=verification,
                pending_lookups=pending,
                # « Mes démarches »: the identified citizen's keyed hash, and whether the
                # outcome may be shown to them (nothing of it from an anonymous lookup, nor
                # from an identity they typed that is not theirs).
                owner=owner_of(wizard.request),
                owner_sees_outcome=wizard.discloses()
                and owner_may_see_outcome(
                    wizard.request, wizard.storage.extra_data.get("certified", {})
                ),
            )
            submission.set_applicant(*applicant)
            # Computed here from what the server holds, never taken from the browser; before
            # the insert, so that the row is written once.
            page.refresh_outcome(submission)
            submission.save(force_insert=True)
            for field_name, uploaded in uploads:
                stored = store_submission_file(uploaded)
                stored_files.append(stored["storage_name"])
                SubmissionFile.objects.create(
                    submission=submission, field_name=field_name, **stored
                )
            page.after_submission(submission)
            transaction.on_commit(partial(enqueue_acknowledgement, submission.pk), robust=True)
            if pending:
                transaction.on_commit(partial(enqueue_verification, submission.pk), robust=True)
    except IntegrityError:
        # A concurrent request of the same instance (double click) committed first.
        delete_files(stored_files)
        existing = submission_class.objects.filter(instance_key=instance_key).first()
        if existing:
            return existing
        raise SubmissionError from None
    except DatabaseError as error:
        delete_files(stored_files)
        # The class name only: database messages may quote the values that failed.
        logger.error(
            "Submission of page %s failed (%s); the wizard keeps the data",
            page.pk,
            type(error).__name__,
        )
        raise SubmissionError from None
    return submission


def store_submission_file(uploaded):

    return store(uploaded)


def delete_files(names):

    for name in names:
        private_storage().delete(name)
