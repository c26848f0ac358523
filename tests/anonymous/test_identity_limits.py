"""The per-identity lookup limit counts one person however the identity is typed; the velocity
alarm fires once when a démarche sees many distinct identities."""

import uuid

import pytest

from tests.certified.conftest import cantine, seeded  # noqa: F401
from tests.demarches.helpers import LEFEBVRE as LEFEBVRE_FORM
from wagtail_passfamille import sources
from wagtail_passfamille.security.identity import identity_key, normalise_text, velocity_alarm

# The staging family as the CAF source knows it (its preview family), not a copy of it.
LEFEBVRE = dict(sources.get("caf").preview_family("lefebvre").identifiers)


@pytest.mark.parametrize(
    "variant",
    [
        {"nom_naissance": "Lefebvre"},
        {"nom_naissance": "lefebvre"},
        {"nom_naissance": "  LEFEBVRE "},
        {"nom_naissance": "Lefèbvre"},
        {"prenoms": ["jean philippe", "Gerome", "alexis"]},
        {"prenoms": ["Alexis", "Gérôme", "Jean-Philippe", ""]},
        {"annee": "1982", "mois": "12", "jour": "27"},
        {"nom_usage": ""},
    ],
)
def test_one_person_however_typed(variant):
    assert identity_key("caf", {**LEFEBVRE, **variant}) == identity_key("caf", LEFEBVRE)


@pytest.mark.parametrize(
    "other",
    [
        {"jour": 28},
        {"nom_naissance": "LEFEVRE"},
        {"prenoms": ["ALEXIS"]},
        {"commune": "08481"},
    ],
)
def test_another_person(other):
    assert identity_key("caf", {**LEFEBVRE, **other}) != identity_key("caf", LEFEBVRE)


def test_sources_have_their_own_keys():
    assert identity_key("caf", LEFEBVRE) != identity_key("dgfip", LEFEBVRE)


def test_normalise_text():
    assert normalise_text("« Jean-Philippe  »") == "jean philippe"
    assert normalise_text("D'ARTAGNAN") == "d artagnan"
    assert normalise_text("Œdipe") == "oedipe"


def test_velocity_alarm_fires_once_past_its_threshold(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    fired = [velocity_alarm("page-1", f"identity-{n}", threshold=5, window=600) for n in range(8)]
    assert fired == [False] * 5 + [True, False, False]
    # The same identity again and again is not velocity.
    assert not any(velocity_alarm("page-2", "same", threshold=2, window=600) for _ in range(10))


def test_the_velocity_alarm_raises_an_admin_alert(cantine, settings):  # noqa: F811
    """Four distinct typed identities over a threshold of 3: one alert for the démarche."""
    from tests.demarches.helpers import ENFANT_LEA, RESPONSABLE, Citizen, caf_identity, enfants
    from wagtail_passfamille.citizen.alerts import current_alerts

    settings.WAGTAIL_PASSFAMILLE_VELOCITY_ALARM = (3, 600)
    for number, name in enumerate(["ALBA", "BRUNO", "CELIA", "DENIS"]):
        citizen = Citizen(cantine)
        citizen.start()
        citizen.post("etape-1", RESPONSABLE)
        citizen.post("etape-2", enfants(ENFANT_LEA))
        citizen.post(
            "etape-3", caf_identity("INCONNU", [name], "F", 1980, 1, number + 1, commune="08480")
        )
    alerts = [a for a in current_alerts() if a["reason"] == "velocity"]
    assert len(alerts) == 1 and alerts[0]["page_id"] == cantine.pk


def test_the_identity_limit_counts_one_person_however_typed(cantine, settings):  # noqa: F811
    from tests.demarches.helpers import ENFANT_LEA, RESPONSABLE, Citizen, enfants

    settings.WAGTAIL_PASSFAMILLE_LOOKUP_LIMITS = {
        "SESSION": (100, 900),
        "IP": (100, 3600),
        "IDENTIFIER": (2, 86400),
    }
    pages = []
    for nom in ("LEFEBVRE", "Lefebvre", "lefèbvre"):
        citizen = Citizen(cantine)  # a new session each time: dropping the cookie
        citizen.start()
        citizen.post("etape-1", RESPONSABLE)
        citizen.post("etape-2", enfants(ENFANT_LEA))
        pages.append(citizen.post("etape-3", {**LEFEBVRE_FORM, "caf__nom_naissance": nom}))
    assert [p.status_code for p in pages] == [302, 302, 200]
    assert "Trop de vérifications" in pages[-1].content.decode()


def test_velocity_counts_every_identity_from_concurrent_requests(settings):
    """Web nodes recording at the same moment never lose a count (no read-then-write): on the
    shared Redis of production, where a read and its write let other requests in between."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    from wagtail_passfamille.security.identity import distinct_identities

    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL: the race needs a networked cache (CI's PostgreSQL + Redis pass)")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"velocity-race-{uuid.uuid4().hex}",
        }
    }

    def record(thread):
        for n in range(25):
            distinct_identities("page-3", f"identity-{thread}-{n:02}-{'x' * 16}", 600)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(record, range(8)))
    assert distinct_identities("page-3", "identity-0-00-" + "x" * 16, 600) == 200


def test_velocity_alarm_stays_quiet_while_the_cache_is_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    assert velocity_alarm("page-4", "someone", threshold=0, window=600) is False
