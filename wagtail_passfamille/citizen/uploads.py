"""Citizens' uploaded files: what the bytes are, the form field, private storage, cleanup.

The transport half lives in :mod:`wagtail_passfamille.security.upload_limits`: the request
body limit (413) and :class:`~wagtail_passfamille.security.upload_limits.LimitedUploadHandler`,
which drops a file above
``MAX_UPLOAD_SIZE`` while it streams, or a second file in one field (CVE-2023-31047), and leaves
a :class:`RejectedUpload` in its place in ``request.FILES``. Here:

- :func:`validate_upload` decides what a file *is* from its bytes, never from its name or the
  browser's content type;
- :class:`CitizenFileField` reports a ``RejectedUpload`` or a refused file in French, from the
  files mapping alone: forms and the formtools wizard need no access to the request;
- :class:`RandomNameStorage` saves under a random name in the private ``FILE_STORAGE``; the
  citizen's name survives only as display metadata (:func:`sanitize_display_name`);
- :func:`delete_stale_wizard_files` removes what abandoned wizards left behind.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import (
    SuspiciousFileOperation,
    ValidationError,
)
from django.core.files import File
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image

from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.security.private_storage import (  # noqa: F401  (re-exported)
    SUBMISSION_PREFIX,
    WIZARD_PREFIX,
    delete_stale_wizard_files,
    private_storage,
)
from wagtail_passfamille.security.upload_limits import (
    MULTIPLE,
    TOO_LARGE,
    RejectedUpload,
    format_size,
)

# Larger images are refused before decoding: a 50 Mpx RGBA image already takes 200 MB.
MAX_IMAGE_PIXELS = 50_000_000
DISPLAY_NAME_MAX_LENGTH = 100
DEFAULT_DISPLAY_NAME = "fichier"
# Enough to read every signature below.
HEAD_SIZE = 16


MESSAGES = {
    "empty": _("Le fichier envoyé est vide."),
    TOO_LARGE: _("Le fichier dépasse la taille maximale de %(size)s."),
    MULTIPLE: _("Envoyez un seul fichier dans ce champ."),
    "unsupported_type": _("Ce type de fichier n'est pas accepté. Formats acceptés : %(formats)s."),
    "too_many_pixels": _(
        "Cette image est trop grande (%(pixels)s mégapixels au plus). "
        "Réduisez sa définition ou envoyez-la en PDF."
    ),
    "corrupt": _("Ce fichier est endommagé ou incomplet : il ne peut pas être lu."),
}


@dataclass(frozen=True)
class FileType:
    """A type recognised from its first bytes; the extension is the only one we ever store."""

    content_type: str
    extension: str
    label: str
    signature: bytes
    accept: tuple[str, ...]
    pil_format: str | None = None


KNOWN_TYPES = {
    file_type.content_type: file_type
    for file_type in (
        FileType("application/pdf", ".pdf", "PDF", b"%PDF-", (".pdf",)),
        FileType("image/jpeg", ".jpg", "JPEG", b"\xff\xd8\xff", (".jpg", ".jpeg"), "JPEG"),
        FileType("image/png", ".png", "PNG", b"\x89PNG\r\n\x1a\n", (".png",), "PNG"),
    )
}


@dataclass(frozen=True)
class DetectedType:
    content_type: str
    extension: str
    # A heuristic hint for whoever serves the file (force a download, warn the agent): PDF
    # actions can hide in compressed object streams, so False proves nothing.
    active_content: bool = False


def allowed_types() -> list[FileType]:
    """The known types listed in ``ALLOWED_UPLOAD_TYPES``, in the settings' order."""
    return [KNOWN_TYPES[ct] for ct in get_setting("ALLOWED_UPLOAD_TYPES") if ct in KNOWN_TYPES]


def accept_attribute() -> str:
    return ",".join(ext for file_type in allowed_types() for ext in file_type.accept)


def sniff(head: bytes) -> FileType | None:
    for file_type in KNOWN_TYPES.values():
        if head.startswith(file_type.signature):
            return file_type
    return None


# --- What the bytes are -------------------------------------------------------------------

# A PDF name token, possibly #xx-escaped (/J#61vaScript), followed by a delimiter.
_PDF_NAME = re.compile(rb"/((?:[A-Za-z]|#[0-9A-Fa-f]{2}){2,16})(?=[\s/<>\[\]()%{}])")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE_NAMES = {b"JavaScript", b"JS", b"Launch"}
_PDF_OVERLAP = 64


def _unescape_pdf_name(name: bytes) -> bytes:
    return _PDF_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), name)


