"""A step of the demo démarche against a stock Wagtail form page with the same fields.

Both pages are served in process by Django's test ``Client`` (full middleware stack, the demo's
URLs, database sessions, DEBUG off, template instrumentation of ``setup_test_environment`` left
off), from a database created for the run and dropped after it (SQLite file by default,
PostgreSQL when ``DATABASE_URL`` is set). Series are interleaved, in a shuffled order per round,
so that every series sees the same machine:

- wizard GET: ``/<démarche>/<instance>/etape-N/`` of an instance whose earlier steps are filled;
- wizard POST: the same step, valid, answered by a 302 to the next step (two valid answer sets
  in turn, so that every POST changes what the wizard stores, as a citizen's POST does);
- stock GET / POST: a ``wagtail.contrib.forms`` ``AbstractForm`` page (benchmarks/stockform)
  with the same labels, help texts and inputs, the same base template, at the same depth in the
  page tree; a valid POST stores a ``FormSubmission`` and renders the landing page.

Target: wizard ≤ 1.15 × stock (p50 and p95). Run from the repository root:

    DJANGO_SETTINGS_MODULE=benchmarks.settings .venv/bin/python benchmarks/bench_wizard_step.py
    DATABASE_URL=postgres://passfamille:passfamille@127.0.0.1:5432/passfamille \\
        DJANGO_SETTINGS_MODULE=benchmarks.settings .venv/bin/python benchmarks/bench_wizard_step.py
    ... bench_wizard_step.py --requests 1000 --steps responsable   # one step, more requests
    ... bench_wizard_step.py --profile "wizard POST 1"     # cProfile of one series instead
    ... bench_wizard_step.py --sql "wizard GET 3"          # the SQL of one request instead
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

TARGET = 1.15

# The answers of tests/demarches/helpers.py: "Responsable légal", one child, "Fréquentation"
# without allergy (the PAI step stays hidden).
RESPONSABLE = {
    "nom_demandeur": "Durand",
    "prenom_demandeur": "Camille",
    "email": "camille.durand@example.org",
    "telephone": "06 12 34 56 78",
    "adresse_0": "3 rue des Lilas",
    "adresse_1": "",
    "adresse_2": "99000",
    "adresse_3": "Démoville",
}
ENFANTS = {
    "enfants-TOTAL_FORMS": "1",
    "enfants-INITIAL_FORMS": "0",
    "enfants-MIN_NUM_FORMS": "1",
    "enfants-MAX_NUM_FORMS": "6",
    "enfants-0-prenom": "Léa",
    "enfants-0-nom": "Durand",
    "enfants-0-date_naissance": "2018-05-14",
    "enfants-0-ecole": "École Jules-Ferry",
    "enfants-0-classe": "CE2",
    "enfants-0-regime": "Végétarien",
}
FREQUENTATION = {"jours": ["Lundi", "Mardi"], "date_debut": "2026-09-03"}
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def quotient_familial():
    """The CAF block answered with a justificatif (no upstream call): a fresh upload each time."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("attestation.pdf", MINIMAL_PDF, "application/pdf")
    return {"caf__choix": "justificatif", "caf__justificatif": upload}


# Steps are found by title, so that a step added to the demo moves them without breaking this.
WIZARD_ANSWERS = {
    "Responsable légal": RESPONSABLE,
    "Enfants à inscrire": ENFANTS,
    "Quotient familial": quotient_familial,
    "Fréquentation": FREQUENTATION,
}

