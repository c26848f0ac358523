"""Citizens' uploads: body cap, streaming limit, content checks, random names, cleanup."""

import http.client
import io
import os
import re
import select
import struct
import time
import zlib
from urllib.parse import urlsplit

import pytest
import requests
from django import forms
from django.contrib.sessions.backends.cache import SessionStore
from django.core.checks import Warning
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.datastructures import MultiValueDict
from formtools.wizard.storage.session import SessionStorage
from PIL import Image

from tests.upload_urls import PLAIN_PATH, STEP_PATH, UploadForm
from wagtail_passfamille import checks as checks_uploads
from wagtail_passfamille.citizen.uploads import (
    CitizenFileField,
    private_storage,
    sanitize_display_name,
    store_submission_file,
    validate_upload,
    wizard_file_storage,
)
from wagtail_passfamille.security.upload_limits import (
    LimitedUploadHandler,
    UploadLimitMiddleware,
    replace_rejected_files,
    request_body_limit,
)

KIB = 1024
FS = "django.core.files.storage.FileSystemStorage"
RANDOM_PDF_NAME = re.compile(r"wizard/[0-9a-f]{32}\.pdf")


# --- Sample files -------------------------------------------------------------------------


def pdf_bytes(size=None, body=b""):
    """A valid one-page PDF (xref offsets right); ``size`` pads it to exactly that length."""
    padding = 0
    while True:
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + body + b">>",
        ]
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        if padding:
            out += b"%" + b"x" * (padding - 2) + b"\n"
        offsets = []
        for number, obj in enumerate(objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
        xref = len(out)
        out += b"xref\n0 4\n0000000000 65535 f \n"
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
        if size is None or len(out) == size:
            return bytes(out)
        padding = max(padding + size - len(out), 2)


def image_bytes(pil_format, size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, pil_format)
    return buffer.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width, height):
    """A PNG whose header claims ``width`` × ``height`` over a few bytes of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG", (640, 480))
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def bad_zlib(png):
    index = png.index(b"IDAT") + 6
    return png[:index] + bytes([png[index] ^ 0xFF]) + png[index + 1 :]


def bad_crc_after_image_data(png):
    """Decodable pixels, then a damaged chunk: only ``verify()`` reads that far."""
    text = png_chunk(b"tEXt", b"Comment\0scan")
    text = text[:-4] + bytes(4)
    index = png.index(b"IEND") - 4
    return png[:index] + text + png[index:]


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def private_dir(settings, tmp_path):
    settings.WAGTAIL_PASSFAMILLE_FILE_STORAGE = {"BACKEND": FS, "OPTIONS": {"location": tmp_path}}
    return tmp_path


def tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- Real HTTP: the body never lands on disk ----------------------------------------------


@pytest.mark.urls("tests.upload_urls")
def test_a_body_over_the_cap_gets_413_before_the_server_reads_it(live_server, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    declared = 2 * 1024**3
    assert declared > request_body_limit()
    # With a CSRF cookie, CsrfViewMiddleware would parse the body (to find the token in it)
    # if nothing stopped the request first.
    token = requests.get(live_server.url + STEP_PATH, timeout=10).json()["csrftoken"]
    boundary = "passfamille-test"

    def body():  # a 2 GB multipart body, produced only as far as it is pulled
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="etape-1-justificatif"; '
            f'filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        while True:
            yield b"\0" * (64 * KIB)

    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.putrequest("POST", STEP_PATH)
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(declared))
        connection.putheader("Cookie", f"csrftoken={token}")
        connection.endheaders()
        started = time.monotonic()
        sent = 0
        chunks = body()
        # Stream until the server answers, 8 MiB at most: a server that reads the body waits
        # for the rest, and never answers.
        while time.monotonic() - started < 5:
            sock = connection.sock
            writable = [sock] if sent < 8 * 1024 * KIB else []
            readable, writable, _ = select.select([sock], writable, [], 0.5)
            if readable:
                break
            if writable:
                chunk = next(chunks)
                sock.sendall(chunk)
                sent += len(chunk)
        else:
            pytest.fail(f"no answer after {sent} bytes; temporary files: {os.listdir(tmp_path)}")
        response = connection.getresponse()
        elapsed = time.monotonic() - started
        page = response.read().decode()
    finally:
        connection.close()

    assert response.status == 413
    assert elapsed < 5
    assert sent < declared / 100
    assert response.getheader("Cache-Control") == "private, no-store"
    assert "Envoi trop volumineux" in page
    assert "10 Mo au plus" in " ".join(page.split())
    assert f'href="{STEP_PATH}"' in page
    assert os.listdir(tmp_path) == []


@pytest.fixture
def small_limit(settings, tmp_path):
    settings.WAGTAIL_PASSFAMILLE_MAX_UPLOAD_SIZE = 64 * KIB
    # Every file of these requests goes through a temporary file, as a large one would.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = KIB
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def post_over_http(live_server, pdf):
    session = requests.Session()
    token = session.get(live_server.url + STEP_PATH, timeout=10).json()["csrftoken"]
    # Fields before and after the file: nothing the citizen typed may be lost.
    parts = [
        ("csrfmiddlewaretoken", (None, token)),
        ("etape-1-nom", (None, "Dupont")),
        ("etape-1-justificatif", ("attestation.pdf", pdf, "application/pdf")),
        ("etape-1-commentaire", (None, "après le fichier")),
    ]
    response = session.post(live_server.url + STEP_PATH, files=parts, timeout=10)
    assert response.status_code == 200, response.text[:500]
    return response.json()


@pytest.mark.urls("tests.upload_urls")
def test_a_file_just_over_the_limit_is_dropped_while_streaming(live_server, small_limit):
    result = post_over_http(live_server, pdf_bytes(64 * KIB + 1))

    assert result["errors"] == {"justificatif": ["Le fichier dépasse la taille maximale de 64 Ko."]}
    assert result["post"] == {"etape-1-nom": "Dupont", "etape-1-commentaire": "après le fichier"}
    assert result["oversized"] == ["etape-1-justificatif"]
    # The partial temporary file was gone before the view ran, not only after the response.
    assert result["temp_files"] == 0
    assert os.listdir(small_limit) == []


@pytest.mark.urls("tests.upload_urls")
def test_a_file_at_the_limit_arrives_through_a_temporary_file(live_server, small_limit):
    result = post_over_http(live_server, pdf_bytes(64 * KIB))

    assert result["valid"] is True
    assert result["file"] == {
        "name": "attestation.pdf",
        "content_type": "application/pdf",
        "size": 64 * KIB,
    }
    assert result["temp_files"] == 1  # what the test above sees as 0 is really observable
    assert os.listdir(small_limit) == []


# --- The middleware and the handler, in process -------------------------------------------


@pytest.mark.parametrize(
    "method, path, length, status",
    [
        ("POST", STEP_PATH, "limit", 200),
        ("POST", STEP_PATH, "limit+1", 413),
        ("POST", "/demarches/cantine/3F2A9C04B1D84E6F8A7B5C3D2E1F0A9B/etape-1/", "limit+1", 200),
        ("POST", PLAIN_PATH, "limit+1", 200),
        ("PUT", STEP_PATH, "limit+1", 200),
        ("POST", STEP_PATH, "not a number", 200),
    ],
)
def test_the_middleware_refuses_declared_bodies_over_the_cap(method, path, length, status):
    lengths = {"limit": request_body_limit(), "limit+1": request_body_limit() + 1}
    request = RequestFactory().generic(
        method,
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(lengths.get(length, length)),
    )
    middleware = UploadLimitMiddleware(lambda request: HttpResponse("vue"))

    response = middleware(request)

    assert response.status_code == status
    if status == 200 and method == "POST" and path == STEP_PATH:
        assert isinstance(request.upload_handlers[0], LimitedUploadHandler)
    elif status == 200:
        assert not any(isinstance(h, LimitedUploadHandler) for h in request.upload_handlers)


def multipart(parts):
    """Encode ``(name, value)`` parts in this order; a bytes value with a name is a file."""
    boundary = "passfamille-boundary"
    body = bytearray()
    for name, value in parts:
        if isinstance(value, tuple):
            file_name, content = value
            head = f'name="{name}"; filename="{file_name}"\r\nContent-Type: application/pdf'
        else:
            head, content = f'name="{name}"', value.encode()
        body += f"--{boundary}\r\nContent-Disposition: form-data; {head}\r\n\r\n".encode()
        body += content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return bytes(body), f"multipart/form-data; boundary={boundary}"


class SpyTemporaryFileHandler(TemporaryFileUploadHandler):
    """The handler after ours: what it was given, and the files it opened."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.opened = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.opened.append(self.file)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


