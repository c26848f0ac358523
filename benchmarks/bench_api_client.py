"""Overhead of ApiParticulierClient over a bare ``requests`` call, against the sandbox.

The sandbox runs in a process of its own (no GIL shared with the measured code) on a loopback
port, with the unlimited benchmark token. For each injected latency (0 and 200 ms) the script makes
N keep-alive calls of each kind, interleaved so that both see the same machine:

- bare: ``session.get(url, params=..., headers=...)`` then ``.json()``, on a plain Session;
- client: ``client.quotient_familial(identite)``: validation, query building, deadline adapter,
  error mapping, schema check, typed result, and its log line (formatted, to /dev/null).

It prints p50/p95 of each and the overhead (client minus bare). Target: ≤ 2 ms at p95.

    .venv/bin/python benchmarks/bench_api_client.py            # 500 calls per series
    .venv/bin/python benchmarks/bench_api_client.py --calls 2000 --latency 0
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time

import requests

from wagtail_passfamille.api_particulier import ApiParticulierClient, Identite, PartialDate
from wagtail_passfamille.sandbox import BENCHMARK_TOKEN

RECIPIENT = "13002526500013"
IDENTITE = Identite(
    nom_naissance="LEFEBVRE",
    prenoms=("ALEXIS", "GÉRÔME", "JEAN-PHILIPPE"),
    sexe="F",
    date_naissance=PartialDate(1982, 12, 27),
    code_pays_naissance="99100",
    code_commune_naissance="08480",
)
QUERY = [
    ("recipient", RECIPIENT),
    ("nomNaissance", "LEFEBVRE"),
    ("prenoms[]", "ALEXIS"),
    ("prenoms[]", "GÉRÔME"),
    ("prenoms[]", "JEAN-PHILIPPE"),
    ("anneeDateNaissance", "1982"),
    ("moisDateNaissance", "12"),
    ("jourDateNaissance", "27"),
    ("sexeEtatCivil", "F"),
    ("codeCogInseePaysNaissance", "99100"),
    ("codeCogInseeCommuneNaissance", "08480"),
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def start_sandbox() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "wagtail_passfamille.sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().rsplit(" ", 1)[1].strip()
    return process, url


def series(url: str, calls: int, latency_ms: int) -> dict[str, float]:
    requests.post(f"{url}/__sandbox__/fault", data=f"latency={latency_ms}", timeout=5)
    bare_session = requests.Session()
    headers = {"Authorization": f"Bearer {BENCHMARK_TOKEN}", "Accept": "application/json"}
    client = ApiParticulierClient(url, BENCHMARK_TOKEN, RECIPIENT)
    endpoint = f"{url}/v3/dss/quotient_familial/identite"

    def bare() -> None:
        response = bare_session.get(endpoint, params=QUERY, headers=headers, timeout=(3, 6))
        response.raise_for_status()
        assert response.json()["data"]["quotient_familial"]["valeur"] == 2550

    def ours() -> None:
        assert client.quotient_familial(IDENTITE).quotient_familial.valeur == 2550

    for _ in range(20):  # warm up both connections and both code paths
        bare()
        ours()
    timings: dict[str, list[float]] = {"bare": [], "client": []}
    for index in range(calls):
        order = (
            (("bare", bare), ("client", ours)) if index % 2 else (("client", ours), ("bare", bare))
        )
        for name, call in order:
            start = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - start) * 1000)
    result = {"latency_ms": latency_ms, "calls": calls}
    for name, values in timings.items():
        result[f"{name}_p50"] = statistics.median(values)
        result[f"{name}_p95"] = percentile(values, 0.95)
    result["overhead_p50"] = result["client_p50"] - result["bare_p50"]
    result["overhead_p95"] = result["client_p95"] - result["bare_p95"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--latency", type=int, action="append", help="ms; repeat (default 0, 200)")
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    args = parser.parse_args()
    # The client's log line is part of its cost: format it, to /dev/null.
    handler = logging.StreamHandler(open(os.devnull, "w"))  # open for the whole run
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    log = logging.getLogger("wagtail_passfamille.api_particulier")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    process, url = start_sandbox()
    try:
        for latency in args.latency or [0, 200]:
            result = series(url, args.calls, latency)
            if args.json:
                print(json.dumps(result))
                continue
            print(
                f"latency {latency:>3} ms, {args.calls} keep-alive calls each: "
                f"bare p50 {result['bare_p50']:.2f} / p95 {result['bare_p95']:.2f} ms, "
                f"client p50 {result['client_p50']:.2f} / p95 {result['client_p95']:.2f} ms, "
                f"overhead p50 {result['overhead_p50']:+.2f} / p95 {result['overhead_p95']:+.2f} ms"
            )
    finally:
        process.terminate()
        process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