# The stock pages: Wagtail's field types closest to the wizard's blocks. The address block is
# four inputs (voie, complément, code postal, commune): four single-line fields here.
STOCK_PAGES = {
    "responsable": {
        "title": "Responsable légal",
        "slug": "stock-responsable",
        "fields": [
            ("Nom", "singleline", True, "", ""),
            ("Prénom", "singleline", True, "", ""),
            (
                "Adresse e-mail",
                "email",
                True,
                "L'accusé de réception vous sera envoyé à cette adresse.",
                "",
            ),
            ("Téléphone", "singleline", True, "Par exemple 06 12 34 56 78.", ""),
            ("Adresse du domicile : numéro et voie", "singleline", True, "", ""),
            ("Complément d'adresse", "singleline", False, "", ""),
            ("Code postal", "singleline", True, "", ""),
            ("Commune", "singleline", True, "", ""),
        ],
        "answers": {
            "Nom": "Durand",
            "Prénom": "Camille",
            "Adresse e-mail": "camille.durand@example.org",
            "Téléphone": "06 12 34 56 78",
            "Adresse du domicile : numéro et voie": "3 rue des Lilas",
            "Complément d'adresse": "",
            "Code postal": "99000",
            "Commune": "Démoville",
        },
    },
    "frequentation": {
        "title": "Fréquentation",
        "slug": "stock-frequentation",
        "fields": [
            (
                "Jours de restauration",
                "checkboxes",
                True,
                "Cochez les jours où vos enfants déjeunent à la cantine.",
                "Lundi\nMardi\nJeudi\nVendredi",
            ),
            ("Premier jour de cantine", "date", True, "", ""),
            ("Nombre d'enfants déjà inscrits dans une autre commune", "number", False, "", ""),
            (
                "Un de mes enfants a une allergie ou une intolérance alimentaire",
                "checkbox",
                False,
                "",
                "",
            ),
            (
                "Précisez l'allergie",
                "multiline",
                False,
                "Ce champ n'apparaît que si la case ci-dessus est cochée.",
                "",
            ),
        ],
        "answers": {
            "Jours de restauration": ["Lundi", "Mardi"],
            "Premier jour de cantine": "2026-09-03",
        },
    },
}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Series:
    name: str
    call: Callable[[], object]
    check: Callable[[object], bool]
    timings: list[float] = field(default_factory=list)
    #: CPU time of this process's thread: wall-clock far above it means a busy machine (or
    #: waiting for the database: fsync, PostgreSQL's own CPU).
    cpu: list[float] = field(default_factory=list)
    queries: int = 0

    def run_once(self) -> float:
        start, start_cpu = time.perf_counter(), time.thread_time()
        response = self.call()
        elapsed = (time.perf_counter() - start) * 1000
        self.last_cpu = (time.thread_time() - start_cpu) * 1000
        if not self.check(response):
            raise SystemExit(f"{self.name}: unexpected response {response.status_code}")
        return elapsed


# Building the fixtures ---------------------------------------------------------------------------


def seed():
    from django.core.management import call_command

    from wagtail_passfamille.models import DemarchePage, PortailFamillePage

    call_command("seed_demo", "--no-admin", verbosity=0, stdout=io.StringIO())
    demarche = DemarchePage.objects.get(slug="restauration-scolaire")
    portal = PortailFamillePage.objects.get()
    stock = {key: stock_page(portal, demarche, spec) for key, spec in STOCK_PAGES.items()}
    return demarche, stock


def stock_page(portal, demarche, spec):
    """A stock form page beside the démarche (same depth, so the same routing cost)."""
    from benchmarks.stockform.models import StockFormField, StockFormPage

    # The wizard shows the démarche's intro on its first step only, and each step's own intro.
    titles = [value["title"] for _name, value in demarche.step_blocks]
    index = titles.index(spec["title"])
    step_intro = demarche.step_blocks[index][1]["intro"].source
    page = StockFormPage(
        title=f"{demarche.title} — {spec['title']}",
        slug=spec["slug"],
        intro=(demarche.intro if index == 0 else "") + step_intro,
        thank_you_text="<p>Merci, votre demande a bien été enregistrée.</p>",
    )
    portal.add_child(instance=page)
    for order, (label, field_type, required, help_text, choices) in enumerate(spec["fields"]):
        StockFormField.objects.create(
            page=page,
            sort_order=order,
            label=label,
            field_type=field_type,
            required=required,
            help_text=help_text,
            choices=choices,
        )
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def stock_data(page, answers):
    form = page.get_form(page=page, user=None)
    by_label = {bound.label: bound.html_name for bound in form}
    return {by_label[label]: value for label, value in answers.items()}


class Unreachable(Exception):
    """A step before the measured one asks for answers this benchmark does not know."""


