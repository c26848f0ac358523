"""The audit trail, for superusers: a filtered listing and its CSV export."""

from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_passfamille.backoffice.exports import csv_stream, formula_safe
from wagtail_passfamille.backoffice.permissions import require_superuser
from wagtail_passfamille.models import AuditRecord

PER_PAGE = 50


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("Toutes")), *AuditRecord.Action.choices],
    )
    username = forms.CharField(label=gettext_lazy("Identifiant"), required=False)
    reference = forms.CharField(label=gettext_lazy("Référence"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, queryset):
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["action"]:
            queryset = queryset.filter(action=data["action"])
        if data["username"]:
            queryset = queryset.filter(username=data["username"].strip())
        if data["reference"]:
            # Text containment of the quoted reference: works on every database backend.
            quoted = json.dumps(data["reference"].strip().upper())
            queryset = queryset.filter(references__icontains=quoted)
        if data["date_from"]:
            start = timezone.make_aware(dt.datetime.combine(data["date_from"], dt.time.min))
            queryset = queryset.filter(at__gte=start)
        if data["date_to"]:
            end = data["date_to"] + dt.timedelta(days=1)
            queryset = queryset.filter(
                at__lt=timezone.make_aware(dt.datetime.combine(end, dt.time.min))
            )
        return queryset


def _records(request):
    form = AuditFilterForm(request.GET or None)
    queryset = AuditRecord.objects.select_related("page").order_by("-at", "-pk")
    return form, form.filter(queryset)


def audit_list_view(request):
    require_superuser(request.user)
    form, queryset = _records(request)
    if request.GET.get("export") == "csv":
        return _csv(queryset)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("p"))
    params = request.GET.copy()
    params.pop("p", None)
    params.pop("export", None)
    return TemplateResponse(
        request,
        "wagtail_passfamille/admin/audit_list.html",
        {"form": form, "page_obj": page, "query": params.urlencode()},
    )


def _csv(queryset):
    header = [
        _("Date"),
        _("Identifiant"),
        _("Action"),
        _("Démarche"),
        _("Références"),
        _("Identifiants des demandes"),
        _("Détail"),
        _("Adresse IP"),
    ]
    labels = dict(AuditRecord.Action.choices)

    def rows():
        yield header
        for record in queryset.iterator(chunk_size=1000):
            yield [
                formula_safe(value)
                for value in (
                    timezone.localtime(record.at).strftime("%Y-%m-%d %H:%M:%S"),
                    record.username,
                    str(labels.get(record.action, record.action)),
                    record.page.title if record.page else "",
                    " ".join(record.references or []),
                    " ".join(str(pk) for pk in record.submission_ids or []),
                    json.dumps(record.detail, ensure_ascii=False, default=str),
                    record.ip_address or "",
                )
            ]

    response = StreamingHttpResponse(csv_stream(rows()), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="traces-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