def parse(parts):
    body, content_type = multipart(parts)
    request = RequestFactory().generic("POST", STEP_PATH, body, content_type=content_type)
    spy = SpyTemporaryFileHandler(request)
    request.upload_handlers = [LimitedUploadHandler(request), spy]
    request.POST  # noqa: B018
    return request, spy


def test_the_handler_stops_writing_an_oversized_file_and_deletes_it(small_limit):
    request, spy = parse(
        [
            ("etape-1-nom", "Dupont"),
            ("etape-1-justificatif", ("scan.pdf", pdf_bytes(4 * 64 * KIB))),
            ("etape-1-commentaire", "après le fichier"),
        ]
    )

    assert spy.received <= 64 * KIB
    assert [f.closed for f in spy.opened] == [True]
    assert os.listdir(small_limit) == []
    assert request.POST.dict() == {
        "etape-1-nom": "Dupont",
        "etape-1-commentaire": "après le fichier",
    }
    assert "etape-1-justificatif" not in request.FILES
    assert request.passfamille_oversized_files == {"etape-1-justificatif"}


def test_a_second_file_in_a_field_leaves_the_other_fields_files_alone(small_limit):
    request, _spy = parse(
        [
            ("etape-1-justificatif", ("a.pdf", PDF)),
            ("etape-1-photo", ("b.pdf", PDF)),
            ("etape-1-justificatif", ("c.pdf", PDF)),
        ]
    )
    first = request.FILES["etape-1-justificatif"]

    assert request.passfamille_multiple_files == {"etape-1-justificatif"}
    assert request.FILES.getlist("etape-1-justificatif") == [first]
    # Django closes every handler's current file on SkipFile: refusing the third part before
    # the spy opened its own file would have closed (and deleted) the photo.
    assert request.FILES["etape-1-photo"].read() == PDF
    assert len(os.listdir(small_limit)) == 2

    replace_rejected_files(request)
    assert request.FILES["etape-1-justificatif"].reason == "multiple_files"
    assert first.closed


