"""« Mes démarches »: what a citizen identified with FranceConnect finds of their own.

Drafts saved with « Enregistrer et reprendre plus tard » (resumed from here, no e-mail needed),
submitted applications with their status, their tariff when it may be shown to them (nothing of
it came from an anonymous lookup) and its « provisoire » mark, open « à compléter » requests
with their link, and each receipt. Everything is found by the keyed hash of FranceConnect's
``sub`` kept on the rows (:mod:`.owner`): an anonymous visitor matches nothing and sees nothing
but the invitation to identify.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from wagtail_passfamille.citizen import drafts
from wagtail_passfamille.citizen.franceconnect import hooks as franceconnect_hooks
from wagtail_passfamille.citizen.owner import owner_of
from wagtail_passfamille.conf import get_setting, themed
from wagtail_passfamille.models import CompletionRequest, DemarchePage, Draft, Submission, outcomes
from wagtail_passfamille.models.demarche_serving import DISCLOSED_KEY


def _render(request, template, context, status=200):
    context = {"base_template": get_setting("BASE_TEMPLATE"), **context}
    response = TemplateResponse(request, themed(template), context, status=status)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def login_demarche():
    """A live démarche offering FranceConnect, whose login button identifies the citizen here."""
    for page in DemarchePage.objects.live().order_by("path"):
        if franceconnect_hooks.offers_france_connect(page):
            return page
    return None


def submission_rows(owner):
    now = timezone.now()
    open_requests = CompletionRequest.objects.filter(completed_at=None, expires_at__gt=now)
    found = (
        Submission.objects.filter(owner=owner)
        .select_related("page")
        .prefetch_related(Prefetch("completion_requests", queryset=open_requests))
        .order_by("-submitted_at", "-pk")
    )
    rows = []
    for submission in found:
        lines = outcomes.summary_lines(submission.outcome) if submission.owner_sees_outcome else []
        completion = next(iter(submission.completion_requests.all()), None)
        rows.append(
            {
                "submission": submission,
                "outcome_lines": lines,
                "provisional": bool(lines)
                and outcomes.is_provisional(submission.outcome, [submission.verification]),
                "completion_url": (
                    reverse("wagtail_passfamille:completion", args=[completion.token])
                    if completion is not None and submission.status == "a_completer"
                    else None
                ),
            }
        )
    return rows


@never_cache
def my_demarches(request):
    owner = owner_of(request)
    if not owner:
        page = login_demarche()
        context = {"identified": False, "login_page": page}
        return _render(request, "my_demarches/index.html", context)
    saved = (
        Draft.objects.filter(owner=owner, expires_at__gt=timezone.now())
        .select_related("page")
        .order_by("-created_at")
    )
    context = {"identified": True, "drafts": list(saved), "rows": submission_rows(owner)}
    return _render(request, "my_demarches/index.html", context)


@never_cache
@csrf_protect
@require_POST
def resume(request, pk):
    """Resume an own draft (the same single use as the e-mailed link)."""
    owner = owner_of(request)
    if not owner:
        return redirect(reverse("wagtail_passfamille:my_demarches"))
    with transaction.atomic():
        draft = (
            Draft.objects.select_for_update(of=("self",))
            .select_related("page")
            .filter(pk=pk, owner=owner, expires_at__gt=timezone.now())
            .first()
        )
        if draft is None:
            raise Http404
        return redirect(drafts.restore(request, draft))


@never_cache
def receipt(request, reference):
    """The receipt of an own submission, as the page shows it after submitting."""
    owner = owner_of(request)
    submission = (
        Submission.objects.filter(owner=owner, reference=reference).select_related("page").first()
        if owner
        else None
    )
    if submission is None:
        raise Http404
    disclosed = dict(request.session.get(DISCLOSED_KEY) or {})
    disclosed[submission.instance_key] = submission.owner_sees_outcome
    request.session[DISCLOSED_KEY] = disclosed
    return submission.page.specific.render_landing_page(request, submission)


urlpatterns = [
    path("mes-demarches/", my_demarches, name="my_demarches"),
    path("mes-demarches/reprendre/<int:pk>/", resume, name="my_demarches_resume"),
    path("mes-demarches/recu/<str:reference>/", receipt, name="my_demarches_receipt"),
]
