"""Citizens' files are encrypted at rest, streamed, owner-only; downloads are unchanged."""

import io
import os
import stat
import tracemalloc

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from wagtail_passfamille.citizen.uploads import private_storage
from wagtail_passfamille.models import AuditRecord, SubmissionFile
from wagtail_passfamille.security import file_crypto
from wagtail_passfamille.security.file_crypto import MAGIC, CorruptFile

from .conftest import submit
from .test_second_factor import verified_login

SECRET_TEXT = b"Revenu fiscal de reference 28450 EUR - DURAND Camille"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% " + SECRET_TEXT + b"\ntrailer<<>>\n%%EOF\n"


def files_on_disk(root):
    for directory, _dirs, files in os.walk(root):
        for name in files:
            yield os.path.join(directory, name)


def test_no_uploaded_text_on_disk_and_the_download_is_unchanged(
    client, users, demarche_a, private_dir
):
    submission = submit(demarche_a, file=SimpleUploadedFile("avis.pdf", PDF, "application/pdf"))
    stored = SubmissionFile.objects.get(submission=submission)
    paths = list(files_on_disk(private_dir))
    assert paths  # the file is there…
    for path in paths:  # …and `grep` finds nothing of it, whole or in part
        with open(path, "rb") as handle:
            data = handle.read()
        assert data.startswith(MAGIC)
        assert SECRET_TEXT not in data and b"DURAND" not in data and b"%PDF" not in data
    # Owner-only modes, down to the storage root.
    for path in paths:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    for directory, _dirs, _files in os.walk(private_dir):
        assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700, directory

    verified_login(client, users["agent_a"])
    response = client.get(f"/admin/passfamille/fichiers/{stored.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_a_10_mb_file_is_encrypted_and_read_back_in_flat_memory(private_dir):
    size = 10 * 1024 * 1024
    content = os.urandom(size)
    storage = private_storage()
    upload = SimpleUploadedFile("gros.pdf", b"%PDF-" + content[5:], "application/pdf")
    tracemalloc.start()
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    name = storage.save("submissions/gros.pdf", upload)
    _current, peak_write = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    total = 0
    with storage.open(name) as handle:
        for chunk in handle.chunks():
            total += len(chunk)
    _current, peak_read = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total == size
    # A few 64 KiB chunks, not the 10 MB file (the upload itself is already in memory).
    assert peak_write - baseline < 1024 * 1024, peak_write - baseline
    assert peak_read - baseline < 1024 * 1024, peak_read - baseline


def test_tampered_files_are_refused(private_dir):
    storage = private_storage()
    name = storage.save("submissions/x.pdf", ContentFile(b"%PDF-" + b"a" * 200_000))
    path = storage.path(name)
    with open(path, "rb") as handle:
        raw = handle.read()
    body = io.BytesIO(raw[len(MAGIC) :])
    records = []
    for token in file_crypto.raw_tokens(body):
        records.append(file_crypto._LENGTH.pack(len(token)) + token)
    assert len(records) == 4
    variants = {
        "reordered": MAGIC + records[1] + records[0] + b"".join(records[2:]),
        "last record dropped": MAGIC + b"".join(records[:-1]),
        "cut": raw[:-10],
    }
    for label, data in variants.items():
        with open(path, "wb") as handle:
            handle.write(data)
        with pytest.raises(CorruptFile):
            with storage.open(name) as handle:
                handle.read()
        assert label


def test_plain_files_stay_readable_then_rotation_encrypts_and_rekeys_them(
    private_dir, settings, capsys, db
):
    storage = private_storage()
    os.makedirs(private_dir / "submissions", mode=0o755, exist_ok=True)
    legacy = private_dir / "submissions" / "ancien.pdf"
    legacy.write_bytes(PDF)
    os.chmod(legacy, 0o644)
    with storage.open("submissions/ancien.pdf") as handle:
        assert handle.read() == PDF  # written before encryption: read as it is
    new_one = storage.save("submissions/nouveau.pdf", ContentFile(PDF))

    old_key = settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("passfamille_rotate_keys")
    out = capsys.readouterr().out
    assert "Pièces jointes : 1 rechiffrée(s), 1 chiffrée(s)" in out
    call_command("passfamille_rotate_keys")
    assert "Pièces jointes : 0 rechiffrée(s), 0 chiffrée(s) (en clair jusqu'ici), 2 déjà" in (
        capsys.readouterr().out
    )
    settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    for name in ("submissions/ancien.pdf", new_one):
        with storage.open(name) as handle:
            assert handle.read() == PDF
        with open(storage.path(name), "rb") as handle:
            assert SECRET_TEXT not in handle.read()
        assert stat.S_IMODE(os.stat(storage.path(name)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(private_dir / "submissions").st_mode) == 0o700


JS_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj\n"
    b"2 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_a_pdf_with_javascript_is_flagged_stored_and_the_agent_warned(
    client, users, demarche_a, private_dir
):
    plain = submit(demarche_a, file=SimpleUploadedFile("ok.pdf", PDF, "application/pdf"))
    risky = submit(
        demarche_a, nom="Piège", file=SimpleUploadedFile("avis.pdf", JS_PDF, "application/pdf")
    )
    assert not SubmissionFile.objects.get(submission=plain).active_content
    stored = SubmissionFile.objects.get(submission=risky)
    assert stored.active_content  # the upload check's flag, kept through the wizard's storage

    verified_login(client, users["agent_a"])
    detail = client.get(f"/admin/passfamille/demandes/inspect/{risky.pk}/").content.decode()
    assert "contient du JavaScript" in detail
    url = f"/admin/passfamille/fichiers/{stored.pk}/"
    assert f'href="{url}" download' not in detail  # the link leads to the warning first
    downloads = AuditRecord.objects.filter(action="download")
    warning = client.get(url)
    assert warning.status_code == 200 and "Télécharger quand même" in warning.content.decode()
    assert not downloads.exists()  # nothing downloaded yet
    response = client.get(url + "?confirme=1")
    assert b"".join(response.streaming_content) == JS_PDF
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert downloads.count() == 1
    # An ordinary file downloads at once.
    ordinary = SubmissionFile.objects.get(submission=plain)
    assert client.get(f"/admin/passfamille/fichiers/{ordinary.pk}/").status_code == 200
    assert (
        "contient du JavaScript"
        not in client.get(f"/admin/passfamille/demandes/inspect/{plain.pk}/").content.decode()
    )