def test_the_body_cap_follows_the_settings(settings):
    settings.WAGTAIL_PASSFAMILLE_MAX_UPLOAD_SIZE = 1_000_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    assert request_body_limit() == 5 * 1_000_000 + 100_000 + 64 * KIB
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    assert request_body_limit() == 5 * 1_000_000 + 2_621_440 + 64 * KIB


@pytest.mark.urls("tests.upload_urls")
def test_two_files_in_one_field_keep_neither(client):
    response = client.post(
        STEP_PATH,
        {
            "etape-1-nom": "Dupont",
            "etape-1-justificatif": [upload("a.pdf", PDF), upload("b.pdf", PDF)],
        },
    )

    result = response.json()
    assert result["errors"] == {"justificatif": ["Envoyez un seul fichier dans ce champ."]}
    assert result["multiple"] == ["etape-1-justificatif"]
    assert result["limited"] is True


def test_the_field_refuses_two_files_even_without_the_middleware():
    files = MultiValueDict({"etape-1-justificatif": [upload("a.pdf", PDF), upload("b.pdf", PDF)]})
    form = UploadForm({"etape-1-nom": "Dupont"}, files, prefix="etape-1")

    assert form.errors == {"justificatif": ["Envoyez un seul fichier dans ce champ."]}


@pytest.mark.urls("tests.upload_urls")
def test_more_than_100_file_parts_is_a_400_not_a_500(client):
    files = {f"etape-1-f{index}": upload(f"{index}.pdf", PDF) for index in range(101)}

    assert client.post(STEP_PATH, files).status_code == 400


