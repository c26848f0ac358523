"""Upload limits that must act before Django reads a request body.

``CsrfViewMiddleware`` reads ``request.POST`` before any view runs, so a view cannot install
its own upload handlers in time: a 2 GB body would already sit in a temporary file. Place
:class:`UploadLimitMiddleware` right **before** ``CsrfViewMiddleware``::

    MIDDLEWARE = [
        ...
        "wagtail_passfamille.security.upload_limits.UploadLimitMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        ...
    ]

The system check ``wagtail_passfamille.W002`` warns when it is missing or misplaced. Keep a
limit at the reverse proxy too (nginx ``client_max_body_size``), a little above
:func:`request_body_limit`.
"""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse, HttpResponseBadRequest, UnreadablePostError
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from wagtail_passfamille.conf import get_setting

# Why a file was refused while it streamed (citizen/uploads.py words them for the citizen).
TOO_LARGE = "file_too_large"
MULTIPLE = "multiple_files"


def format_size(num_bytes: int) -> str:
    """``10 Mo``, ``64 Ko``, ``1,5 Go``: binary multiples, as people read their file sizes."""
    units = ((1024**3, _("%(size)s Go")), (1024**2, _("%(size)s Mo")), (1024, _("%(size)s Ko")))
    for factor, label in units:
        if num_bytes >= factor:
            value = num_bytes / factor
            text = str(int(value)) if value.is_integer() else number_format(round(value, 1), 1)
            return label % {"size": text}
    return _("%(size)s octets") % {"size": num_bytes}


class RejectedUpload(UploadedFile):
    """Stands in ``request.FILES`` for a file the upload handler refused while it streamed.

    It is empty and has no name, so it is falsy: a plain ``FileField`` sees no file at all, and
    :class:`CitizenFileField` reports ``reason``.
    """

    def __init__(self, reason: str):
        super().__init__(file=io.BytesIO(), name=None, content_type=None, size=0)
        self.reason = reason


# File fields one wizard step may hold; bounds the request body (see request_body_limit).
MAX_FILES_PER_STEP = 5
# Multipart boundaries and part headers around the files and fields.
MULTIPART_OVERHEAD = 64 * 1024
# Django's default DATA_UPLOAD_MAX_MEMORY_SIZE, used when a site disables that limit.
DEFAULT_FIELDS_ALLOWANCE = 2_621_440

# The wizard's step URLs end with /<instance id: 32 hex>/<step slug>/. A regex on the path
# costs nothing, where finding the page would cost a query on every POST of the site.
WIZARD_STEP_PATH = re.compile(r"/[0-9a-f]{32}/[^/]+/\Z")

TEMPLATE_413 = "wagtail_passfamille/errors/413.html"


def request_body_limit() -> int:
    """The largest body a wizard step POST may declare, in bytes.

    ``MAX_UPLOAD_SIZE × MAX_FILES_PER_STEP`` for the files, plus ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    (what Django accepts for the other fields; 2.5 MB when disabled) and
    ``MULTIPART_OVERHEAD``. With the defaults: 10 MiB × 5 + 2.5 MiB + 64 KiB ≈ 52.6 MiB.
    """
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if fields is None:
        fields = DEFAULT_FIELDS_ALLOWANCE
    return get_setting("MAX_UPLOAD_SIZE") * MAX_FILES_PER_STEP + fields + MULTIPART_OVERHEAD


class LimitedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they stream; drops a file above ``MAX_UPLOAD_SIZE``.

    Must come first in ``request.upload_handlers``: raising ``SkipFile`` makes Django close the
    other handlers' current file (deleting the partial temporary file) and skip to the next
    part, so the other fields still arrive. A second file in a field already seen is dropped
    the same way. The field names are recorded on the request, in the sets
    ``passfamille_oversized_files`` and ``passfamille_multiple_files``.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.max_size = get_setting("MAX_UPLOAD_SIZE")
        self.seen_fields: set[str] = set()
        self.oversized: set[str] = set()
        self.multiple: set[str] = set()
        self.received = 0
        self.skip_current = False
        if request is not None:
            request.passfamille_oversized_files = self.oversized
            request.passfamille_multiple_files = self.multiple

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0
        # Refusing here would be too early: the handlers after us have not opened this file
        # yet, and Django would close their previous one, which may belong to another field.
        self.skip_current = field_name in self.seen_fields
        if self.skip_current:
            self.multiple.add(field_name)
        self.seen_fields.add(field_name)

    def receive_data_chunk(self, raw_data, start):
        if self.skip_current:
            raise SkipFile
        self.received += len(raw_data)
        if self.received > self.max_size:
            self.oversized.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        # The next handler (memory or temporary file) builds the UploadedFile.
        return None


def upload_problems(request) -> dict[str, str]:
    """``{field name: reason}`` for the files the handler refused in this request."""
    problems = dict.fromkeys(getattr(request, "passfamille_oversized_files", ()), TOO_LARGE)
    problems.update(dict.fromkeys(getattr(request, "passfamille_multiple_files", ()), MULTIPLE))
    return problems


def replace_rejected_files(request) -> None:
    """Put a :class:`~wagtail_passfamille.citizen.uploads.RejectedUpload` in ``request.FILES`` for
    every refused field. A field that received two files keeps neither: the form must not
    pick one silently."""
    for field_name, reason in upload_problems(request).items():
        for uploaded in request.FILES.getlist(field_name):
            uploaded.close()  # no longer in FILES, so the request would not close it
        request.FILES.setlist(field_name, [RejectedUpload(reason)])


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

    1. A declared ``Content-Length`` above :func:`request_body_limit` gets a 413 page at once;
       the body is never read.
    2. Otherwise :class:`LimitedUploadHandler` goes first in ``request.upload_handlers``.
    3. Just before the view (and before ``CsrfViewMiddleware`` would do the same), a multipart
       body is parsed and each refused file is replaced in ``request.FILES`` by a
       ``RejectedUpload``, which ``CitizenFileField`` turns into a French error.
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
