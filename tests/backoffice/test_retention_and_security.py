"""Purge, key rotation, the detail page, the idle timeout and the second factor."""

import datetime as dt
import os
import time

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.certified.helpers import certified_record_of
from wagtail_passfamille.backoffice.retention import months_before
from wagtail_passfamille.models import AuditRecord, StatusChange, Submission, SubmissionFile
from wagtail_passfamille.security.admin_session import SESSION_KEY

from .conftest import submit
from .test_permissions import ADMIN, MINIMAL_PDF


def age(submission, days):
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=days)
    )


def test_months_before_clamps_to_the_end_of_month():
    moment = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)
    assert months_before(moment, 1) == dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)
    assert months_before(moment, 12) == dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC)


def test_purge_removes_the_right_rows_and_files_and_only_those(
    demarche_a, demarche_b, private_dir, capsys
):
    def pdf():
        return SimpleUploadedFile("piece.pdf", MINIMAL_PDF, "application/pdf")

    old_done = submit(demarche_a, nom="Ancien", file=pdf())  # 12 months: expired
    old_open = submit(demarche_a, nom="Encours")  # expired but still open: kept
    recent = submit(demarche_a, nom="Recent", file=pdf())
    other = submit(demarche_b, nom="Autre", file=pdf())  # 24 months of retention
    for submission, days in ((old_done, 400), (old_open, 400), (other, 400)):
        age(submission, days)
    Submission.objects.filter(pk__in=[old_done.pk, other.pk]).update(status="acceptee")
    StatusChange.objects.create(submission=old_done, from_status="recue", to_status="acceptee")
    demarche_b.retention_months = 24
    demarche_b.save_revision().publish()
    old_file = old_done.files.get().storage_name
    orphan = private_dir / "submissions" / "0123456789abcdef0123456789abcdef.pdf"
    orphan.write_bytes(MINIMAL_PDF)
    os.utime(orphan, (time.time() - 3 * 86400,) * 2)
    fresh_orphan = private_dir / "submissions" / "fedcba9876543210fedcba9876543210.pdf"
    fresh_orphan.write_bytes(MINIMAL_PDF)  # a submission being saved right now

    call_command("passfamille_purge", "--dry-run")
    out = capsys.readouterr().out
    assert "Simulation" in out and "1 demande(s) expirée(s)" in out
    assert Submission.objects.count() == 4 and orphan.exists()

    call_command("passfamille_purge")
    out = capsys.readouterr().out
    assert set(Submission.objects.values_list("pk", flat=True)) == {
        old_open.pk,
        recent.pk,
        other.pk,
    }
    assert not StatusChange.objects.filter(submission_id=old_done.pk).exists()
    assert not (private_dir / old_file).exists()
    assert not orphan.exists() and fresh_orphan.exists()
    for kept in (recent, other):
        assert (private_dir / kept.files.get().storage_name).exists()
    assert "Ancien" not in out and old_done.reference not in out
    record = AuditRecord.objects.get(action="purge")
    assert record.references == [old_done.reference]
    assert record.detail["kept_open"] == 1 and record.detail["orphan_files"] == 1


def test_purge_drops_certified_values_of_decided_submissions(demarche_a, sandbox):
    decided, pending = submit(demarche_a), submit(demarche_a)
    record = certified_record_of("martin")
    for submission in (decided, pending):
        submission.certified_record = record
        submission.save()
    certified = Submission.objects.get(pk=decided.pk).certified
    assert certified["sources"]["caf"]["fields"]["quotient_familial"]["valeur"] == 200
    Submission.objects.filter(pk=decided.pk).update(status="refusee")
    call_command("passfamille_purge", verbosity=0)
    assert Submission.objects.get(pk=decided.pk).certified == certified  # option off
    demarche_a.drop_certified_after_decision = True
    demarche_a.save_revision().publish()
    call_command("passfamille_purge", verbosity=0)
    assert Submission.objects.get(pk=decided.pk).certified == {}
    assert Submission.objects.get(pk=pending.pk).certified == certified


def test_key_rotation_reencrypts_every_column_once(demarche_a, settings, capsys):
    old_key = settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS[0]
    pdf = SimpleUploadedFile("piece.pdf", MINIMAL_PDF, "application/pdf")
    submission = submit(demarche_a, nom="Rotation", file=pdf)
    StatusChange.objects.create(
        submission=submission, from_status="recue", to_status="en_instruction", comment="Vu"
    )
    new_key = Fernet.generate_key().decode()
    settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("passfamille_rotate_keys")
    out = capsys.readouterr().out
    assert "wagtail_passfamille.Submission.answers : 1 rechiffrée(s)" in out
    assert "wagtail_passfamille.StatusChange.comment : 1 rechiffrée(s)" in out
    assert "wagtail_passfamille.SubmissionFile.original_name : 1 rechiffrée(s)" in out
    call_command("passfamille_rotate_keys")
    assert "0 rechiffrée(s), 1 déjà à jour" in capsys.readouterr().out  # idempotent
    settings.WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    stored = Submission.objects.get(pk=submission.pk)
    assert stored.answers["nom_demandeur"] == "Rotation"
    assert stored.contact_email == "famille@example.org"
    assert SubmissionFile.objects.get().original_name == "piece.pdf"
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM wagtail_passfamille_submission")
        (raw,) = cursor.fetchone()
    Fernet(new_key.encode()).decrypt(raw.encode())