# --- What the bytes are -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, claimed, expected",
    [
        ("attestation.pdf", PDF, "application/pdf", ("application/pdf", ".pdf")),
        ("photo.png", PNG, "image/png", ("image/png", ".png")),
        ("photo.jpg", JPEG, "image/jpeg", ("image/jpeg", ".jpg")),
        ("avis.pdf", PNG, "application/pdf", ("image/png", ".png")),
        ("scan.png", PDF, "image/png", ("application/pdf", ".pdf")),
        ("logo.png", SVG, "image/png", "unsupported_type"),
        ("facture.pdf", HTML, "application/pdf", "unsupported_type"),
        ("data.pdf", b'<?xml version="1.0"?><a/>', "application/pdf", "unsupported_type"),
        ("run.jpg", b"#!/bin/sh\nrm -rf /\n", "image/jpeg", "unsupported_type"),
        ("notes.pdf", "Attestation CAF : été 2026\n".encode(), "text/plain", "unsupported_type"),
        ("anim.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/png", "unsupported_type"),
        ("vide.pdf", b"", "application/pdf", "empty"),
        ("coupe.png", PNG[: len(PNG) // 2], "image/png", "corrupt"),
        ("coupe.jpg", JPEG[: len(JPEG) // 2], "image/jpeg", "corrupt"),
        ("zlib.png", bad_zlib(PNG), "image/png", "corrupt"),
        ("crc.png", bad_crc_after_image_data(PNG), "image/png", "corrupt"),
        ("bombe.png", png_claiming(100_000, 100_000), "image/png", "too_many_pixels"),
        ("grande.png", png_claiming(8_000, 7_000), "image/png", "too_many_pixels"),
    ],
)
def test_the_content_decides_the_type(name, content, claimed, expected):
    uploaded = upload(name, content, claimed)
    if isinstance(expected, tuple):
        detected = validate_upload(uploaded)
        assert (detected.content_type, detected.extension) == expected
        assert uploaded.tell() == 0
    else:
        with pytest.raises(ValidationError) as caught:
            validate_upload(uploaded)
        assert caught.value.code == expected


def test_refusals_say_what_is_accepted_in_french(settings):
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload("logo.png", SVG))
    assert caught.value.messages == [
        "Ce type de fichier n'est pas accepté. Formats acceptés : PDF, JPEG, PNG."
    ]
    settings.WAGTAIL_PASSFAMILLE_ALLOWED_UPLOAD_TYPES = ["application/pdf"]
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload("photo.png", PNG))
    assert caught.value.messages == [
        "Ce type de fichier n'est pas accepté. Formats acceptés : PDF."
    ]
    assert 'accept=".pdf"' in str(UploadForm(prefix="etape-1")["justificatif"])
    settings.WAGTAIL_PASSFAMILLE_MAX_UPLOAD_SIZE = KIB
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload("a.pdf", pdf_bytes(KIB + 1)))
    assert caught.value.messages == ["Le fichier dépasse la taille maximale de 1 Ko."]


def test_the_widget_accepts_the_allowed_extensions():
    html = str(UploadForm(prefix="etape-1")["justificatif"])
    assert 'accept=".pdf,.jpg,.jpeg,.png"' in html


