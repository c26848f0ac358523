"""The citizen's "à compléter" page: add the missing answers or a document, without starting
again, through the signed and expiring link of the status e-mail.

A link is used once. Expired, forged, used or superseded links get a clear French page with a
4xx status, never an error. On success the submission goes back to « en instruction », the
change is in its history (by nobody: the citizen) and the démarche's agents are told.
"""

from __future__ import annotations

from django import forms
from django.core import signing
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from wagtail_passfamille.blocks.schema import iter_inputs
from wagtail_passfamille.citizen.forms import FormBuilder, to_answer
from wagtail_passfamille.citizen.submitting import is_first_name
from wagtail_passfamille.citizen.uploads import (
    CitizenFileField,
    private_storage,
    store_submission_file,
)
from wagtail_passfamille.conf import get_setting, themed
from wagtail_passfamille.models import CompletionRequest, StatusChange, Submission, SubmissionFile
from wagtail_passfamille.models.backoffice import COMPLETION_SALT, completion_received
from wagtail_passfamille.models.submissions import Status

DOCUMENT_FIELD = "complement_document"


class CompletionForm(forms.Form):
    show_errors = True


def _current_inputs(page):
    """Machine name → (step value, Input) in the démarche's current version."""
    found = {}
    for _name, step_value in page.step_blocks:
        for item in iter_inputs(step_value):
            found.setdefault(item.name, (step_value, item))
    return found


def build_form_class(completion, page):
    snapshot = {}
    for step in completion.submission.form_snapshot or []:
        for field in step.get("fields") or []:
            snapshot.setdefault(field.get("name"), field)
    current = _current_inputs(page)
    attrs = {}
    for name in completion.fields:
        if name in current:
            step_value, item = current[name]
            builder = FormBuilder(step_value)
            options = builder.get_field_options(item.value)
            options["required"] = True
            attrs[name] = builder.get_create_field_function(item.block_type)(item.value, options)
        else:  # removed from the démarche since: ask for it as text, with its old label
            label = (snapshot.get(name) or {}).get("label") or name
            attrs[name] = forms.CharField(label=label, max_length=10000, widget=forms.Textarea)
    if completion.document:
        attrs[DOCUMENT_FIELD] = CitizenFileField(
            label=gettext_lazy("Document complémentaire"),
            help_text=gettext_lazy("Le document demandé par le service (PDF, JPEG ou PNG)."),
        )
    return type("CompletionForm", (CompletionForm,), attrs)


def _render(request, template, context, status=200):
    context = {"base_template": get_setting("BASE_TEMPLATE"), **context}
    response = TemplateResponse(request, themed(template), context, status=status)
    response["Cache-Control"] = "private, no-store"
    # The link's token must not leave in a Referer header to another site. Not "no-referrer":
    # browsers then post the form with « Origin: null », which the CSRF check refuses (403).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _refuse(request, reason, page=None, status=410):
    messages = {
        "invalid": _(
            "Ce lien n'est pas valide. Vérifiez que vous avez copié l'adresse en entier, ou "
            "contactez le service qui traite votre demande."
        ),
        "expired": _(
            "Ce lien a expiré. Contactez le service qui traite votre demande pour en recevoir "
            "un nouveau."
        ),
        "used": _(
            "Ce lien a déjà servi ou n'est plus valable : votre demande n'attend plus de "
            "complément par ce lien."
        ),
    }
    return _render(
        request,
        "completion/unavailable.html",
        {"message": messages[reason], "page": page},
        status=status,
    )


def _store_answers(submission, completion, form, page):

    answers = dict(submission.answers or {})
    applicant = dict(submission.applicant or {})
    replaced, stored = [], []
    try:
        for name in completion.fields:
            value = form.cleaned_data.get(name)
            field = form.fields[name]
            if hasattr(value, "read") and hasattr(value, "size"):
                info = store_submission_file(value)
                stored.append(info["storage_name"])
                replaced += list(
                    SubmissionFile.objects.filter(
                        submission=submission, field_name=name
                    ).values_list("storage_name", flat=True)
                )
                SubmissionFile.objects.filter(submission=submission, field_name=name).delete()
                SubmissionFile.objects.create(submission=submission, field_name=name, **info)
                answers[name] = {"nom": info["original_name"], "taille": info["size"]}
                continue
            answers[name] = to_answer(value)
            if getattr(field, "is_applicant_name", False) and value:
                applicant["nom"] = value
            elif is_first_name(field) and isinstance(value, str) and value:
                applicant["prenom"] = value
            if getattr(field, "is_contact", False) and value:
                submission.contact_email = value
        document = form.cleaned_data.get(DOCUMENT_FIELD)
        if document:
            info = store_submission_file(document)
            stored.append(info["storage_name"])
            SubmissionFile.objects.create(submission=submission, field_name=DOCUMENT_FIELD, **info)
    except Exception:
        for name in stored:
            private_storage().delete(name)
        raise
    submission.answers = answers
    if applicant != (submission.applicant or {}):
        submission.set_applicant(applicant.get("nom", ""), applicant.get("prenom", ""))
    return replaced, stored


def _page_of_expired(token):
    try:
        pk = int(signing.TimestampSigner(salt=COMPLETION_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    completion = CompletionRequest.objects.select_related("submission__page").filter(pk=pk).first()
    return completion.submission.page.specific if completion else None


@never_cache
@csrf_protect
def completion_view(request, token):
    try:
        completion_id = CompletionRequest.id_from_token(token)
    except signing.SignatureExpired:
        # Authentic but too old: say which service to contact.
        return _refuse(request, "expired", _page_of_expired(token))
    except (signing.BadSignature, ValueError):
        return _refuse(request, "invalid", status=404)
    completion = (
        CompletionRequest.objects.select_related("submission__page", "status_change")
        .filter(pk=completion_id)
        .first()
    )
    if completion is None:
        return _refuse(request, "used")
    submission = completion.submission
    page = submission.page.specific
    if completion.completed_at is not None or submission.status != Status.A_COMPLETER:
        return _refuse(request, "used", page)
    if timezone.now() >= completion.expires_at:
        return _refuse(request, "expired", page)
    form_class = build_form_class(completion, page)
    context = {"page": page, "submission": submission, "completion": completion}
    context["message"] = completion.status_change.comment or ""
    if request.method != "POST":
        return _render(request, "completion/form.html", {**context, "form": form_class()})
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, "completion/form.html", {**context, "form": form}, status=200)
    return _complete(request, completion, form, page, context)


def _complete(request, completion, form, page, context):

    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=completion.submission_id)
        locked = CompletionRequest.objects.select_for_update().get(pk=completion.pk)
        if locked.completed_at is not None or submission.status != Status.A_COMPLETER:
            return _refuse(request, "used", page)
        replaced, _stored = _store_answers(submission, locked, form, page)
        labels = [str(form.fields[name].label) for name in form.fields]
        StatusChange.objects.create(
            submission=submission,
            from_status=Status.A_COMPLETER,
            to_status=Status.EN_INSTRUCTION,
            comment=_("Complément apporté par le demandeur : %(fields)s.")
            % {"fields": ", ".join(labels)},
            by=None,
        )
        submission.status = Status.EN_INSTRUCTION
        submission.save()
        locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at"])

        def delete_replaced():
            for name in replaced:
                private_storage().delete(name)

        transaction.on_commit(delete_replaced, robust=True)
        completion_received.send(
            sender=CompletionRequest, completion=completion, submission=submission
        )
    return _render(request, "completion/done.html", context)


urlpatterns = [path("completer/<str:token>/", completion_view, name="completion")]
