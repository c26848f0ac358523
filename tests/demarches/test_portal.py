import datetime as dt

from django.test import Client
from django.utils import timezone

from wagtail_passfamille.models import DemarchePage, Submission

from .helpers import RESPONSABLE, Citizen


def test_the_portal_lists_open_demarches_first_then_upcoming_and_closed(cantine):
    portal = cantine.get_parent()
    now = timezone.now()
    for title, opens, closes in [
        ("Centre de loisirs été", now + dt.timedelta(days=30), None),
        ("Classes de neige 2025", None, now - dt.timedelta(days=10)),
    ]:
        page = DemarchePage(
            title=title,
            steps=cantine.steps.raw_data,
            opens_at=opens,
            closes_at=closes,
            reference_prefix="TEST",
        )
        portal.add_child(instance=page)
        page.save_revision().publish()
    html = Client().get(portal.url).content.decode()
    order = [
        html.index(t) for t in ("restauration scolaire", "Centre de loisirs", "Classes de neige")
    ]
    assert order == sorted(order)
    assert "Bientôt ouverte" in html and "Clôturée" in html
    assert f'href="{cantine.url}"' in html


def test_the_home_page_links_to_the_portal(cantine):
    html = Client().get("/").content.decode()
    assert 'href="/demarches/"' in html


def test_a_closed_demarche_says_so_and_accepts_nothing(cantine):
    citizen = Citizen(cantine)
    citizen.start()
    cantine.closes_at = timezone.now() - dt.timedelta(minutes=1)
    cantine.save_revision().publish()
    response = Client().get(cantine.url)
    assert response.status_code == 200
    assert "est close depuis le" in response.content.decode()
    posted = citizen.post("etape-1", RESPONSABLE)
    assert posted.status_code == 403
    assert Submission.objects.count() == 0


def test_an_upcoming_demarche_gives_its_opening_date(cantine):
    cantine.opens_at = timezone.now() + dt.timedelta(days=3)
    cantine.save_revision().publish()
    response = Client().get(cantine.url)
    assert "Cette démarche ouvrira le" in response.content.decode()
