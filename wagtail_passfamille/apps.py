from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailPassFamilleAppConfig(AppConfig):
    name = "wagtail_passfamille"
    label = "wagtail_passfamille"
    verbose_name = _("Pass Famille")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registering the checks is the only side effect of importing this module.
        from . import checks, signals  # noqa: F401
        from . import habilitation_hooks as _habilitation_hooks  # noqa: F401