def _pdf_has_active_content(uploaded_file) -> bool:
    tail = b""
    for chunk in uploaded_file.chunks():
        buffer = tail + chunk
        for match in _PDF_NAME.finditer(buffer):
            if _unescape_pdf_name(match[1]) in _PDF_ACTIVE_NAMES:
                return True
        # A name cut at the chunk's end has no delimiter yet: it is found in the next buffer.
        tail = buffer[-_PDF_OVERLAP:]
    return False


def _check_pixels(image) -> None:
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            MESSAGES["too_many_pixels"],
            code="too_many_pixels",
            params={"pixels": MAX_IMAGE_PIXELS // 1_000_000},
        )


def _verify_image(uploaded_file, pil_format: str) -> None:
    # Only the format the magic bytes announced may parse the file: Pillow's other plugins
    # (EPS, etc.) never see citizen input.
    try:
        uploaded_file.seek(0)
        with Image.open(uploaded_file, formats=[pil_format]) as image:
            _check_pixels(image)
            image.verify()  # PNG: chunk structure and CRCs
        # verify() leaves the image unusable; decoding needs a fresh one.
        uploaded_file.seek(0)
        with Image.open(uploaded_file, formats=[pil_format]) as image:
            _check_pixels(image)
            if pil_format == "JPEG":
                # Decoding at 1/8 scale still reads every scan (truncation is caught) in an
                # eighth of the memory.
                image.draft(None, (1, 1))
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses above twice its own limit before we can look at the size.
        raise ValidationError(
            MESSAGES["too_many_pixels"],
            code="too_many_pixels",
            params={"pixels": MAX_IMAGE_PIXELS // 1_000_000},
        ) from exc
    except Exception as exc:
        # Malformed input reaches Pillow's decoders as OSError, SyntaxError, ValueError,
        # struct.error, EOFError...: for the citizen each one means an unreadable file.
        raise ValidationError(MESSAGES["corrupt"], code="corrupt") from exc


def _size_of(uploaded_file) -> int:
    try:
        return uploaded_file.size
    except (AttributeError, OSError):
        return 0


def validate_upload(uploaded_file) -> DetectedType:
    """Check what ``uploaded_file`` is from its content and return its type.

    Accepts the types of ``ALLOWED_UPLOAD_TYPES`` that :data:`KNOWN_TYPES` can recognise (PDF,
    JPEG, PNG); everything else (SVG, HTML, XML, scripts, text…) is refused whatever its name.
    Images are decoded in full, bounded by :data:`MAX_IMAGE_PIXELS`. Raises
    ``ValidationError`` with a French message; leaves the file at offset 0.
    """
    size = _size_of(uploaded_file)
    max_size = get_setting("MAX_UPLOAD_SIZE")
    if size > max_size:
        raise ValidationError(
            MESSAGES[TOO_LARGE], code=TOO_LARGE, params={"size": format_size(max_size)}
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_SIZE)
    uploaded_file.seek(0)
    if not head:
        raise ValidationError(MESSAGES["empty"], code="empty")
    allowed = allowed_types()
    file_type = sniff(head)
    if file_type not in allowed:
        raise ValidationError(
            MESSAGES["unsupported_type"],
            code="unsupported_type",
            params={"formats": ", ".join(t.label for t in allowed)},
        )
    try:
        if file_type.pil_format:
            _verify_image(uploaded_file, file_type.pil_format)
        active = file_type.content_type == "application/pdf" and _pdf_has_active_content(
            uploaded_file
        )
    finally:
        uploaded_file.seek(0)
    return DetectedType(file_type.content_type, file_type.extension, active)


def sanitize_display_name(name, max_length: int = DISPLAY_NAME_MAX_LENGTH) -> str:
    """The citizen's file name, safe to show to agents; never used to store anything.

    Keeps the last path component, drops control and format characters (NUL, RTL override,
    zero-width…), collapses whitespace, strips leading and trailing dots, and shortens long
    names while keeping a short extension.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    # Whitespace (tabs, newlines included) becomes one space; other controls disappear.
    name = "".join(c for c in name if c.isspace() or unicodedata.category(c)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if not name:
        return DEFAULT_DISPLAY_NAME
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = stem[: max_length - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:max_length]
    return name


# --- Form field ---------------------------------------------------------------------------


class CitizenFileInput(forms.FileInput):
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # At render time: form classes may outlive a change of ALLOWED_UPLOAD_TYPES.
        context["widget"]["attrs"].setdefault("accept", accept_attribute())
        return context

    def value_from_datadict(self, data, files, name):
        # Several files under one name (CVE-2023-31047) also fail without the middleware.
        getlist = getattr(files, "getlist", None)
        if getlist is not None and len(getlist(name)) > 1:
            return RejectedUpload(MULTIPLE)
        return super().value_from_datadict(data, files, name)


class CitizenFileField(forms.FileField):
    """A justificatif: checked on content by :func:`validate_upload`.

    ``clean()`` returns the uploaded file with its ``content_type`` replaced by the detected
    one, its ``name`` (and ``safe_name``) sanitised for display, and a ``detected_type``
    (:class:`DetectedType`). formtools then stores it under a random name (``set_step_files``
    ignores the name it passes to :func:`wizard_file_storage`).
    A :class:`RejectedUpload` in the files mapping becomes the matching French error.
    """

    widget = CitizenFileInput
    default_error_messages = {"empty": MESSAGES["empty"]}

    def clean(self, data, initial=None):
        if isinstance(data, RejectedUpload):
            params = {"size": format_size(get_setting("MAX_UPLOAD_SIZE"))}
            raise ValidationError(MESSAGES[data.reason], code=data.reason, params=params)
        value = super().clean(data, initial)
        if value is not None and value is data and getattr(value, "detected_type", None) is None:
            # Files reopened from the wizard's storage were validated before being stored.
            detected = validate_upload(value)
            value.content_type = detected.content_type
            value.name = value.safe_name = sanitize_display_name(value.name)
            value.detected_type = detected
        return value


# --- Storage ------------------------------------------------------------------------------


@deconstructible(path="wagtail_passfamille.citizen.uploads.RandomNameStorage")
class RandomNameStorage(Storage):
    """Saves every file as ``<prefix><32 random hex><extension of the detected type>``.

    The name passed to ``save()`` is ignored: a citizen's name never reaches the disk, so path
    traversal, NUL bytes or 300-character names cannot either. Files go to ``storage`` (the
    private storage by default, resolved at each call so settings overrides apply). It has no
    public URL: files are served by a permission-checked view.
    """

    def __init__(self, prefix: str, storage: Storage | None = None):
        self.prefix = prefix.strip("/") + "/"
        self._storage = storage

    @property
    def storage(self) -> Storage:
        return self._storage if self._storage is not None else private_storage()

    def _own(self, name: str) -> str:
        path = PurePosixPath(name)
        if not name.startswith(self.prefix) or ".." in path.parts or "\x00" in name:
            raise SuspiciousFileOperation(f"{self.prefix!r} storage refuses a foreign name.")
        return name

    def save(self, name, content, max_length=None):
        if not hasattr(content, "chunks"):
            content = File(content)
        content.seek(0)
        file_type = sniff(content.read(HEAD_SIZE))
        content.seek(0)
        extension = file_type.extension if file_type else ""
        new_name = f"{self.prefix}{secrets.token_hex(16)}{extension}"
        return self.storage.save(new_name, content, max_length=max_length)

    def _open(self, name, mode="rb"):
        return self.storage.open(self._own(name), mode)

    def delete(self, name):
        self.storage.delete(self._own(name))

    def exists(self, name):
        return self.storage.exists(self._own(name))

    def size(self, name):
        return self.storage.size(self._own(name))

    def listdir(self, path):
        return self.storage.listdir(self._own(path.rstrip("/") + "/"))

    def path(self, name):
        return self.storage.path(self._own(name))

    def get_modified_time(self, name):
        return self.storage.get_modified_time(self._own(name))

    def url(self, name):
        raise NotImplementedError("Citizens' files have no URL: serve them through a view.")


def wizard_file_storage() -> RandomNameStorage:
    """The wizard's ``file_storage``: files of unfinished démarches, under ``wizard/``."""
    return RandomNameStorage(WIZARD_PREFIX)


def submission_file_storage() -> RandomNameStorage:
    """Files of submitted démarches, under ``submissions/``."""
    return RandomNameStorage(SUBMISSION_PREFIX)


def store_submission_file(uploaded) -> dict:
    """Copy a cleaned upload to ``submissions/``; return the ``SubmissionFile`` fields.

    ``storage_name`` is the name in :func:`private_storage` (what deleting it needs).
    """
    detected = getattr(uploaded, "detected_type", None) or validate_upload(uploaded)
    return {
        "storage_name": submission_file_storage().save("", uploaded),
        "original_name": sanitize_display_name(uploaded.name),
        "content_type": detected.content_type,
        "size": uploaded.size,
        "active_content": detected.active_content,
    }
