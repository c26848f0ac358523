"""The submissions listing and detail in Wagtail's admin: the only module importing
``wagtail_modeladmin`` (moving to a ``ModelViewSet`` later changes this file alone).

The listing and the detail start from the submissions the user may instruct
(:func:`~wagtail_passfamille.backoffice.permissions.submissions_for`): an id of another
démarche is a 404. Django admin's free-form ``?field__lookup=`` filters are switched off: only
the filter form's fields apply.
"""

from __future__ import annotations

from django.contrib import admin as django_admin
from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.paginator import WagtailPaginator
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.templatetags.modeladmin_tags import result_headers
from wagtail_modeladmin.views import DeleteView, IndexView, InspectView, WMABaseView

from wagtail_passfamille.backoffice import display
from wagtail_passfamille.backoffice.filters import (
    SEARCH_TOKEN_VAR,
    SEARCH_VAR,
    SubmissionFilterForm,
    filter_params,
    remember_search,
    search,
    search_kind,
    search_term,
)
from wagtail_passfamille.backoffice.permissions import (
    can_instruct,
    get_submission_or_404,
    submissions_for,
)
from wagtail_passfamille.backoffice.person import erase
from wagtail_passfamille.backoffice.views import StatusForm
from wagtail_passfamille.backoffice.workflow import completable_fields
from wagtail_passfamille.conf import get_setting as setting
from wagtail_passfamille.models import AuditRecord, Submission, SubmissionFile, audit_trail
from wagtail_passfamille.models.submissions import Status, Verification

STATUS_LABELS = dict(Status.choices)
VERIFICATION_LABELS = dict(Verification.choices)


class SubmissionPermissionHelper(PermissionHelper):
    """Per démarche, through DemarcheGroupPermission; never created or edited in the admin."""

    def user_can_list(self, user):
        return can_instruct(user)

    def user_can_create(self, user):
        return False

    def user_can_inspect_obj(self, user, obj):
        return can_instruct(user, obj.page_id)

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        # Deleting is exceptional (a test or a duplicate): superusers only, and traced.
        return user.is_superuser

    def get_all_model_permissions(self):
        # No model-wide Django permission: rights are per démarche (group editor panel).
        from django.contrib.auth.models import Permission

        return Permission.objects.none()


class SubmissionButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        exclude = [*(exclude or []), "edit"]
        return super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)


