"""Agents read a certified datum's fetch date as the town's day, not UTC's."""

import datetime as dt

from django.test import override_settings
from django.utils import translation

from wagtail_passfamille.backoffice.display import provenance_badge


@override_settings(TIME_ZONE="Europe/Paris", USE_TZ=True)
def test_a_fetch_just_after_midnight_in_paris_is_that_days():
    # 23:30 UTC on 4 December is 00:30 on 5 December in Paris.
    fetched = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC).isoformat()
    with translation.override("fr"):
        badge = provenance_badge("caf", {"fournisseur": "cnaf", "fetched_at": fetched})
    assert badge == "Donnée certifiée — CAF, 05/12/2026"


@override_settings(TIME_ZONE="Europe/Paris", USE_TZ=True)
def test_a_plain_date_is_shown_as_it_is():
    with translation.override("fr"):
        badge = provenance_badge("caf", {"fournisseur": "cnaf", "fetched_at": "2026-12-04"})
    assert badge == "Donnée certifiée — CAF, 04/12/2026"
