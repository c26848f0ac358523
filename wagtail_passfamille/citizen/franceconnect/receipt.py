"""FranceConnect on the receipt of an anonymous citizen: « S'identifier avec FranceConnect pour
voir votre tarif maintenant ».

The receipt of a citizen who typed an identity withholds every outcome derived from certified
data (``citizen.disclosure``). It offers FranceConnect instead; once identified (the callback
fetched their own file), the receipt shows the outcome computed from the submission's answers
and *their* certified data, said to come from FranceConnect, while the service still decides on
the submission itself (its stored outcome stays withheld). Served through the page's
``passfamille_receipt`` hook: models never import ``citizen``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wagtail_passfamille.citizen.certified import certified_from_store, with_children_matching
from wagtail_passfamille.citizen.certified_forms import FETCH
from wagtail_passfamille.citizen.franceconnect import data, display, hooks
from wagtail_passfamille.models import outcomes


def own_outcome_lines(request: HttpRequest, page, answers: dict) -> list[str]:
    """The outcome of ``answers`` with the identified citizen's own certified data."""
    store = {
        name: {"choice": FETCH, "memo": data.MEMO, "identifiers": {}, "result": result}
        for name, result in data.stored(request, page).items()
        if result.get("kind") == "verified"
    }
    if not store:
        return []
    record, _pending = certified_from_store(store, page)
    record = with_children_matching(record, page, answers)
    outcome = outcomes.compute(page, answers, record)
    return outcome.summary_lines() if outcome is not None else []


def context(page, request: HttpRequest, submission, disclose: bool) -> dict[str, Any]:
    """What the receipt adds: ``franceconnect`` (offered, identified…) and, for a citizen
    identified after an anonymous submission, ``franceconnect_outcome_lines``."""
    franceconnect = display.context(request, page, hooks.mode(page))
    extra: dict[str, Any] = {"franceconnect": franceconnect}
    if not disclose and franceconnect["identified"]:
        extra["franceconnect_outcome_lines"] = own_outcome_lines(
            request, page, dict(submission.answers or {})
        )
    return extra
