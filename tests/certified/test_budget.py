"""The town's upstream budget, shared by all workers through the cache."""

import threading

from tests.demarches.helpers import ENFANT_LEA, LEFEBVRE, MARTIN, RESPONSABLE, Citizen, enfants
from wagtail_passfamille.services import Budget


def test_n_workers_never_exceed_the_bucket(db, settings):
    settings.WAGTAIL_PASSFAMILLE_UPSTREAM_BUDGET = {"API_PARTICULIER": {"RATE": 5, "PER": 60}}
    granted = []
    lock = threading.Lock()

    def worker():
        ok = Budget("demo", "caf").acquire()
        with lock:
            granted.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert granted.count(True) == 5


def test_a_retry_after_stops_every_lookup_until_it_expires(cantine, sandbox):
    sandbox.set_fault("status=429; retry_after=120; times=1")
    first = Citizen(cantine)
    first.start()
    first.post("etape-1", RESPONSABLE)
    first.post("etape-2", enfants(ENFANT_LEA))
    assert first.post("etape-3", LEFEBVRE).status_code == 302  # deferred, not blocked
    assert sandbox.stats.requests["quotient_familial"] == 1
    # Another citizen meanwhile: nothing is sent while the Retry-After holds.
    second = Citizen(cantine)
    second.start()
    second.post("etape-1", RESPONSABLE)
    second.post("etape-2", enfants(ENFANT_LEA))
    assert second.post("etape-3", MARTIN).status_code == 302
    assert sandbox.stats.requests["quotient_familial"] == 1
    assert Budget("demo", "caf").admit() == "retry_after"


def test_a_streak_of_failures_opens_the_circuit(cantine, sandbox):
    sandbox.set_fault("status=502")
    for first_name in ("A", "B", "C", "D", "E", "F", "G"):
        citizen = Citizen(cantine)
        citizen.start()
        citizen.post("etape-1", RESPONSABLE)
        citizen.post("etape-2", enfants(ENFANT_LEA))
        identity = dict(LEFEBVRE, caf__prenom_1=f"ALEXIS{first_name}")
        assert citizen.post("etape-3", identity).status_code == 302
    # Five failures open the circuit: the last two lookups were deferred without a request.
    assert sandbox.stats.requests["quotient_familial"] == 5
    sandbox.reset()
    assert Budget("demo", "caf").admit() == "circuit"
