"""Who may see and instruct which submissions.

One rule everywhere: a user sees the submissions of the démarches one of their groups was
granted ("voir et instruire les demandes", :class:`DemarcheGroupPermission`); superusers see all.
Every view starts from :func:`submissions_for` and looks objects up *inside* it, so an id of
another démarche, wherever it is put (path, query, POST), finds nothing: a 404, which does not
even confirm the submission exists.
"""

from __future__ import annotations

from django.http import Http404

from wagtail_passfamille.models import (
    DemarcheGroupPermission,
    DemarchePage,
    Submission,
    SubmissionFile,
)

CACHE_ATTRIBUTE = "_passfamille_demarche_ids"


def permitted_page_ids(user) -> frozenset[int] | None:
    """Ids of the démarches ``user`` may instruct; ``None`` means all (superusers).

    Cached on the user object, which lives as long as the request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = frozenset(
            DemarcheGroupPermission.objects.filter(group__user=user).values_list(
                "page_id", flat=True
            )
        )
        setattr(user, CACHE_ATTRIBUTE, cached)
    return cached


def can_instruct(user, page_id: int | None = None) -> bool:
    """Whether ``user`` may instruct ``page_id`` (or any démarche at all when ``None``)."""
    ids = permitted_page_ids(user)
    if ids is None:
        return True
    return bool(ids) if page_id is None else page_id in ids


def demarches_for(user):
    """The démarches ``user`` may instruct, by title."""

    queryset = DemarchePage.objects.order_by("title")
    ids = permitted_page_ids(user)
    return queryset if ids is None else queryset.filter(pk__in=ids)


def submissions_for(user):
    """Every submission ``user`` may see (none for anonymous or unauthorised users)."""

    ids = permitted_page_ids(user)
    queryset = Submission.objects.all()
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.filter(page_id__in=ids)


def get_submission_or_404(user, pk, queryset=None):
    queryset = submissions_for(user) if queryset is None else queryset
    try:
        return queryset.get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, queryset.model.DoesNotExist):
        raise Http404 from None


def get_file_or_404(user, pk):

    try:
        return SubmissionFile.objects.select_related("submission").get(
            pk=int(pk), submission__in=submissions_for(user)
        )
    except (TypeError, ValueError, OverflowError, SubmissionFile.DoesNotExist):
        raise Http404 from None


def require_instructor(user) -> None:
    """404 for users with no démarche at all: the back-office does not exist for them."""
    if not can_instruct(user):
        raise Http404


def require_superuser(user) -> None:
    if not (user.is_authenticated and user.is_active and user.is_superuser):
        raise Http404
