"""On PostgreSQL, the audit tables refuse UPDATE and DELETE at the database level.

The ORM already refuses (``AppendOnlyModel``); this stops raw SQL, a shell or another client
too. One update stays allowed: a foreign key set to NULL by ``on_delete=SET_NULL`` when the
user, the page or the submission it points to is deleted (retention purge, erasure, a
departed agent), every other column unchanged. No audit row is ever purged by the app.
Other databases keep the ORM's guard only.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION wagtail_passfamille_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    nullable text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'wagtail_passfamille: % rows are append-only, DELETE refused',
            TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    -- The trigger's arguments name the foreign keys that ON DELETE SET NULL may clear.
    FOREACH nullable IN ARRAY TG_ARGV LOOP
        IF new_row -> nullable <> 'null'::jsonb
                AND new_row -> nullable IS DISTINCT FROM old_row -> nullable THEN
            RAISE EXCEPTION 'wagtail_passfamille: % rows are append-only, UPDATE refused',
                TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END IF;
        old_row := old_row - nullable;
        new_row := new_row - nullable;
    END LOOP;
    IF new_row IS DISTINCT FROM old_row THEN
        RAISE EXCEPTION 'wagtail_passfamille: % rows are append-only, UPDATE refused',
            TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
"""

TABLES = {
    "wagtail_passfamille_auditrecord": ("user_id", "page_id"),
    "wagtail_passfamille_upstreamcall": ("page_id", "submission_id"),
}


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, nullable in TABLES.items():
        arguments = ", ".join(f"'{column}'" for column in nullable)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION wagtail_passfamille_append_only({arguments})"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS wagtail_passfamille_append_only()")


class Migration(migrations.Migration):
    dependencies = [("wagtail_passfamille", "0007_field_autocomplete")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
