"""Back-office views besides the listing and the detail (those are in ``admin.py``).

Each one starts from the submissions the user may see (:mod:`.permissions`): an id of another
démarche gives a 404 wherever it is put. Each traced action writes exactly one audit record.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from wagtail_passfamille.backoffice import exports, person
from wagtail_passfamille.backoffice.export_children import child_columns
from wagtail_passfamille.backoffice.filters import filter_params, filtered_submissions
from wagtail_passfamille.backoffice.links import index_url, inspect_url
from wagtail_passfamille.backoffice.permissions import (
    demarches_for,
    get_file_or_404,
    get_submission_or_404,
    require_instructor,
    submissions_for,
)
from wagtail_passfamille.backoffice.workflow import (
    TransitionError,
    allowed_transitions,
    change_status,
    completable_fields,
)
from wagtail_passfamille.models import AuditRecord, audit_trail
from wagtail_passfamille.models.submissions import Status
from wagtail_passfamille.security.private_storage import private_storage

Action = AuditRecord.Action


# --- Status --------------------------------------------------------------------------------


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=gettext_lazy("Nouveau statut"), choices=())
    expected_status = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=gettext_lazy("Commentaire"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Facultatif. Pour « à compléter », c'est le message envoyé au demandeur : dites "
            "ce qui manque."
        ),
    )
    fields = forms.MultipleChoiceField(
        label=gettext_lazy("Réponses à compléter"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    document = forms.BooleanField(
        label=gettext_lazy("Demander un document complémentaire"), required=False
    )

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = submission
        labels = dict(Status.choices)
        self.fields["to_status"].choices = [
            (status, labels[status]) for status in allowed_transitions(submission.status)
        ]
        self.fields["fields"].choices = completable_fields(submission)
        self.initial.setdefault("expected_status", submission.status)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_status") == Status.A_COMPLETER:
            if not cleaned.get("fields") and not cleaned.get("document"):
                self.add_error(
                    "fields",
                    _("Choisissez au moins une réponse à compléter ou un document à fournir."),
                )
            if not (cleaned.get("comment") or "").strip():
                self.add_error("comment", _("Dites au demandeur ce qui manque."))
        return cleaned


@require_POST
def status_view(request, pk):
    submission = get_submission_or_404(request.user, pk)
    form = StatusForm(request.POST, submission=submission)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(inspect_url(submission.pk))
    data = form.cleaned_data
    try:
        # The change and its trace commit together: a crash in between leaves neither.
        with transaction.atomic():
            change = change_status(
                submission,
                data["to_status"],
                user=request.user,
                comment=data["comment"].strip(),
                expected_status=data["expected_status"],
                fields=data["fields"],
                document=data["document"],
            )
            audit_trail.record(
                request,
                Action.STATUS,
                submissions=[submission],
                detail={"from": change.from_status, "to": change.to_status},
            )
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect(inspect_url(submission.pk))
    messages.success(
        request,
        _("Statut de la demande %(reference)s : %(status)s.")
        % {"reference": submission.reference, "status": Status(change.to_status).label},
    )
    return redirect(inspect_url(submission.pk))


# --- Files ---------------------------------------------------------------------------------


def download_view(request, pk):

    stored = get_file_or_404(request.user, pk)
    if stored.active_content and request.GET.get("confirme") != "1":
        # A PDF naming JavaScript: the agent is warned first, and downloads only on purpose.
        return TemplateResponse(
            request,
            "wagtail_passfamille/admin/active_content.html",
            {"file": stored, "download_url": request.path + "?confirme=1"},
        )
    try:
        handle = private_storage().open(stored.storage_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    audit_trail.record(
        request,
        Action.DOWNLOAD,
        submissions=[stored.submission],
        detail={"file_id": stored.pk, "field": stored.field_name},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name or "piece-jointe",
        content_type=stored.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Exports -------------------------------------------------------------------------------


def _export_demarches(request, form):
    demarche = form.cleaned_data.get("demarche") if form.is_valid() else None
    return [demarche] if demarche else list(demarches_for(request.user))


def export_view(request):
    """GET: choose the columns and the format; POST: run the export of the filtered listing."""
    require_instructor(request.user)
    data = request.POST if request.method == "POST" else request.GET
    queryset, form = filtered_submissions(request.user, data, request.session)
    demarches = _export_demarches(request, form)
    columns = exports.available_columns(demarches, queryset)
    if request.method != "POST":
        default = {c.key for c in exports.base_columns()}
        groups = {}
        for column in columns:
            groups.setdefault(column.group, []).append((column, column.key in default))
        return TemplateResponse(
            request,
            "wagtail_passfamille/admin/export.html",
            {
                "groups": groups,
                "params": filter_params(data),
                "count": queryset.count(),
                "index_url": index_url(),
                "children": child_columns(demarches) is not None,
            },
        )
    by_key = {column.key: column for column in columns}
    chosen = [by_key[key] for key in request.POST.getlist("columns") if key in by_key]
    export_format = request.POST.get("format")
    children = child_columns(demarches) if request.POST.get("per_child") else None
    if not chosen or export_format not in ("csv", "xlsx"):
        messages.error(request, _("Choisissez au moins une colonne et un format."))
        return redirect(reverse("wagtail_passfamille_export") + "?" + request.POST.urlencode())
    # The trace lists what is exported before the first byte leaves: ids and references only.
    ids, references = [], []
    for pk, reference in queryset.order_by().values_list("pk", "reference").iterator(2000):
        ids.append(pk)
        references.append(reference)
    audit_trail.record(
        request,
        Action.EXPORT,
        submission_ids=ids,
        references=references,
        page=form.cleaned_data.get("demarche") if form.is_valid() else None,
        detail={
            "format": export_format,
            "columns": [column.key for column in chosen],
            "count": len(ids),
            "per_child": children is not None,
        },
    )
    allowed = set(ids)
    del ids, references
    rows = exports.iter_rows(queryset, chosen, allowed_ids=allowed, children=children)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if export_format == "csv":
        response = StreamingHttpResponse(
            exports.csv_stream(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="demandes-{stamp}.csv"'
    else:
        response = FileResponse(
            exports.xlsx_file(rows),
            as_attachment=True,
            filename=f"demandes-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Rights of access and erasure -------------------------------------------------------------


class PersonForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("Référence d'une demande"), required=False)
    name = forms.CharField(
        label=gettext_lazy("Nom du demandeur"),
        required=False,
        help_text=gettext_lazy(
            "Le nom, ou le prénom et le nom dans n'importe quel ordre (accents et majuscules "
            "indifférents)."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("reference") or "").strip() and not (cleaned.get("name") or "").strip():
            raise forms.ValidationError(_("Indiquez une référence ou un nom."))
        return cleaned


def person_view(request):
    """Find a person's submissions; export them as JSON (access) or erase them (erasure).

    Searches are posted (a name never goes in a URL) and traced with what they found.
    """
    require_instructor(request.user)
    form = PersonForm(request.POST if request.method == "POST" else None)
    found = None
    if form.is_valid():
        found = list(
            person.find_submissions(
                request.user, form.cleaned_data["reference"], form.cleaned_data["name"]
            )
        )
        action = request.POST.get("action") if request.method == "POST" else None
        if action == "access" and found:
            return _person_access(request, found)
        if action == "erase" and found:
            if request.POST.get("confirm") != "1":
                messages.error(request, _("Cochez la case de confirmation pour effacer."))
            else:
                return _person_erase(request, found)
        audit_trail.record(
            request,
            Action.SEARCH,
            submissions=found,
            detail={
                "by": "reference" if form.cleaned_data["reference"].strip() else "name",
                "count": len(found),
            },
        )
    return TemplateResponse(
        request,
        "wagtail_passfamille/admin/person.html",
        {"form": form, "found": found},
    )


def _person_access(request, found):
    found = (
        submissions_for(request.user)
        .filter(pk__in=[s.pk for s in found])
        .select_related("page")
        .prefetch_related("files", "status_changes")
        .order_by("submitted_at", "pk")
    )
    payload = person.access_export(found)
    audit_trail.record(
        request, Action.ACCESS, submissions=list(found), detail={"count": len(found)}
    )
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="donnees-personnelles.json"'
    response["Cache-Control"] = "private, no-store"
    return response


def _person_erase(request, found):
    items, files = person.erase(found)
    audit_trail.record(
        request,
        Action.ERASE,
        submission_ids=[pk for pk, _ref in items],
        references=[ref for _pk, ref in items],
        detail={"count": len(items), "files": files},
    )
    messages.success(
        request,
        ngettext(
            "%(count)s demande effacée avec ses pièces jointes.",
            "%(count)s demandes effacées avec leurs pièces jointes.",
            len(items),
        )
        % {"count": len(items)},
    )
    return redirect(reverse("wagtail_passfamille_person"))


# --- Dashboard -----------------------------------------------------------------------------


def counts_by_demarche(user):
    """[(démarche, {status: count}, total)] for the démarches ``user`` may instruct."""
    demarches = list(demarches_for(user).only("pk", "title"))
    rows = submissions_for(user).order_by().values("page_id", "status").annotate(count=Count("pk"))
    counts = {}
    for row in rows:
        counts.setdefault(row["page_id"], {})[row["status"]] = row["count"]
    return [
        (demarche, counts.get(demarche.pk, {}), sum(counts.get(demarche.pk, {}).values()))
        for demarche in demarches
    ]
