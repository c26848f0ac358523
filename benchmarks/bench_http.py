"""A complete canteen application over HTTP against one stock form submission with its fields.

Starts on loopback the production-like stack of ``fault_campaign.py``: a fresh PostgreSQL
database next to the one ``DATABASE_URL`` names (its role needs CREATEDB), a throwaway
``redis-server``, gunicorn (gthread, 2 workers x 4 threads) on ``benchmarks/http_settings.py``
(the demo's production profile over plain HTTP, plus the stock form page app) and the bundled
sandbox as upstream; no task worker (the acknowledgement e-mails wait in the queue).

Then, interleaved in rounds so that both sides see the same machine:

- application: the demo canteen démarche as a browser with JavaScript walks it (one child, the
  birthplace searched through the JSON endpoint, the QF fetched from the sandbox): 15 requests
  from the page to the receipt, each redirect followed, CSRF included;
- stock: a ``wagtail.contrib.forms`` page (``benchmarks/stockform``) with the same fields (all
  the application's inputs on one page): its GET, its valid POST (a ``FormSubmission``).

Measured: the gunicorn workers' CPU time (every thread's ``/proc/<pid>/task/*/schedstat``, read
before and after each request: one request at a time, so the difference is that request's) per
application and per stock submission, the final submit (the recap's POST) against the stock
POST (CPU and wall time), and the throughput with 4 clients at once (applications per second
against stock submissions per second). Targets (issue 17): CPU ratio ≤ 4x, final submit
≤ 1.5x.

    DATABASE_URL=postgres://passfamille:passfamille@127.0.0.1:5432/passfamille \\
        .venv/bin/python benchmarks/bench_http.py [--applications 30] [--rounds 3] [--clients 4]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from base64 import urlsafe_b64encode
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from benchmarks.bench_wizard_step import STOCK_PAGES  # noqa: E402
from benchmarks.fault_campaign import CSRF, STEP, Stack  # noqa: E402

CPU_TARGET, FINAL_TARGET = 4.0, 1.5


class HttpStack(Stack):
    """``fault_campaign``'s stack on the production profile, without a task worker."""

    def env(self, sandbox_url: str) -> dict:
        key = urlsafe_b64encode(secrets.token_bytes(32)).decode()
        env = super().env(sandbox_url)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "benchmarks.http_settings",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "PASSFAMILLE_ENCRYPTION_KEYS": key,
                "PASSFAMILLE_HMAC_KEY": secrets.token_urlsafe(32),
                "PASSFAMILLE_PRIVATE_MEDIA_ROOT": str(self.tmp / "private"),
            }
        )
        self._env = getattr(self, "_env", env)
        return self._env

    def start_worker(self, env) -> None:
        pass

    def workers(self) -> list[int]:
        master = self.processes["web"].pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [int(pid) for pid in children]

    def cpu(self) -> float:
        """Seconds of CPU of every thread of every gunicorn worker (nanosecond counters)."""
        total = 0
        for pid in self.workers():
            for task in Path(f"/proc/{pid}/task").iterdir():
                try:
                    total += int((task / "schedstat").read_text().split()[0])
                except (FileNotFoundError, ProcessLookupError):
                    pass
        return total / 1e9


# The application and the stock page ---------------------------------------------------------

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
ENFANT = {
    "prenom": "Léa",
    "nom": "Durand",
    "date_naissance_0": "14",
    "date_naissance_1": "5",
    "date_naissance_2": "2018",
    "ecole": "École Jules-Ferry",
    "classe": "CE2",
    "regime": "Végétarien",
}
IDENTITE = {
    "caf__choix": "recuperer",
    "caf__nom_naissance": "LEFEBVRE",
    "caf__nom_usage": "",
    "caf__prenom_1": "ALEXIS",
    "caf__prenom_2": "GÉRÔME",
    "caf__prenom_3": "JEAN-PHILIPPE",
    "caf__sexe": "F",
    "caf__naissance_0": "27",
    "caf__naissance_1": "12",
    "caf__naissance_2": "1982",
    "caf__pays": "99100",
    "caf__commune_recherche": "Villers-Semeuse",
}
FREQUENTATION = {
    "jours": ["Lundi", "Mardi"],
    "date_debut_0": "3",
    "date_debut_1": "9",
    "date_debut_2": "2026",
    "autres_inscriptions": "",
    "precision_allergie": "",
}
ENGAGEMENT = {"remarques": "", "attestation": "on"}