@pytest.mark.parametrize(
    "body, active",
    [
        (b"", False),
        (b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ", True),
        (b"/AA << /O << /S /J#61vaScript /J#53 (x) >> >> ", True),
        (b"/OpenAction << /S /Launch /F (cmd.exe) >> ", True),
        (b"/JSONData (x) /JavaScriptish 1 ", False),
    ],
)
def test_pdf_actions_are_flagged(body, active):
    assert validate_upload(upload("a.pdf", pdf_bytes(body=body))).active_content is active


def test_pdf_actions_are_found_across_read_chunks():
    # chunks() reads 64 KiB at a time; put the name across the first boundary.
    prefix = pdf_bytes()[:-6]  # before %%EOF\n
    filler = b"%" + b"x" * (64 * KIB - len(prefix) - 6) + b"\n"
    content = prefix + filler + b"/JavaScript (x)\n%%EOF\n"
    assert content.index(b"/JavaScript") < 64 * KIB < content.index(b"/JavaScript") + 11
    # A SimpleUploadedFile yields itself whole; files on disk come in chunks.
    chunked = UploadedFile(io.BytesIO(content), "a.pdf", "application/pdf", len(content))
    assert validate_upload(chunked).active_content is True


# --- Names --------------------------------------------------------------------------------

EVIL_NAMES = [
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "facture\x00.pdf",
    "\u202egnp.exe",
    "a" * 300 + ".pdf",
    "..",
    "/absolute/path.pdf",
]


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_stored_names_are_random_whatever_the_citizen_named_the_file(private_dir, name):
    stored = wizard_file_storage().save(name, ContentFile(PDF))

    assert RANDOM_PDF_NAME.fullmatch(stored)
    assert tree(private_dir) == [stored]


def test_stored_names_differ_and_unknown_content_gets_no_extension(private_dir):
    first = wizard_file_storage().save("a.pdf", ContentFile(PDF))
    second = wizard_file_storage().save("a.pdf", ContentFile(b"texte"))

    assert first != second
    assert re.fullmatch(r"wizard/[0-9a-f]{32}", second)


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Léa\\avis d'imposition.pdf", "avis d'imposition.pdf"),
        ("facture\x00.pdf", "facture.pdf"),
        ("\u202egnp.exe", "gnp.exe"),
        ("zero\u200bwidth\ttab.pdf", "zerowidth tab.pdf"),
        ("..", "fichier"),
        ("  .cache.pdf ", "cache.pdf"),
        ("e\u0301te\u0301.png", "été.png"),
    ],
)
def test_display_names_are_sanitised(name, shown):
    assert sanitize_display_name(name) == shown


def test_long_display_names_keep_their_extension():
    shown = sanitize_display_name("a" * 300 + ".pdf")
    assert len(shown) == 100
    assert shown.endswith("a.pdf")


def test_the_storage_refuses_names_outside_its_prefix_and_has_no_url(private_dir):
    storage = wizard_file_storage()
    for name in ("submissions/x.pdf", "wizard/../submissions/x.pdf"):
        with pytest.raises(Exception, match="foreign name"):
            storage.open(name)
    with pytest.raises(NotImplementedError):
        storage.url(storage.save("x", ContentFile(PDF)))


