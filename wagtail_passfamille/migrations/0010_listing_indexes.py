"""Indexes ending with the listing's whole ordering (date, then id) for each way it is filtered.

The listing pages by the ids first (``admin.IdsFirstPaginator``): with the id in the index,
PostgreSQL reads a deep page's ids from an index-only scan instead of visiting every skipped
row. Raw SQL valid on SQLite and PostgreSQL, like ``0004_backoffice``, so that the model state
is unchanged; the two indexes of ``0004`` are replaced by the same ones ending with the id.
"""

from django.db import migrations

TABLE = "wagtail_passfamille_submission"
INDEXES = {
    "passfamille_sub_date_id_idx": "submitted_at, id",
    "passfamille_sub_page_date_id_idx": "page_id, submitted_at, id",
    "passfamille_sub_status_date_idx": "status, submitted_at, id",
    "passfamille_sub_verif_date_idx": "verification, submitted_at, id",
    "passfamille_sub_page_status_id_idx": "page_id, status, submitted_at, id",
    "passfamille_sub_page_verif_id_idx": "page_id, verification, submitted_at, id",
}
REPLACED = {
    "passfamille_sub_page_status_idx": "page_id, status, submitted_at",
    "passfamille_sub_page_verif_idx": "page_id, verification, submitted_at",
}


def create(name, columns):
    return f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} ({columns})"


def drop(name):
    return f"DROP INDEX IF EXISTS {name}"


class Migration(migrations.Migration):
    dependencies = [("wagtail_passfamille", "0009_certified_record_v2")]

    operations = [
        *(
            migrations.RunSQL(sql=create(name, columns), reverse_sql=drop(name))
            for name, columns in INDEXES.items()
        ),
        *(
            migrations.RunSQL(sql=drop(name), reverse_sql=create(name, columns))
            for name, columns in REPLACED.items()
        ),
    ]
