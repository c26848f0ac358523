"""What an anonymous citizen may be shown of what certified data decide.

API Particulier's terms allow showing fetched data only to a citizen identified through
FranceConnect. A tariff bracket, a reduction rate, a gate's verdict or « no file found » each
reveal a band of someone's income or situation: anyone knowing a neighbour's civil status could
read it. So once an anonymous lookup has answered (a value, or no file), nothing derived from it
is shown before the service decides: the recap and the receipt say the tariff will be computed
from certified data and communicated by the service, and gates do not stop the citizen (the
submission carries their verdict to the agents).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wagtail_passfamille.citizen.certified_forms import FETCH
from wagtail_passfamille.models.demarche_serving import DISCLOSED_KEY

ANSWERED = ("verified", "not_found")


def may_disclose(store: Mapping[str, Any]) -> bool:
    """False once an anonymous lookup answered; FranceConnect's results are the citizen's own."""
    for entry in store.values():
        if entry.get("choice") != FETCH or entry.get("france_connect"):
            continue
        if (entry.get("result") or {}).get("kind") in ANSWERED:
            return False
    return True


def wizard_may_disclose(wizard) -> bool:
    return may_disclose(wizard.storage.extra_data.get("certified", {}))


def remember_receipt(request, key: str, disclose: bool) -> None:
    disclosed = dict(request.session.get(DISCLOSED_KEY) or {})
    disclosed[key] = disclose
    request.session[DISCLOSED_KEY] = disclosed
