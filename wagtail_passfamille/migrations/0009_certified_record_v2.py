"""Certified data of submissions in the versioned form of ``models.certified_record`` (v2).

0.1 stored ``{source: {...}}``; v2 stores ``{"version": 2, "sources": {source: {...}}}`` and
keeps a retained numéro fiscal under ``kept_identifiers``. ``CertifiedRecord.from_dict`` still
reads the old form, so the migration can run while the site serves requests.
"""

from django.db import migrations


def to_v2(data):
    if not data or "version" in data:
        return None
    sources = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            continue
        entry = dict(entry)
        numero = entry.pop("numero_fiscal", None)
        if numero:
            entry["kept_identifiers"] = {"numero_fiscal": numero}
        sources[name] = entry
    return {"version": 2, "sources": sources} if sources else {}


def forwards(apps, schema_editor):
    Submission = apps.get_model("wagtail_passfamille", "Submission")
    for submission in Submission.objects.only("pk", "certified").iterator(chunk_size=500):
        converted = to_v2(submission.certified)
        if converted is not None:
            Submission.objects.filter(pk=submission.pk).update(certified=converted)


class Migration(migrations.Migration):
    dependencies = [("wagtail_passfamille", "0008_audit_append_only_trigger")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
