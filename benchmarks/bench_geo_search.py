"""Birthplace search speed: each query of the citizen's commune search, target ≤ 20 ms.

Run by hand (a timed assertion in the suite would flake on a busy machine):

    .venv/bin/python benchmarks/bench_geo_search.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wagtail_passfamille import geo

TARGET_MS = 20
QUERIES = ["charleville", "st etienne", "paris 13", "75013", "bellegarde", "sai", "2b", "ma"]
ROUNDS = 50


def main() -> int:
    geo.search_communes("warm up")
    worst = 0.0
    print(f"{'query':<14}{'p50 ms':>8}{'p95 ms':>8}")
    for query in QUERIES:
        timings = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            geo.search_communes(query)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p50, p95 = statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]
        worst = max(worst, p95)
        print(f"{query!r:<14}{p50:>8.2f}{p95:>8.2f}")
    verdict = "OK" if worst <= TARGET_MS else "OVER"
    print(f"worst p95 {worst:.2f} ms (target {TARGET_MS} ms): {verdict}")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
