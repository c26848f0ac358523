"""Back-office benchmark: the submissions listing on 100 000 rows, and exporting all of them.

Run by hand, from the repository root, on PostgreSQL:

    DATABASE_URL=postgres://passfamille:passfamille@127.0.0.1:5432/passfamille \\
        DJANGO_SETTINGS_MODULE=demo.settings.test PYTHONPATH=site:. \\
        .venv/bin/python benchmarks/bench_backoffice.py [--rows 100000] [--requests 50]

It creates a database of its own (``passfamille_bench_backoffice_<pid>``) and drops it at the
end. Submissions are generated with ``bulk_create`` with realistic encrypted answers, certified
data for half of them and outcomes. It measures the listing page (p50/p95 over ``--requests``
requests per series, through Django's test client: URL resolving, middleware, templates) with
and without filters and searches, then exports everything as CSV (streamed) and XLSX: the
wall time of a plain run, and the peak of Python memory growth of a run traced by tracemalloc.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import tracemalloc

ROWS_PER_BATCH = 2000
SURNAMES = [f"Nom{index:04d}" for index in range(2000)] + ["Lefèvre-Dupont", "Martin", "Durand"]


def steps():
    from wagtail_passfamille.editor.starters.raw import field, group, step

    return [
        step(
            "Responsable légal",
            [
                field("texte_court", "Nom", "nom_demandeur", is_applicant_name=True),
                field("texte_court", "Prénom", "prenom_demandeur", autocomplete="given-name"),
                field("email", "Adresse e-mail", "email", is_contact=True),
                field("telephone", "Téléphone", "telephone"),
                field("adresse", "Adresse du domicile", "adresse"),
            ],
        ),
        step(
            "Enfants",
            [
                group(
                    "Enfants à inscrire",
                    "enfants",
                    [
                        field("texte_court", "Prénom", "prenom"),
                        field("date", "Date de naissance", "date_naissance"),
                    ],
                    item_label="Enfant",
                    add_label="Ajouter un enfant",
                )
            ],
        ),
        step("Engagement", [field("case_a_cocher", "J'atteste", "attestation")]),
    ]


def seed(rows: int):
    from django.contrib.auth.models import Group, Permission, User
    from django.core.management import call_command

    from wagtail_passfamille.citizen.submitting import form_snapshot
    from wagtail_passfamille.models import (
        DemarcheGroupPermission,
        DemarchePage,
        PortailFamillePage,
        Submission,
    )

    call_command("seed_demo", "--no-admin", verbosity=0)
    portal = PortailFamillePage.objects.get()
    pages = []
    for slug, title, prefix in (("a", "Garderie", "GARD"), ("b", "Centre de loisirs", "LOIS")):
        page = DemarchePage(slug=slug, title=title, reference_prefix=prefix, steps=steps())
        portal.add_child(instance=page)
        page.save_revision().publish()
        pages.append(DemarchePage.objects.get(pk=page.pk))
    snapshots = [form_snapshot(page, [name for name, _v in page.step_blocks]) for page in pages]
    rng = random.Random(2026)
    now = dt.datetime.now(dt.UTC)
    statuses = ["recue"] * 4 + ["en_instruction"] * 3 + ["a_completer", "acceptee", "refusee"]
    started = time.perf_counter()
    for start in range(0, rows, ROWS_PER_BATCH):
        batch = []
        for number in range(start, min(start + ROWS_PER_BATCH, rows)):
            page_index = number % 2
            name = rng.choice(SURNAMES)
            children = [
                {
                    "prenom": f"Enfant{rng.randrange(500)}",
                    "date_naissance": f"201{rng.randrange(10)}-0{rng.randrange(1, 10)}-15",
                }
                for _ in range(rng.randrange(1, 4))
            ]
            certified = {}
            if number % 2 == 0:
                certified = {
                    "caf": {
                        "verification": "verifie",
                        "fields": {"quotient_familial": rng.randrange(200, 3000)},
                        "provenance": {"source": "caf", "request_id": f"req-{number}"},
                    }
                }
            submission = Submission(
                page_id=pages[page_index].pk,
                reference=f"{pages[page_index].reference_prefix}-2026-{number:07d}",
                instance_key=f"bench:{number}",
                submitted_at=now - dt.timedelta(minutes=rng.randrange(365 * 24 * 60)),
                status=rng.choice(statuses),
                answers={
                    "nom_demandeur": name,
                    "prenom_demandeur": "Camille",
                    "email": f"famille{number}@example.org",
                    "telephone": "+33612345678",
                    "adresse": {
                        "voie": f"{rng.randrange(1, 200)} rue des Lilas",
                        "complement": "",
                        "code_postal": "99000",
                        "commune": "Démoville",
                    },
                    "enfants": children,
                    "attestation": True,
                },
                form_snapshot=snapshots[page_index],
                contact_email=f"famille{number}@example.org",
                verification="verifie" if certified else "",
                certified=certified,
                tariff=rng.choice(["Tranche A — 1,50 €", "Tranche B — 2,35 €", ""]),
            )
            submission.set_applicant(name, "Camille")
            batch.append(submission)
        Submission.objects.bulk_create(batch)
    print(f"{rows} submissions generated in {time.perf_counter() - started:.1f} s", flush=True)
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    agent = User.objects.create_user("agent", "agent@example.org", "x")
    group = Group.objects.create(name="agents")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    DemarcheGroupPermission.objects.create(group=group, page=pages[0])
    agent.groups.add(group)
    return pages, superuser, agent


def seeded(rows: int):
    """The pages and users of an earlier run of :func:`seed` (``--keep-db``), else seed."""
    from django.contrib.auth.models import User

    from wagtail_passfamille.models import DemarchePage, Submission

    if Submission.objects.count() != rows:
        return seed(rows)
    pages = [DemarchePage.objects.get(slug=slug) for slug in ("a", "b")]
    return pages, User.objects.get(username="root"), User.objects.get(username="agent")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_listing(client, pages, requests: int):
    from wagtail_passfamille.models import Submission

    references = Submission.objects.filter(page=pages[0]).order_by("pk")
    reference = references.values_list("reference", flat=True)[references.count() // 2]
    base = "/admin/passfamille/demandes/"
    today = dt.date.today()
    series = {
        "listing, page 1": base,
        "listing, page 500": base + "?p=500",
        "filter: démarche + status": base + f"?demarche={pages[0].pk}&status=en_instruction",
        "filter: verification + dates": base
        + f"?verification=verifie&date_from={today - dt.timedelta(days=90)}&date_to={today}",
        "search: name (blind index)": base + "?q=Lef%C3%A8vre-Dupont",
        "search: first name + name": base + "?q=dupont+lef%C3%A8vre+camille",
        "search: reference": base + f"?q={reference}",
        "search: end of reference": base + f"?q={reference[-7:]}",
    }
    results = {}
    for label, url in series.items():
        response = client.get(url)
        if response.status_code == 302:
            # A name is never kept in a URL: it is posted and the listing gets a token for it.
            url = response["Location"]
        for _ in range(5):
            assert client.get(url).status_code == 200
        timings, cpu = [], []
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        results[label] = (
            statistics.median(timings),
            percentile(timings, 0.95),
            statistics.median(cpu),
        )
    return results


EXPORT_COLUMNS = [
    "base:reference",
    "base:demarche",
    "base:submitted_at",
    "base:status",
    "base:tariff",
    "answer:nom_demandeur",
    "answer:email",
    "answer:adresse",
    "answer:enfants",
    "certified:caf.quotient_familial",
    "outcome:summary",
]


def export_once(client, fmt: str) -> int:
    response = client.post(
        "/admin/passfamille/demandes/export/", {"columns": EXPORT_COLUMNS, "format": fmt}
    )
    size = sum(len(chunk) for chunk in response)
    response.close()
    return size


def run_queue_wait() -> float:
    """Seconds this process has spent runnable but waiting for a CPU (Linux's schedstat; 0
    elsewhere): on a shared machine, what separates wall time from CPU time besides I/O."""
    try:
        with open("/proc/self/schedstat") as stats:
            return int(stats.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def measure_export(client, fmt: str):
    """Wall and CPU time of a plain run, and its wait for a CPU, then the peak of Python
    memory growth of a traced run (the CPU time is this process's: the database's work is in
    the wall time only, in what is neither CPU nor waiting for one)."""
    started, started_cpu, started_wait = time.perf_counter(), time.process_time(), run_queue_wait()
    size = export_once(client, fmt)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    waited = run_queue_wait() - started_wait
    tracemalloc.start()
    export_once(client, fmt)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, cpu, waited, peak / 2**20, size / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--keep-db",
        metavar="NAME",
        help="use (and keep) this database, seeded on the first run only: quicker re-runs",
    )
    parser.add_argument("--only", choices=("listing", "exports"), help="measure one part only")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings.test")

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    # No setup_test_environment(): its template instrumentation would slow every render.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        args.keep_db or f"passfamille_bench_backoffice_{os.getpid()}"
    )
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=bool(args.keep_db)
    )
    try:
        pages, superuser, agent = seeded(args.rows) if args.keep_db else seed(args.rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A database in use is vacuumed by autovacuum: index-only scans need it.
                cursor.execute("VACUUM ANALYZE")
        client = Client()
        if args.only != "exports":
            print(f"\nListing ({connection.vendor}, {args.rows} rows, {args.requests} requests)")
        for who, user in (("superuser (all)", superuser), ("agent of one démarche", agent)):
            if args.only == "exports":
                break
            client.force_login(user)
            for label, (p50, p95, cpu) in measure_listing(client, pages, args.requests).items():
                print(
                    f"  {who:24} {label:32} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                    f"CPU p50 {cpu:6.1f} ms  load {os.getloadavg()[0]:4.1f}",
                    flush=True,
                )
        client.force_login(superuser)
        if args.only != "listing":
            print("\nExport of every submission (superuser)")
        for fmt in ("csv", "xlsx") if args.only != "listing" else ():
            elapsed, cpu, waited, peak, size = measure_export(client, fmt)
            print(
                f"  {fmt:5} {elapsed:6.1f} s  CPU {cpu:6.1f} s  waiting for a CPU {waited:5.1f} s"
                f"  other {elapsed - cpu - waited:5.1f} s  {size:6.1f} MB  "
                f"peak Python memory growth {peak:5.1f} MB  load {os.getloadavg()[0]:4.1f}",
                flush=True,
            )
    finally:
        if args.keep_db:
            connection.close()
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
