"""On PostgreSQL the audit tables refuse UPDATE and DELETE, whoever sends them."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from wagtail_passfamille.models import AuditRecord, Submission, UpstreamCall, audit_trail

from .conftest import make_user, submit
from .test_retention_and_security import age

pytestmark = pytest.mark.skipif(
    "postgres" not in __import__("os").environ.get("DATABASE_URL", ""),
    reason="a PostgreSQL trigger: CI's PostgreSQL pass runs it",
)


def refused(sql, params=()):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_raw_sql_cannot_change_or_delete_audit_rows(users, submission_a):
    record = audit_trail.record(
        None, AuditRecord.Action.VIEW, submissions=[submission_a], user=users["agent_a"]
    )
    call = UpstreamCall.objects.create(
        source="caf", endpoint="qf", outcome="ok", submission=submission_a
    )
    table, calls = AuditRecord._meta.db_table, UpstreamCall._meta.db_table
    refused(f"UPDATE {table} SET action = 'list' WHERE id = %s", [record.pk])
    refused(f"UPDATE {table} SET submission_ids = '[]'::jsonb WHERE id = %s", [record.pk])
    refused(f"UPDATE {table} SET user_id = %s WHERE id = %s", [users["agent_b"].pk, record.pk])
    refused(f"UPDATE {table} SET user_id = NULL, username = '' WHERE id = %s", [record.pk])
    refused(f"DELETE FROM {table} WHERE id = %s", [record.pk])
    refused(f"UPDATE {calls} SET status_code = 200 WHERE id = %s", [call.pk])
    refused(f"DELETE FROM {calls}")
    record.refresh_from_db()
    assert record.action == "view" and record.references == [submission_a.reference]


def test_deleting_what_rows_point_to_still_works(users, demarche_a):
    """The retention purge, an erasure or a departed agent clear the foreign keys only."""
    leaving = make_user("leaving", page=demarche_a)
    submission = submit(demarche_a)
    record = audit_trail.record(
        None, AuditRecord.Action.VIEW, submissions=[submission], user=leaving
    )
    call = UpstreamCall.objects.create(
        source="caf", endpoint="qf", outcome="ok", submission=submission
    )
    leaving.delete()
    record.refresh_from_db()
    assert record.user_id is None and record.username == "leaving"
    Submission.objects.filter(pk=submission.pk).update(status="acceptee")
    age(submission, 3 * 366)
    call_command("passfamille_purge")
    assert not Submission.objects.filter(pk=submission.pk).exists()
    call.refresh_from_db()
    assert call.submission_id is None and call.outcome == "ok"
    assert AuditRecord.objects.get(action="purge").references == [submission.reference]
