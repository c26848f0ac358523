from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailPassFamilleAppConfig(AppConfig):
    name = "wagtail_passfamille"
    label = "wagtail_passfamille"
    verbose_name = _("Pass Famille")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Importing registers: system checks, signal receivers (notifications, login audit) and
        # the admin hooks of the habilitation views and of the editor's pickers (Wagtail only
        # discovers wagtail_hooks).
        from wagtail_passfamille import checks, signals  # noqa: F401
        from wagtail_passfamille.editor import habilitation_views, pickers  # noqa: F401
