from django.db import migrations, models


def older_submissions_acknowledged(apps, schema_editor):
    """Rows made before this version sent their acknowledgement (or tried): the sweep must not
    send it again to every past citizen."""
    Submission = apps.get_model("wagtail_passfamille", "Submission")
    Submission.objects.filter(acknowledged_at__isnull=True).update(
        acknowledged_at=models.F("submitted_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_passfamille", "0012_qf_reference_month"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="acknowledged_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="accusé de réception envoyé le",
            ),
        ),
        migrations.RunPython(older_submissions_acknowledged, migrations.RunPython.noop),
    ]