def test_detail_shows_answers_certified_data_and_outcome(client, users, submission_a, sandbox):
    submission_a.certified_record = certified_record_of("lefebvre", ticked=("quotient_familial",))
    submission_a.outcome = {
        "version": 1,
        "reference_date": "2026-09-01",
        "decision": "eligible",
        "gates": [],
        "tariffs": [
            {
                "grid": {
                    "name": "repas",
                    "variable": "caf.quotient_familial",
                    "title": "Tarif",
                    "unit": "par repas",
                    "kind": "price",
                    "mode": "brackets",
                    "brackets": [
                        {"label": "A", "minimum": None, "maximum": "700", "amount": "1.50"},
                        {"label": "B", "minimum": "700", "maximum": None, "amount": "2.35"},
                    ],
                    "effort": None,
                    "default_bracket": None,
                    "default_amount": None,
                    "child_reductions": None,
                    "valid_from": None,
                    "valid_until": None,
                },
                "variable": "caf.quotient_familial",
                "provenance": "caf:verifie",
                "bracket": "B",
                "amount": "2.35",
                "default_applied": False,
                "default_reason": None,
                "children": [],
            }
        ],
    }
    submission_a.save()
    client.force_login(users["agent_a"])
    html = client.get(f"{ADMIN}/demandes/inspect/{submission_a.pk}/").content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Donnée certifiée — CAF, {today}" in html
    assert "Quotient familial" in html and "2550" in html
    assert "Tarif" in html and "appliquée" in html and "2.35" in html
    assert "Responsable légal" in html and "Enfants à inscrire" in html
    assert "14 mai 2018" in html


def test_listing_filters_and_search_by_name(client, users, demarche_a):
    first = submit(demarche_a, nom="Lefèvre-Dupont")
    second = submit(demarche_a, nom="Martin")
    Submission.objects.filter(pk=second.pk).update(status="acceptee", verification="verifie")
    client.force_login(users["agent_a"])
    for query, expected in (
        ("q=LEFEVRE DUPONT", {first}),
        ("q=lefèvre-dupont", {first}),
        ("q=Lef", set()),  # exact names only: no partial leak through the blind index
        (f"q={second.reference[-6:]}", {second}),
        ("status=acceptee", {second}),
        ("verification=verifie", {second}),
        ("verification=-", {first}),
        (f"date_from={timezone.localdate().isoformat()}", {first, second}),
        ("date_to=2000-01-01", set()),
        ("date_from=nonsense", set()),
    ):
        html = client.get(f"{ADMIN}/demandes/?{query}", follow=True).content.decode()
        shown = {s for s in (first, second) if s.reference in html}
        assert shown == expected, query


def test_idle_admin_sessions_end(client, users, settings):
    settings.WAGTAIL_PASSFAMILLE_ADMIN_SESSION_IDLE_TIMEOUT = 60
    client.force_login(users["agent_a"])
    assert client.get(f"{ADMIN}/demandes/").status_code == 200
    session = client.session
    session[SESSION_KEY] = int(time.time()) - 61
    session.save()
    response = client.get(f"{ADMIN}/demandes/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_editing_session_pings_are_not_activity(client, users, settings):
    settings.WAGTAIL_PASSFAMILLE_ADMIN_SESSION_IDLE_TIMEOUT = 600
    client.force_login(users["editor"])
    client.get("/admin/")
    session = client.session
    session[SESSION_KEY] = stamp = int(time.time()) - 300
    session.save()
    client.post("/admin/editing-sessions/ping/wagtailcore/page/1/0/")
    assert client.session[SESSION_KEY] == stamp
    client.get("/admin/")
    assert client.session[SESSION_KEY] > stamp


@pytest.fixture
def two_factor(settings):
    settings.WAGTAIL_PASSFAMILLE_ADMIN_2FA_REQUIRED = True


def test_second_factor_is_required_for_the_admin(client, users, two_factor):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(users["agent_a"])
    response = client.get(f"{ADMIN}/demandes/")
    assert (
        response.status_code == 302 and "/admin/passfamille/2fa/configurer/" in response["Location"]
    )
    setup = client.get(response["Location"])
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=users["agent_a"])
    assert client.post(response["Location"], {"token": "000000"}).status_code == 200
    assert AuditRecord.objects.filter(action="login_failed", detail__second_factor=True).exists()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp delays the next try after a wrong code
    done = client.post(response["Location"], {"token": str(totp(device.bin_key)).zfill(6)})
    assert done.status_code == 302 and done["Location"] == f"{ADMIN}/demandes/"
    assert client.get(f"{ADMIN}/demandes/").status_code == 200

    # Next login: a code is asked before anything of the admin.
    client.logout()
    client.force_login(users["agent_a"])
    response = client.get(f"{ADMIN}/demandes/")
    assert "/admin/passfamille/2fa/?next=" in response["Location"]
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    ok = client.post(response["Location"], {"token": str(totp(device.bin_key)).zfill(6)})
    assert ok.status_code == 302
    assert client.get(f"{ADMIN}/demandes/").status_code == 200
    # The public site is not concerned.
    client.logout()
    assert client.get("/").status_code == 200


def test_a_required_second_factor_fails_closed_without_otp_middleware(
    client, users, two_factor, settings
):
    from django.core.exceptions import ImproperlyConfigured

    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "django_otp" not in m]
    client.force_login(users["agent_a"])
    with pytest.raises(ImproperlyConfigured):
        client.get(f"{ADMIN}/demandes/")