def stock_fields(country_labels):
    """All the application's inputs as Wagtail form fields (label, type, required, help,
    choices), the closest types as in bench_wizard_step.py."""
    one_of = "\n".join
    return [
        *STOCK_PAGES["responsable"]["fields"],
        ("Prénom de l'enfant", "singleline", True, "", ""),
        ("Nom de l'enfant", "singleline", True, "", ""),
        ("Date de naissance de l'enfant", "date", True, "", ""),
        ("École", "dropdown", True, "", one_of(["École Jules-Ferry", "École Marie-Curie"])),
        ("Classe", "dropdown", True, "", one_of(["PS", "MS", "GS", "CP", "CE1", "CE2"])),
        ("Régime alimentaire", "radio", True, "", one_of(["Standard", "Sans porc", "Végétarien"])),
        ("Choix", "radio", True, "", "Récupérer mes informations\nJe préfère un justificatif"),
        ("Nom de naissance", "singleline", True, "", ""),
        ("Nom d'usage", "singleline", False, "", ""),
        ("Premier prénom", "singleline", True, "", ""),
        ("Deuxième prénom", "singleline", False, "", ""),
        ("Troisième prénom", "singleline", False, "", ""),
        ("Sexe", "radio", True, "", "Féminin\nMasculin"),
        ("Date de naissance", "date", True, "", ""),
        ("Date de naissance inconnue", "checkbox", False, "", ""),
        ("Pays de naissance", "dropdown", True, "", one_of(country_labels)),
        ("Commune de naissance", "singleline", True, "", ""),
        *STOCK_PAGES["frequentation"]["fields"],
        ("Remarques", "multiline", False, "", ""),
        ("J'atteste l'exactitude des informations", "checkbox", True, "", ""),
    ]


STOCK_ANSWERS = {
    **STOCK_PAGES["responsable"]["answers"],
    "Prénom de l'enfant": "Léa",
    "Nom de l'enfant": "Durand",
    "Date de naissance de l'enfant": "2018-05-14",
    "École": "École Jules-Ferry",
    "Classe": "CE2",
    "Régime alimentaire": "Végétarien",
    "Choix": "Récupérer mes informations",
    "Nom de naissance": "LEFEBVRE",
    "Premier prénom": "ALEXIS",
    "Deuxième prénom": "GÉRÔME",
    "Troisième prénom": "JEAN-PHILIPPE",
    "Sexe": "Féminin",
    "Date de naissance": "1982-12-27",
    "Pays de naissance": "France",
    "Commune de naissance": "Villers-Semeuse",
    **STOCK_PAGES["frequentation"]["answers"],
    "J'atteste l'exactitude des informations": "on",
}


def stock_page(demarche):
    from benchmarks.stockform.models import StockFormField, StockFormPage
    from wagtail_passfamille.citizen.certified_forms import country_choices

    choices = country_choices() if callable(country_choices) else country_choices
    labels = [str(label) for code, label in choices if code]
    page = StockFormPage(
        title=f"{demarche.title} — formulaire",
        slug="stock-cantine",
        intro=demarche.intro,
        thank_you_text="<p>Merci, votre demande a bien été enregistrée.</p>",
    )
    demarche.get_parent().add_child(instance=page)
    fields = stock_fields(labels)
    for order, (label, field_type, required, help_text, choices_text) in enumerate(fields):
        StockFormField.objects.create(
            page=page,
            sort_order=order,
            label=label,
            field_type=field_type,
            required=required,
            help_text=help_text,
            choices=choices_text,
        )
    page.save_revision().publish()
    page.refresh_from_db()
    form = page.get_form(page=page, user=None)
    by_label = {bound.label: bound.html_name for bound in form}
    return page, {by_label[label]: value for label, value in STOCK_ANSWERS.items()}, len(fields)


class Meter:
    """Requests one at a time, each with the workers' CPU it cost (and its wall time)."""

    def __init__(self, stack: HttpStack | None, base: str):
        self.stack, self.base = stack, base
        self.session = requests.Session()
        self.log: list[tuple[str, float, float]] = []

    def request(self, kind: str, method: str, url: str, **kwargs) -> requests.Response:
        before = self.stack.cpu() if self.stack else 0.0
        start = time.perf_counter()
        response = self.session.request(
            method, self.base + url, allow_redirects=False, timeout=60, **kwargs
        )
        wall = time.perf_counter() - start
        cpu = (self.stack.cpu() - before) if self.stack else 0.0
        if response.status_code >= 400:
            raise SystemExit(f"{kind}: {method} {url} answered {response.status_code}")
        self.log.append((kind, cpu, wall))
        return response

    def follow(self, kind: str, response: requests.Response) -> requests.Response:
        assert response.status_code == 302, (kind, response.status_code, response.text[:500])
        return self.request(kind, "GET", response.headers["Location"])