class Citizen:
    """One browser (its own session) on one wizard instance."""

    def __init__(self, page):
        from django.test import Client

        self.page = page
        self.client = Client()
        response = self.client.get(page.url)
        assert response.status_code == 302, response.status_code
        self.instance = response["Location"].rstrip("/").split("/")[-2]
        assert self.client.get(response["Location"]).status_code == 200

    def url(self, slug):
        return self.page.instance_url(self.instance, slug)

    def data(self, slug, values):
        prefix = "s" + self.page.step_name_from_slug(slug)[:8]
        return {f"{prefix}-{key}": value for key, value in values.items()}

    def post(self, slug, values):
        return self.client.post(self.url(slug), self.data(slug, values))

    def title(self, slug):
        name = self.page.step_name_from_slug(slug)
        return dict(self.page.step_blocks)[name]["title"] if name else slug

    def walk_to(self, title):
        """Answer every step shown before the step ``title``; return that step's slug."""
        slug = "etape-1"
        while (current := self.title(slug)) != title:
            if current not in WIZARD_ANSWERS:
                raise Unreachable(f"the step {current!r} before {title!r} has no known answers")
            answers = WIZARD_ANSWERS[current]
            response = self.post(slug, answers() if callable(answers) else answers)
            assert response.status_code == 302, response.content.decode()[:2000]
            slug = response["Location"].rstrip("/").rsplit("/", 1)[1]
        return slug


def variants(values):
    """The answers, and the same with one value changed (a date a day later, a name)."""
    other = dict(values)
    for key in ("date_debut", "Premier jour de cantine"):
        if key in other:
            other[key] = "2026-09-04"
    for key in ("prenom_demandeur", "Prénom"):
        if key in other:
            other[key] = "Dominique"
    assert other != values
    return [values, other]


def build_series(demarche, stock, keys):
    from django.test import Client

    series = []
    for key in keys:
        spec = STOCK_PAGES[key]
        reader, writer = Citizen(demarche), Citizen(demarche)
        try:
            slug = reader.walk_to(spec["title"])  # arrives at the step, nothing typed on it yet
            writer.walk_to(spec["title"])
        except Unreachable as error:
            print(f"Step {spec['title']!r} not measured: {error}.")
            continue
        number = slug.removeprefix("etape-")
        get_url, post_url = reader.url(slug), writer.url(slug)
        # Every POST changes an answer (two valid sets in turn), as a citizen's POST does: the
        # wizard must store it, the stock page stores a submission anyway.
        wizard_posts = [writer.data(slug, v) for v in variants(WIZARD_ANSWERS[spec["title"]])]
        probe = writer.client.post(post_url, wizard_posts[1])
        assert probe.status_code == 302, probe.content.decode()[:2000]
        expected = probe["Location"]  # the next step shown
        post_data = itertools.cycle(wizard_posts)
        page = stock[key]
        stock_client = Client()
        stock_post = itertools.cycle([stock_data(page, v) for v in variants(spec["answers"])])
        series += [
            Series(
                f"wizard GET {number}",
                lambda c=reader.client, u=get_url: c.get(u),
                lambda r: r.status_code == 200,
            ),
            Series(
                f"wizard POST {number}",
                lambda c=writer.client, u=post_url, d=post_data: c.post(u, next(d)),
                lambda r, e=expected: r.status_code == 302 and r["Location"] == e,
            ),
            Series(
                f"stock GET {number}",
                lambda c=stock_client, u=page.url: c.get(u),
                lambda r: r.status_code == 200,
            ),
            Series(
                f"stock POST {number}",
                lambda c=stock_client, u=page.url, d=stock_post: c.post(u, next(d)),
                lambda r: r.status_code == 200 and b"Merci, votre demande" in r.content,
            ),
        ]
    if not series:
        raise SystemExit("No step could be measured.")
    return series


# Measuring ---------------------------------------------------------------------------------------


def count_queries(series):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for one in series:
        with CaptureQueriesContext(connection) as captured:
            one.run_once()
        one.queries = len(captured)


def measure(series, requests, warmup, seed_value):
    for _ in range(warmup):
        for one in series:
            one.run_once()
    count_queries(series)
    shuffler = random.Random(seed_value)
    order = list(series)
    for _ in range(requests):
        shuffler.shuffle(order)
        for one in order:
            one.timings.append(one.run_once())
            one.cpu.append(one.last_cpu)


