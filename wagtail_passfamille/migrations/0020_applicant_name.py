"""The applicant's name kept for the listing (encrypted) and searchable in any word order.

``applicant`` holds ``{"nom", "prenom"}``: the field flagged « Nom du demandeur » and the first
short text marked as a given name (autocomplete ``given-name``) of the démarche's current
definition. ``name_index`` is recomputed (names of several words are now indexed with their
words sorted) and ``full_name_index`` indexes the first name with the name. Existing
submissions are filled from their encrypted answers, 500 at a time.
"""

import json

from django.db import migrations, models

import wagtail_passfamille.security.crypto
from wagtail_passfamille.security.crypto import blind_index


def applicant_fields(steps):
    """(name of the applicant's name field, name of the first given-name field) of a démarche."""
    if isinstance(steps, str):
        steps = json.loads(steps or "[]")
    name = first_name = ""
    for step in steps or []:
        for block in (step.get("value") or {}).get("fields") or []:
            if block.get("type") != "texte_court":
                continue
            value = block.get("value") or {}
            if value.get("is_applicant_name") and not name:
                name = value.get("name") or ""
            elif value.get("autocomplete") == "given-name" and not first_name:
                first_name = value.get("name") or ""
    return name, first_name


def text(value):
    return value.strip() if isinstance(value, str) else ""


def forwards(apps, schema_editor):
    Submission = apps.get_model("wagtail_passfamille", "Submission")
    connection = schema_editor.connection
    table = connection.ops.quote_name("wagtail_passfamille_demarchepage")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT page_ptr_id, steps FROM {table}")  # noqa: S608 (no input)
        fields = {pk: applicant_fields(steps) for pk, steps in cursor.fetchall()}
    for page_id, (name_field, first_name_field) in fields.items():
        if not name_field and not first_name_field:
            continue
        batch = []
        rows = Submission.objects.filter(page_id=page_id).only("pk", "answers")
        for submission in rows.iterator(chunk_size=500):
            answers = submission.answers if isinstance(submission.answers, dict) else {}
            name = text(answers.get(name_field)) if name_field else ""
            first_name = text(answers.get(first_name_field)) if first_name_field else ""
            submission.applicant = (
                {"nom": name, "prenom": first_name} if name or first_name else None
            )
            submission.name_index = blind_index(name) if name else ""
            submission.full_name_index = (
                blind_index(f"{first_name} {name}") if name and first_name else ""
            )
            batch.append(submission)
            if len(batch) == 500:
                Submission.objects.bulk_update(
                    batch, ["applicant", "name_index", "full_name_index"]
                )
                batch = []
        if batch:
            Submission.objects.bulk_update(batch, ["applicant", "name_index", "full_name_index"])


class Migration(migrations.Migration):
    dependencies = [("wagtail_passfamille", "0019_drafts_and_owner")]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="applicant",
            field=wagtail_passfamille.security.crypto.EncryptedJSONField(
                blank=True, editable=False, null=True, verbose_name="demandeur"
            ),
        ),
        migrations.AddField(
            model_name="submission",
            name="full_name_index",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