def application(meter: Meter, page) -> None:
    """The canteen démarche as a browser with JavaScript walks it (15 requests)."""
    first = meter.request("GET start", "GET", page.url)
    instance = STEP.search(first.headers["Location"])["instance"]
    html = meter.follow("GET step", first).text

    def post(slug, values, kind="POST step"):
        prefix = "s" + page.step_name_from_slug(slug)[:8]
        data = {f"{prefix}-{key}": value for key, value in values.items()}
        data["csrfmiddlewaretoken"] = CSRF.search(html)[1]
        url = page.instance_url(instance, slug)
        return meter.request(kind, "POST", url, data=data, headers={"Referer": meter.base + url})

    children = {
        "enfants-TOTAL_FORMS": "1",
        "enfants-INITIAL_FORMS": "0",
        "enfants-MIN_NUM_FORMS": "1",
        "enfants-MAX_NUM_FORMS": "6",
        **{f"enfants-0-{key}": value for key, value in ENFANT.items()},
    }
    html = meter.follow("GET step", post("etape-1", RESPONSABLE)).text
    html = meter.follow("GET step", post("etape-2", children)).text
    found = meter.request("GET communes", "GET", "/passfamille/communes/?q=Villers-Semeuse")
    (commune,) = found.json()["results"]
    identity = {**IDENTITE, "caf__commune": commune["code"]}
    html = meter.follow("GET step", post("etape-3", identity)).text
    html = meter.follow("GET step", post("etape-4", FREQUENTATION)).text
    html = meter.follow("GET recap", post("etape-6", ENGAGEMENT)).text
    done = post("recapitulatif", {}, kind="POST final")
    receipt = meter.follow("GET receipt", done)
    assert "CANT-" in receipt.text, receipt.text[:500]


def stock_submission(meter: Meter, page, answers) -> None:
    html = meter.request("GET stock", "GET", page.url).text
    data = {**answers, "csrfmiddlewaretoken": CSRF.search(html)[1]}
    landing = meter.request(
        "POST stock", "POST", page.url, data=data, headers={"Referer": meter.base + page.url}
    )
    assert "bien été enregistrée" in landing.text, landing.text[:2000]


# Measuring ------------------------------------------------------------------------------------


def throughput(base, work, clients: int, count: int) -> float:
    """Items per second with ``clients`` at once, ``count`` items in all."""
    lock, done = threading.Lock(), [0]

    def one(_):
        meter = Meter(None, base)
        work(meter)
        with lock:
            done[0] += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(count)))
    return done[0] / (time.perf_counter() - start)


def round_ratios(logs, rounds):
    """The CPU ratio of each round alone: the spread of the measure."""
    size_app = len(logs["application"]) // rounds
    size_stock = len(logs["stock"]) // rounds
    ratios = []
    for number in range(rounds):
        app = logs["application"][number * size_app : (number + 1) * size_app]
        stock = logs["stock"][number * size_stock : (number + 1) * size_stock]
        app_cpu = statistics.mean(sum(c for _k, c, _w in log) for log in app)
        stock_cpu = statistics.mean(sum(c for _k, c, _w in log) for log in stock)
        ratios.append(app_cpu / stock_cpu)
    return ratios


def ms(values) -> str:
    return f"{statistics.median(values) * 1000:.1f}"