class IdsFirstPaginator(WagtailPaginator):
    """Page N in two short queries, whatever N: the ids of page N, then those rows by id.

    ``OFFSET`` over whole rows makes PostgreSQL visit every row it skips (the wide encrypted
    ones); the ids alone come from an index-only scan of the ordering index (migration
    ``0010``), ~25 000 index entries for page 500 of 100 000. The count is given (the view
    already has it) instead of being asked again.
    """

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self):
        return self._count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = self.object_list.values_list("pk", flat=True)
        if bottom > self.count // 2:
            # The far half is read from the other end: no page skips more than half the rows.
            ids = list(ids.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            ids = list(ids[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class SubmissionIndexView(IndexView):
    FORMATS = ()  # no unaudited spreadsheet export: exports go through the export view

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_helper.user_can_list(request.user):
            raise Http404  # the same answer as for any object one may not see
        if search_kind(request.GET.get(SEARCH_VAR, "")) == "name":
            # A name typed in the URL: moved to the session at once, out of the history.
            return redirect(self.search_url(request, request.GET))
        self.search_term = search_term(request.GET, request.session)
        self.filter_form = SubmissionFilterForm(request.GET or None, user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def search_url(self, request, data) -> str:
        """The listing's URL for ``data``'s filters and search; a name becomes a token."""
        params = filter_params(data)
        params.pop(SEARCH_TOKEN_VAR, None)
        term = params.pop(SEARCH_VAR, "").strip()
        kind = search_kind(term)
        if kind == "reference":
            params[SEARCH_VAR] = term
        elif kind == "name":
            params[SEARCH_TOKEN_VAR] = remember_search(request.session, term)
        url = self.index_url
        return url + "?" + urlencode(params) if params else url

    def post(self, request, *args, **kwargs):
        """The search box posts, so that a searched name never lands in a URL."""
        return redirect(self.search_url(request, request.POST))

    def get_filters(self, request):
        # Only the filter form filters: no arbitrary lookups from the query string.
        return [], False, {}, False

    def get_queryset(self, request=None):
        queryset = super().get_queryset(request)
        return self.filter_form.filter(queryset)

    def get_search_results(self, request, queryset, search_term):
        return search(queryset, self.search_term)

    def get(self, request, *args, **kwargs):
        kind = search_kind(self.search_term)
        if kind:
            # Searching says whether that person applied: traced with what was found (never
            # the term).
            found = list(self.queryset.order_by().values_list("pk", "reference"))
            audit_trail.record(
                request,
                AuditRecord.Action.LIST,
                submissions=found,
                detail={"search": kind, "count": len(found)},
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        queryset = self.get_queryset()
        result_count = queryset.count()
        filtered = bool(self.query.strip()) or self.filter_form.is_filtered()
        all_count = self.get_base_queryset().count() if filtered else result_count
        paginator = IdsFirstPaginator(queryset, self.items_per_page, count=result_count)
        try:
            page_obj = paginator.page(self.page_num)
        except InvalidPage:
            page_obj = paginator.page(1)
        context = {
            "view": self,
            "all_count": all_count,
            "result_count": result_count,
            "paginator": paginator,
            "page_obj": page_obj,
            "elided_page_range": paginator.get_elided_page_range(self.page_num),
            "object_list": page_obj.object_list,
            "rows": self.rows(page_obj.object_list),
            "result_headers": list(result_headers(self)),
            "user_can_create": False,
            "show_search": self.search_handler.show_search_form,
            **kwargs,
        }
        # IndexView's own get_context_data counts and pages again: skip to its parent's.
        context = super(IndexView, self).get_context_data(**context)
        query = self.request.GET.copy()
        query.pop(self.PAGE_VAR, None)
        active_filters = filter_params(self.request.GET)
        active_filters.pop(SEARCH_VAR, None)
        active_filters.pop(SEARCH_TOKEN_VAR, None)
        context.update(
            {
                "filter_form": self.filter_form,
                "search_var": SEARCH_VAR,
                "search_token_var": SEARCH_TOKEN_VAR,
                "search_token": self.request.GET.get(SEARCH_TOKEN_VAR, ""),
                "search_term": self.search_term,
                "active_filters": active_filters,
                "filter_query": query.urlencode(),
            }
        )
        return context

    def rows(self, submissions):
        """The page's rows with their two buttons: modeladmin's ``result_list`` builds every
        cell through templates and asks permissions per button, the bulk of a page's time."""
        inspect = self.button_helper.inspect_button(0)
        delete = self.button_helper.delete_button(0)
        may_delete = self.permission_helper.user_can_delete_obj(self.request.user, None)
        url = self.url_helper.get_action_url
        return [
            {
                "submission": submission,
                "applicant": self.model_admin.applicant_name(submission),
                "demarche": self.model_admin.demarche(submission),
                "status": self.model_admin.status_label(submission),
                "verification": self.model_admin.verification_label(submission),
                "buttons": [
                    {**inspect, "url": url("inspect", submission.pk)},
                    *([{**delete, "url": url("delete", submission.pk)}] if may_delete else []),
                ],
            }
            for submission in submissions
        ]


class SubmissionLookupMixin:
    """Look the submission up among those the user may see, once the request is known."""

    def __init__(self, model_admin, instance_pk):
        WMABaseView.__init__(self, model_admin)
        self.instance_pk = instance_pk
        self.pk_quoted = instance_pk
        self.instance = None
        self.locale = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not request.user.is_authenticated:
            raise Http404
        self.instance = get_submission_or_404(
            request.user,
            self.instance_pk,
            self.model_admin.get_queryset(request).select_related("page"),
        )


class SubmissionInspectView(SubmissionLookupMixin, InspectView):
    def get_page_title(self):
        return _("Demande")

    def get(self, request, *args, **kwargs):
        audit_trail.record(request, AuditRecord.Action.VIEW, submissions=[self.instance])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):

        submission = self.instance
        files = list(SubmissionFile.objects.filter(submission=submission).order_by("pk"))
        files_by_field = {}
        for item in files:
            item.size_display = display.file_size(item.size)
            files_by_field.setdefault(item.field_name, []).append(item)
        changes = submission.status_changes.select_related("by").order_by("at", "pk")
        status_form = StatusForm(submission=submission)
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "submission": submission,
                "status_label": STATUS_LABELS.get(submission.status, submission.status),
                "verification_label": VERIFICATION_LABELS.get(
                    submission.verification, submission.verification
                ),
                "sections": display.answer_sections(submission, files_by_field),
                "certified": display.certified_sections(submission),
                "outcome": display.outcome_context(
                    submission.outcome, display.registered_names(submission)
                ),
                "files": files,
                "changes": [
                    {
                        "change": change,
                        "from_label": STATUS_LABELS.get(change.from_status, change.from_status),
                        "to_label": STATUS_LABELS.get(change.to_status, change.to_status),
                    }
                    for change in changes
                ],
                # The link is the citizen's key to their data: shown only when there is no
                # e-mail to send it to (the agent passes it on), never otherwise.
                "completions": [
                    (
                        completion,
                        completion.public_url()
                        if completion.is_open and not submission.contact_email
                        else "",
                    )
                    for completion in submission.completion_requests.order_by("-created_at")
                ],
                "status_form": status_form,
                "has_transitions": bool(status_form.fields["to_status"].choices),
                "has_completable": bool(completable_fields(submission)),
                "link_days": setting("COMPLETION_LINK_MAX_AGE") // 86400,
            }
        )
        return context


class SubmissionDeleteView(SubmissionLookupMixin, DeleteView):
    def delete_instance(self):

        items, files = erase([self.instance])
        audit_trail.record(
            self.request,
            AuditRecord.Action.DELETE,
            submission_ids=[pk for pk, _ref in items],
            references=[ref for _pk, ref in items],
            page=self.instance.page_id,
            detail={"files": files},
        )


class SubmissionAdmin(ModelAdmin):
    model = Submission
    base_url_path = "passfamille/demandes"
    menu_label = _("Demandes")
    menu_icon = "form"
    menu_order = 250
    add_to_admin_menu = False  # listed in the "Instruction" submenu (wagtail_hooks)
    list_display = (
        "reference",
        "applicant_name",
        "demarche",
        "submitted_at",
        "status_label",
        "verification_label",
        "tariff",
    )
    list_per_page = 50
    search_fields = ("reference",)  # shows the search box; the search itself is ours
    inspect_view_enabled = True
    inspect_view_fields = ["reference"]  # the template shows the rest, decrypted once
    history_view_enabled = False
    index_view_class = SubmissionIndexView
    inspect_view_class = SubmissionInspectView
    delete_view_class = SubmissionDeleteView
    permission_helper_class = SubmissionPermissionHelper
    button_helper_class = SubmissionButtonHelper
    index_template_name = "wagtail_passfamille/admin/index.html"
    inspect_template_name = "wagtail_passfamille/admin/inspect.html"

    def get_queryset(self, request):
        # Plain columns for the listing, and the applicant's name: a small encrypted column
        # decrypted for the rows of the page only (IdsFirstPaginator reads the ids first).
        return (
            submissions_for(request.user)
            .select_related("page")
            .only(
                "pk",
                "reference",
                "applicant",  # decrypted for the page's rows only (the ids come first)
                "page__title",
                "submitted_at",
                "status",
                "verification",
                "tariff",
                "page_id",
            )
        )

    def get_ordering(self, request):
        return ("-submitted_at", "-pk")

    @django_admin.display(description=_("Demandeur"))
    def applicant_name(self, obj):
        return obj.applicant_label or "—"

    @django_admin.display(description=_("Démarche"), ordering="page__title")
    def demarche(self, obj):
        return obj.page.title

    @django_admin.display(description=_("Statut"), ordering="status")
    def status_label(self, obj):
        return STATUS_LABELS.get(obj.status, obj.status)

    @django_admin.display(description=_("Vérification"), ordering="verification")
    def verification_label(self, obj):
        return VERIFICATION_LABELS.get(obj.verification, obj.verification) or "—"

    def get_admin_urls_for_registration(self):
        # Submissions are never created nor edited in the admin: no such URLs at all.
        urls = super().get_admin_urls_for_registration()
        names = {self.url_helper.get_action_url_name(a) for a in ("create", "edit")}
        return tuple(url for url in urls if url.name not in names)

    def register_admin_url_finders(self):
        pass  # no edit URL to find

    def register_indexing(self):
        # Submissions reference nothing worth indexing (Wagtail's ReferenceIndex).
        pass


def register():
    from wagtail_modeladmin.options import modeladmin_register

    modeladmin_register(SubmissionAdmin)
    return SubmissionAdmin
