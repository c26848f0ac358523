"""Upload limits that must act before Django reads a request body.

``CsrfViewMiddleware`` reads ``request.POST`` before any view runs, so a view cannot install
its own upload handlers in time: a 2 GB body would already sit in a temporary file. Place
:class:`UploadLimitMiddleware` right **before** ``CsrfViewMiddleware``::

    MIDDLEWARE = [
        ...
        "wagtail_passfamille.middleware.UploadLimitMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        ...
    ]

The system check ``wagtail_passfamille.W002`` warns when it is missing or misplaced. Keep a
limit at the reverse proxy too (nginx ``client_max_body_size``), a little above
:func:`~wagtail_passfamille.uploads.request_body_limit`.
"""

from __future__ import annotations

import re

from django.http import HttpResponse, HttpResponseBadRequest, UnreadablePostError
from django.template.loader import render_to_string

from .conf import get_setting
from .uploads import (
    LimitedUploadHandler,
    format_size,
    replace_rejected_files,
    request_body_limit,
)

# The wizard's step URLs end with /<instance id: 32 hex>/<step slug>/. A regex on the path
# costs nothing, where finding the page would cost a query on every POST of the site.
WIZARD_STEP_PATH = re.compile(r"/[0-9a-f]{32}/[^/]+/\Z")

TEMPLATE_413 = "wagtail_passfamille/errors/413.html"


def is_wizard_step_post(request) -> bool:
    return request.method == "POST" and WIZARD_STEP_PATH.search(request.path_info) is not None


def declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body either when the header is not a number


def payload_too_large(request) -> HttpResponse:
    # Rendered without the request: context processors may query the session or the user,
    # and nothing here needs them.
    html = render_to_string(
        TEMPLATE_413,
        {
            # A GET of the step URL shows the step again, without what this POST carried.
            "back_url": request.path,
            "max_file_size": format_size(get_setting("MAX_UPLOAD_SIZE")),
        },
    )
    response = HttpResponse(html, status=413)
    response["Cache-Control"] = "private, no-store"
    return response


class UploadLimitMiddleware:
    """For POSTs to wizard step URLs: 413 above the body limit, else a per-file limit.

    1. A declared ``Content-Length`` above ``request_body_limit()`` gets a 413 page at once;
       the body is never read.
    2. Otherwise :class:`~wagtail_passfamille.uploads.LimitedUploadHandler` goes first in
       ``request.upload_handlers``.
    3. Just before the view (and before ``CsrfViewMiddleware`` would do the same), the body is
       parsed and each refused file is replaced in ``request.FILES`` by a ``RejectedUpload``,
       which ``CitizenFileField`` turns into a French error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_wizard_step_post(request):
            if declared_length(request) > request_body_limit():
                return payload_too_large(request)
            request.upload_handlers.insert(0, LimitedUploadHandler(request))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not hasattr(request, "passfamille_oversized_files"):
            return None
        if request.content_type != "multipart/form-data":
            return None
        try:
            request.POST  # noqa: B018 (parses the body through the handlers)
        except UnreadablePostError:
            # The client went away mid-upload; nobody reads this response.
            return HttpResponseBadRequest()
        replace_rejected_files(request)
        return None