def run(args, stack: HttpStack) -> int:
    from wagtail_passfamille.models import DemarchePage, Submission

    demarche = DemarchePage.objects.get(slug="restauration-scolaire")
    stock, answers, field_count = stock_page(demarche)
    base = f"http://127.0.0.1:{stack.web_port}"

    def apply(meter):
        application(meter, demarche)

    def submit(meter):
        stock_submission(meter, stock, answers)

    # Warm-up, several at once so that every worker and thread gets its imports, caches,
    # geo index and database connection.
    throughput(base, apply, args.clients, 2 * args.clients)
    throughput(base, submit, args.clients, 2 * args.clients)

    spies = []
    if args.profile:  # py-spy on every worker while the requests run one at a time
        spy = Path(sys.executable).parent / "py-spy"
        for pid in stack.workers():
            out = f"{args.profile}.{pid}.txt"
            command = [
                str(spy),
                "record",
                "--pid",
                str(pid),
                "--format",
                "raw",
                "--rate",
                "250",
                "--gil",
            ]
            spies.append(subprocess.Popen([*command, "--output", out], stderr=subprocess.DEVNULL))
        time.sleep(2)
    logs = {"application": [], "stock": []}
    rates = {"application": [], "stock": []}
    per_round = max(1, args.applications // args.rounds)
    for round_number in range(args.rounds):
        order = [("application", apply), ("stock", submit)]
        if round_number % 2:
            order.reverse()
        for name, work in order:
            for _ in range(per_round):
                meter = Meter(stack, base)
                work(meter)
                logs[name].append(meter.log)
        if spies:
            continue
        for name, work in order:
            count = per_round * (1 if name == "application" else 4)
            rates[name].append(throughput(base, work, args.clients, count))

    for process in spies:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    if spies:
        rates = {"application": [1.0], "stock": [1.0]}  # not measured while profiling

    def cpu_per(name, kinds=None):
        return [sum(c for k, c, _w in log if kinds is None or k in kinds) for log in logs[name]]

    def wall_of(name, kinds):
        return [w for log in logs[name] for k, _c, w in log if k in kinds]

    app_cpu, stock_cpu = cpu_per("application"), cpu_per("stock")
    final_cpu = cpu_per("application", {"POST final"})
    stock_post_cpu = cpu_per("stock", {"POST stock"})
    requests_per_app = len(logs["application"][0])
    print(
        f"\n{len(app_cpu)} applications ({requests_per_app} requests each) and {len(stock_cpu)} "
        f"stock submissions (GET + POST, {field_count} fields), in {args.rounds} rounds; "
        f"throughput with {args.clients} clients at once. Load average before/after: "
        f"{args.load_before} / {os.getloadavg()[0]:.2f}\n"
    )
    print("| series | CPU p50 (ms) | CPU mean (ms) | wall p50 (ms) |")
    print("|---|---:|---:|---:|")

    def of(name, kind):
        cpu = [c for log in logs[name] for k, c, _w in log if k == kind]
        return cpu, [w for log in logs[name] for k, _c, w in log if k == kind]

    rows = [("application (all its requests)", app_cpu, None)]
    kinds = dict.fromkeys(k for k, _c, _w in logs["application"][0])
    rows += [(f"· {kind}", *of("application", kind)) for kind in kinds]
    rows += [("stock (GET + POST)", stock_cpu, None)]
    rows += [(f"· {kind}", *of("stock", kind)) for kind in ("GET stock", "POST stock")]
    for label, cpu, walls in rows:
        print(
            f"| {label} | {ms(cpu)} | {statistics.mean(cpu) * 1000:.1f} | "
            f"{ms(walls) if walls else '—'} |"
        )
    cpu_ratio = statistics.mean(app_cpu) / statistics.mean(stock_cpu)
    final_ratio = statistics.mean(final_cpu) / statistics.mean(stock_post_cpu)
    final_wall = statistics.median(wall_of("application", {"POST final"})) / statistics.median(
        wall_of("stock", {"POST stock"})
    )
    rate_app = statistics.median(rates["application"])
    rate_stock = statistics.median(rates["stock"])
    print()
    print("| ratio application / stock | value | target |")
    print("|---|---:|---:|")
    print(f"| server CPU per application (mean) | {cpu_ratio:.2f}x | ≤ {CPU_TARGET}x |")
    print(f"| final submit, CPU (mean) | {final_ratio:.2f}x | ≤ {FINAL_TARGET}x |")
    print(f"| final submit, wall p50 | {final_wall:.2f}x | |")
    print(
        f"| submissions per second ({rate_app:.1f} applications/s, {rate_stock:.1f} stock/s) | "
        f"{rate_stock / rate_app:.2f}x fewer | |"
    )
    per_round_ratio = [s / a for a, s in zip(rates["application"], rates["stock"])]
    print(
        "\nper round: CPU ratio "
        + ", ".join(f"{r:.2f}x" for r in round_ratios(logs, args.rounds))
        + "; submissions-per-second ratio "
        + ", ".join(f"{r:.2f}x" for r in per_round_ratio)
    )
    print(f"submissions stored: {Submission.objects.count()}")
    web_log = (stack.tmp / "web.log").read_text(errors="replace")
    print(f"tracebacks in the web log: {web_log.count('Traceback')}")
    return 0 if cpu_ratio <= CPU_TARGET and final_ratio <= FINAL_TARGET else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=30, help="measured, in all")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4, help="at once, for the throughput")
    parser.add_argument(
        "--profile", help="py-spy the workers: collapsed stacks in PROFILE.<pid>.txt"
    )
    args = parser.parse_args()
    args.load_before = f"{os.getloadavg()[0]:.2f}"
    base_url = os.environ.get(
        "DATABASE_URL", "postgres://passfamille:passfamille@127.0.0.1:5432/passfamille"
    )
    if not shutil.which("redis-server"):
        print("redis-server is required")
        return 2

    from wagtail_passfamille.sandbox import start_sandbox

    tmp = Path(tempfile.mkdtemp(prefix="pf-bench-http-"))
    stack = HttpStack(base_url, tmp)
    with start_sandbox() as sandbox:
        try:
            env = stack.start(sandbox.url)
            os.environ.update(
                {k: v for k, v in env.items() if k.startswith(("DJANGO", "DATABASE", "REDIS"))}
            )
            kept = ("PASSFAMILLE", "SECRET", "ALLOWED")
            os.environ.update({k: v for k, v in env.items() if k.startswith(kept)})
            os.environ["SECURE_SSL_REDIRECT"] = "false"
            import django

            django.setup()
            return run(args, stack)
        finally:
            stack.close()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
