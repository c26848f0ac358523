"""Rules per child on the leisure-centre model: the save-time checks of its steps (reachability
included) and the outcome of a family of 1 to 4 children (a gate per child, a taux d'effort with
a reduction from the 2nd child). Pure computation, no database.

    .venv/bin/python benchmarks/bench_per_child_rules.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "site"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings.test")

import django

django.setup()

from wagtail_passfamille.blocks import StepsBlock  # noqa: E402
from wagtail_passfamille.blocks.rules import GatesBlock, GridsBlock  # noqa: E402
from wagtail_passfamille.blocks.step_checks import check_steps  # noqa: E402
from wagtail_passfamille.editor.starters import accueil_loisirs  # noqa: E402
from wagtail_passfamille.rules import build_context, compute_outcome  # noqa: E402


def timed(fn, runs):
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(runs * 0.95) - 1]


def main():
    steps = StepsBlock().to_python(accueil_loisirs.steps())
    gates = [c.value.as_gate() for c in GatesBlock().to_python(accueil_loisirs.eligibility())]
    grids = [c.value.as_grid() for c in GridsBlock().to_python(accueil_loisirs.tariffs())]
    print(f"{'series':44} {'p50 ms':>8} {'p95 ms':>8}")
    p50, p95 = timed(lambda: check_steps(steps), 200)
    print(f"{'check_steps (save-time checks)':44} {p50:8.3f} {p95:8.3f}")
    for count in range(1, 5):
        children = [
            {"prenom": f"E{n}", "date_naissance": f"{2010 + 3 * n}-03-02", "pai": "Non"}
            for n in range(count)
        ]
        context = build_context(
            {"enfants": children},
            reference_date=accueil_loisirs.REFERENCE_DATE,
            children_group="enfants",
            caf={"quotient_familial": 800},
        )
        p50, p95 = timed(lambda c=context: compute_outcome(gates, grids, c), 2000)
        print(f"{f'compute_outcome, {count} child(ren)':44} {p50:8.3f} {p95:8.3f}")


if __name__ == "__main__":
    main()
