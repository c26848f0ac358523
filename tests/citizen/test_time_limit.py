"""Never lost to a time limit (WCAG 2.2.1, RGAA 13.1.4): the limit said on the first step, the
deadline on every step, and « Prolonger le délai » that starts it anew (no JavaScript needed)."""

import re
import time
from unittest import mock

from tests.demarches.helpers import ENFANT_LEA, RESPONSABLE, Citizen, enfants

HOUR = 3600


def test_the_limit_is_said_on_the_first_step_and_the_deadline_on_every_step(cantine):
    citizen = Citizen(cantine)
    html = citizen.start().content.decode()
    assert "vos réponses sont effacées après 120 minutes sans activité" in html
    assert re.search(r"Sans activité, vos réponses seront effacées à \d\d:\d\d\.", html)
    assert 'name="passfamille_extend"' in html
    citizen.post("etape-1", RESPONSABLE)
    html = citizen.client.get(citizen.url("etape-2")).content.decode()
    assert "effacées après 120 minutes" not in html  # said once, on the first step
    assert 'name="passfamille_extend"' in html
    expires_in = int(re.search(r'data-pf-expires-in="(\d+)"', html)[1])
    assert 2 * HOUR - 60 <= expires_in <= 2 * HOUR


def test_extending_keeps_what_was_typed_and_starts_the_delay_anew(cantine):
    start = time.time()
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    typed = enfants({**ENFANT_LEA, "prenom": "Zoé"})
    with mock.patch("time.time", return_value=start + 1.9 * HOUR):
        response = citizen.post("etape-2", typed, raw={"passfamille_extend": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "Délai prolongé" in html
    assert 'value="Zoé"' in html and "pf-error-summary" not in html
    # Three hours after the start, 1.1 hour after the extension: still there.
    with mock.patch("time.time", return_value=start + 3 * HOUR):
        page = citizen.client.get(citizen.url("etape-2"))
    assert page.status_code == 200 and 'value="Zoé"' in page.content.decode()


def test_without_extension_the_answers_are_erased_after_the_limit(cantine):
    start = time.time()
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    with mock.patch("time.time", return_value=start + 3 * HOUR):
        page = citizen.client.get(citizen.url("etape-2"))
    assert page.status_code == 302 and page["Location"] == cantine.url