def find(series, name):
    for one in series:
        if one.name == name:
            return one
    raise SystemExit(f"No series {name!r}: {', '.join(s.name for s in series)}")


def show_sql(series, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = find(series, name)
    one.run_once()
    with CaptureQueriesContext(connection) as captured:
        one.run_once()
    print(f"{len(captured)} queries for one {name}:")
    for number, query in enumerate(captured, 1):
        print(f"{number:>3}. {query['sql'][:300]}")


def profile(series, name, requests, warmup, top):
    one = find(series, name)
    for _ in range(warmup):
        one.run_once()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        one.run_once()
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    print(f"cProfile of {requests} × {name} (per-call times are totals over the run)")
    stats.print_stats(int(os.environ.get("BENCH_PROFILE_TOP", top)))


def report(series, database, requests):
    print(f"\n{requests} requests per series after warm-up, {database}, in-process test Client\n")
    header = (
        f"{'series':<16} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'CPU p50':>8} {'SQL/req':>8}"
    )
    print(header)
    print("-" * len(header))
    by_name = {}
    for one in series:
        p50, p95 = statistics.median(one.timings), percentile(one.timings, 0.95)
        by_name[one.name] = (p50, p95)
        print(
            f"{one.name:<16} {p50:>8.2f} {p95:>8.2f} {statistics.fmean(one.timings):>8.2f}"
            f" {statistics.median(one.cpu):>8.2f} {one.queries:>8}"
        )
    print(f"\nratio wizard / stock (target ≤ {TARGET:.2f}×)\n")
    header = f"{'step, method':<16} {'p50':>8} {'p95':>8} {'CPU p50':>8}  verdict (p50, p95)"
    print(header)
    print("-" * len(header))
    worst = 0.0
    cpu = {one.name: statistics.median(one.cpu) for one in series}
    for one in series:
        if not one.name.startswith("wizard "):
            continue
        rest = one.name.removeprefix("wizard ")
        wizard, stock = by_name[one.name], by_name[f"stock {rest}"]
        ratios = (wizard[0] / stock[0], wizard[1] / stock[1])
        worst = max(worst, *ratios)
        verdict = "ok" if max(ratios) <= TARGET else "OVER TARGET"
        method, number = rest.split()
        label = f"step {number}, {method}"
        cpu_ratio = cpu[one.name] / cpu[f"stock {rest}"]
        print(f"{label:<16} {ratios[0]:>7.2f}× {ratios[1]:>7.2f}× {cpu_ratio:>7.2f}×  {verdict}")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="measured per series (≥ 300)")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument(
        "--steps",
        nargs="+",
        choices=list(STOCK_PAGES),
        default=list(STOCK_PAGES),
        help="steps of the demo démarche, by title",
    )
    parser.add_argument("--seed", type=int, default=2026, help="of the shuffled order")
    parser.add_argument("--profile", metavar="SERIES", help='e.g. "wizard POST 1": cProfile it')
    parser.add_argument("--sql", metavar="SERIES", help="print the SQL of one request instead")
    parser.add_argument("--top", type=int, default=40, help="rows of the profile")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    database = connection.vendor
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        assert not settings.DEBUG
        demarche, stock = seed()
        series = build_series(demarche, stock, args.steps)
        if args.sql:
            show_sql(series, args.sql)
            return 0
        if args.profile:
            profile(series, args.profile, args.requests, args.warmup, args.top)
            return 0
        measure(series, args.requests, args.warmup, args.seed)
        name = "SQLite (file)" if database == "sqlite" else database
        worst = report(series, name, args.requests)
    finally:
        test_name = connection.settings_dict["NAME"]
        connection.creation.destroy_test_db(old_name, verbosity=0)
        for suffix in ("-wal", "-shm"):
            if database == "sqlite" and os.path.exists(f"{test_name}{suffix}"):
                os.remove(f"{test_name}{suffix}")
        shutil.rmtree(settings.WAGTAIL_PASSFAMILLE_FILE_STORAGE["OPTIONS"]["location"], True)
    print(f"\nworst ratio {worst:.2f}× (target ≤ {TARGET:.2f}×)")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