def test_a_file_stored_by_formtools_validates_again_when_reopened(private_dir):
    request = RequestFactory().post(STEP_PATH)
    request.session = SessionStore()
    wizard = SessionStorage("demarche", request, file_storage=wizard_file_storage())
    files = {
        "etape-1-justificatif": upload("..\u202eavis.png", PDF, "image/png"),
        "etape-1-photo": upload("photo.jpg", JPEG, "image/jpeg"),
    }

    class Form(UploadForm):
        photo = CitizenFileField()

    form = Form({"etape-1-nom": "Dupont"}, files, prefix="etape-1")
    assert form.is_valid(), form.errors
    wizard.set_step_files("etape-1", form.files)

    saved = wizard.data["step_files"]["etape-1"]["etape-1-justificatif"]
    assert RANDOM_PDF_NAME.fullmatch(saved["tmp_name"])
    assert (saved["name"], saved["content_type"]) == ("avis.png", "application/pdf")

    again = Form({"etape-1-nom": "Dupont"}, wizard.get_step_files("etape-1"), prefix="etape-1")
    assert again.is_valid(), again.errors
    reopened = again.cleaned_data["justificatif"]
    assert reopened.detected_type.content_type == "application/pdf"
    assert again.cleaned_data["photo"].detected_type.content_type == "image/jpeg"

    stored = store_submission_file(reopened)
    assert re.fullmatch(r"submissions/[0-9a-f]{32}\.pdf", stored["storage_name"])
    assert stored["original_name"] == "avis.png"
    assert stored["size"] == len(PDF)
    assert private_storage().open(stored["storage_name"]).read() == PDF

    wizard.reset()
    wizard.update_response(HttpResponse())  # formtools deletes the files after the response
    assert tree(private_dir) == [stored["storage_name"]]


def test_a_required_field_without_a_file_says_so():
    form = UploadForm({"etape-1-nom": "Dupont"}, {}, prefix="etape-1")
    assert form.errors["justificatif"] == [forms.Field.default_error_messages["required"]]


# --- Cleanup ------------------------------------------------------------------------------


@pytest.fixture
def aged_files(private_dir):
    hours_ago = time.time() - 3 * 3600
    files = {
        "wizard/old.pdf": hours_ago,
        "wizard/sub/old.png": hours_ago,
        "wizard/new.pdf": None,
        "submissions/old.pdf": hours_ago,
        "autre/old.pdf": hours_ago,
    }
    for name, mtime in files.items():
        path = private_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(PDF)
        if mtime:
            os.utime(path, (mtime, mtime))
    return private_dir


def test_only_old_files_of_unfinished_wizards_are_deleted(aged_files):
    from wagtail_passfamille.citizen.uploads import delete_stale_wizard_files

    assert delete_stale_wizard_files(2 * 3600) == 2
    assert tree(aged_files) == ["autre/old.pdf", "submissions/old.pdf", "wizard/new.pdf"]


def test_no_wizard_folder_means_nothing_to_delete(private_dir):
    from wagtail_passfamille.citizen.uploads import delete_stale_wizard_files

    assert delete_stale_wizard_files(0) == 0


def test_the_cleanup_command_counts_without_names_and_dry_run_deletes_nothing(aged_files):
    before = tree(aged_files)
    out = io.StringIO()

    call_command("passfamille_cleanup_uploads", "--dry-run", stdout=out)
    assert tree(aged_files) == before
    assert out.getvalue().startswith("2 fichier(s) à supprimer")

    call_command("passfamille_cleanup_uploads", stdout=out)
    assert tree(aged_files) == ["autre/old.pdf", "submissions/old.pdf", "wizard/new.pdf"]
    assert out.getvalue().splitlines()[-1] == "2 fichier(s) supprimé(s)."
    assert "old" not in out.getvalue()


# --- System check -------------------------------------------------------------------------

OURS = "wagtail_passfamille.security.upload_limits.UploadLimitMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"


class TownMiddleware(UploadLimitMiddleware):
    """An integrator's subclass counts as the middleware."""


@pytest.mark.parametrize(
    "middleware, warned",
    [
        (["x.Security", OURS, CSRF], False),
        ([f"{__name__}.TownMiddleware", CSRF], False),
        ([OURS], False),
        (["x.Security", CSRF], True),
        ([CSRF, OURS], True),
    ],
)
def test_the_check_wants_the_middleware_before_csrf(settings, middleware, warned):
    settings.MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware" if m == "x.Security" else m
        for m in middleware
    ]
    messages = checks_uploads.check_upload_middleware()
    assert [(type(m), m.id) for m in messages] == (
        [(Warning, "wagtail_passfamille.W002")] if warned else []
    )


def test_the_demo_settings_pass_the_upload_check():
    assert checks_uploads.check_upload_middleware() == []
