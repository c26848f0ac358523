"""FranceConnect per démarche: non proposée / proposée / obligatoire, replacing the unused
``requires_france_connect`` boolean (True becomes « obligatoire »)."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    DemarchePage = apps.get_model("wagtail_passfamille", "DemarchePage")
    DemarchePage.objects.filter(requires_france_connect=True).update(france_connect="obligatoire")


def backwards(apps, schema_editor):
    DemarchePage = apps.get_model("wagtail_passfamille", "DemarchePage")
    DemarchePage.objects.filter(france_connect="obligatoire").update(requires_france_connect=True)


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_passfamille", "0015_ticked_choices_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="demarchepage",
            name="france_connect",
            field=models.CharField(
                choices=[
                    ("non_propose", "non proposée"),
                    ("propose", "proposée"),
                    ("obligatoire", "obligatoire"),
                ],
                default="non_propose",
                help_text=(
                    "Proposée : le bouton « S'identifier avec FranceConnect » vient en premier, "
                    "au-dessus du formulaire ; l'usager identifié voit ses données certifiées et "
                    "son résultat. Obligatoire : la démarche n'est accessible qu'après "
                    "identification. Le profil d'accès doit avoir une section FRANCECONNECT."
                ),
                max_length=12,
                verbose_name="connexion FranceConnect",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name="demarchepage",
            name="requires_france_connect",
        ),
    ]
