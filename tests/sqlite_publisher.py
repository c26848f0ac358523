"""Publish pages while a db_worker runs: run by tests/test_sqlite_worker.py in its own process.

An editor's publishes, as the admin's views make them (one transaction each): create a page under
the root and publish it, then publish a new revision of it. Prints one JSON line: the errors, the
page tree's problems, the live pages and the tasks the worker left undone.
"""

import json
import sys
import time

import django

django.setup()

from django.db import transaction  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402
from wagtail.models import Page  # noqa: E402

PUBLISHES = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def publish(number, errors):
    try:
        with transaction.atomic():
            root = Page.get_first_root_node()
            if number % 2 == 0:
                page = root.add_child(instance=Page(title=f"Page {number}", slug=f"p{number}"))
            else:
                page = Page.objects.get(slug=f"p{number - 1}")
                page.title = f"Page {number - 1}, revised"
            page.save_revision().publish()
    except Exception as error:  # the test reports every failure
        errors.append(f"publish {number}: {type(error).__name__}: {error}")


def main():
    errors = []
    for number in range(PUBLISHES):
        publish(number, errors)
        time.sleep(0.05)  # an editor's pace still overlaps the worker's polls
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        undone = DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).count()
        if not undone:
            break
        time.sleep(0.2)
    problems = [len(group) for group in Page.find_problems()]
    print(
        json.dumps(
            {
                "errors": errors,
                "tree_problems": problems,
                "live": Page.objects.filter(slug__startswith="p", live=True).count(),
                "revised": Page.objects.filter(title__endswith="revised").count(),
                "undone": undone,
                "failed_tasks": DBTaskResult.objects.filter(status="FAILED").count(),
                "tasks": DBTaskResult.objects.count(),
            }
        )
    )


main()
