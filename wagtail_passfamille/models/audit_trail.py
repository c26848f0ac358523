"""Write the audit trail: one immutable record per traced action.

A record says who, when, what and which submissions (ids and references), never what they
contain. ``detail`` takes counts, column names, status codes: never a name, a value or a
search term.
"""

from __future__ import annotations

from wagtail_passfamille.models.audit import AuditRecord
from wagtail_passfamille.security.client_ip import client_ip


def _ip(request):
    if request is None:
        return None
    address = client_ip(request)
    return address or None


def record(
    request,
    action,
    *,
    submissions=(),
    submission_ids=None,
    references=None,
    page=None,
    detail=None,
    user=None,
    username=None,
):
    """Create one :class:`AuditRecord`. ``submissions`` are instances (or ``(pk, reference)``)."""

    ids = list(submission_ids or [])
    refs = list(references or [])
    for item in submissions:
        if isinstance(item, tuple):
            ids.append(item[0])
            refs.append(item[1])
        else:
            ids.append(item.pk)
            refs.append(item.reference)
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if username is None:
        username = user.get_username() if user is not None else ""
    if (
        page is None
        and submissions
        and len({getattr(s, "page_id", None) for s in submissions}) == 1
    ):
        first = submissions[0]
        page_id = getattr(first, "page_id", None)
    else:
        page_id = getattr(page, "pk", page)
    return AuditRecord.objects.create(
        user=user,
        username=username[:150],
        action=action,
        page_id=page_id,
        submission_ids=ids,
        references=refs,
        detail=detail or {},
        ip_address=_ip(request),
    )
