"""What the wizard knows of FranceConnect: the templates' context, what may be disclosed, and
the identified citizen's own data to show."""

from __future__ import annotations

from wagtail_passfamille.citizen.certified_forms import FRANCE_CONNECT_SOURCES
from wagtail_passfamille.citizen.disclosure import wizard_may_disclose
from wagtail_passfamille.citizen.franceconnect import data as franceconnect_data
from wagtail_passfamille.citizen.franceconnect import display as franceconnect_display
from wagtail_passfamille.citizen.franceconnect import hooks as franceconnect_hooks


class FranceConnectWizardMixin:
    def dispatch(self, request, *args, **kwargs):
        # The sources FranceConnect already fetched: their sections ask for nothing this request.
        sources = franceconnect_data.verified_sources(request, self.page)
        token = FRANCE_CONNECT_SOURCES.set(sources)
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            FRANCE_CONNECT_SOURCES.reset(token)

    @property
    def franceconnect(self):
        """``franceconnect`` of the templates (offered, required, identified, identity)."""
        if not hasattr(self, "_franceconnect"):
            mode = franceconnect_hooks.mode(self.page)
            self._franceconnect = franceconnect_display.context(self.request, self.page, mode)
        return self._franceconnect

    def discloses(self):
        """Whether outcomes may be shown: never derived from an anonymous lookup's answer."""
        return wizard_may_disclose(self)

    def franceconnect_results(self):
        """What the identified citizen is shown of their own data, per source name."""
        if not self.franceconnect["identified"]:
            return {}
        return {
            name: franceconnect_display.shown(name, result)
            for name, result in franceconnect_data.stored(self.request, self.page).items()
        }
