"""The portal routes to its démarches as Wagtail does, reading their rows with SQL compiled once."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.fields import StreamField
from wagtail.models import Page

from wagtail_passfamille.models import DemarchePage
from wagtail_passfamille.models.page_rows import compiled_read, read_specific

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def routed(portal, *components):
    return portal.route(RequestFactory().get("/"), list(components))


def values(page):
    """Every field's value as Django serialises it; streams parsed (PostgreSQL's jsonb orders
    the keys of a stream read as stored, not of one decoded into blocks)."""
    return {
        field.attname: json.loads(field.value_to_string(page))
        if isinstance(field, StreamField)
        else field.value_to_string(page)
        for field in type(page)._meta.concrete_fields
    }


def test_a_demarche_is_served_with_every_value_of_its_row(cantine):
    # Values the converters change on the way (an aware date-time, a date, booleans, streams).
    cantine.opens_at = dt.datetime(2026, 3, 1, 0, 30, tzinfo=PARIS)
    cantine.closes_at = dt.datetime(2036, 7, 14, 23, 59, tzinfo=PARIS)
    cantine.reference_date = dt.date(2026, 9, 1)
    cantine.keep_numero_fiscal = True
    cantine.save_revision().publish()
    portal = cantine.get_parent().specific

    page = routed(portal, cantine.slug).page

    assert type(page) is DemarchePage
    # The streams are left out of the row: serving reads them once per publication.
    assert page.get_deferred_fields() == {"steps", "eligibility", "tariffs"}
    page.use_shared_steps()
    assert page.get_deferred_fields() == set()
    assert values(page) == values(DemarchePage.objects.get(pk=cantine.pk))
    assert page.opens_at == cantine.opens_at and page.opens_at.tzinfo is not None
    assert page.keep_numero_fiscal is True
    assert [child.block_type for child in page.steps] == [
        child.block_type for child in cantine.steps
    ]
    # As Wagtail does: the parent is known, reading it costs no query.
    with CaptureQueriesContext(connection) as queries:
        assert page.get_parent().pk == portal.pk
    assert len(queries) == 0


def test_routing_a_demarche_costs_the_queries_wagtails_own_routing_costs(cantine):
    portal = cantine.get_parent().specific
    routed(portal, cantine.slug)  # compiled on the first read
    with CaptureQueriesContext(connection) as ours:
        routed(portal, cantine.slug)
    with CaptureQueriesContext(connection) as wagtails:
        Page.route(portal, RequestFactory().get("/"), [cantine.slug])
    assert len(ours) == len(wagtails) == 2


def test_the_sql_is_compiled_once_per_connection_and_model(cantine):
    assert compiled_read(DemarchePage, "default") is compiled_read(DemarchePage, "default")


def test_serving_reads_the_streams_once_per_publication(cantine):
    portal = cantine.get_parent().specific
    routed(portal, cantine.slug).page.use_shared_steps()  # this process's first read
    page = routed(portal, cantine.slug).page
    with CaptureQueriesContext(connection) as queries:
        page.use_shared_steps()
        assert len(page.steps) == len(cantine.steps) and len(page.tariffs) == len(cantine.tariffs)
        assert len(page.eligibility) == len(cantine.eligibility)
    assert len(queries) == 0
    # A new publication: read again, in one query.
    cantine.save_revision().publish()
    page = routed(portal, cantine.slug).page
    with CaptureQueriesContext(connection) as queries:
        page.use_shared_steps()
    assert len(queries) == 1


def test_other_pages_below_the_portal_are_routed_as_wagtail_routes_them(cantine):
    portal = cantine.get_parent().specific
    other = portal.add_child(instance=Page(title="Mentions légales", slug="mentions-legales"))
    assert routed(portal, "mentions-legales").page == other
    with pytest.raises(Http404):
        routed(portal, "nulle-part")


def test_a_row_gone_meanwhile_reads_as_nothing(db):
    assert read_specific(Page(pk=987654), DemarchePage) is None


def test_the_wizard_names_the_url_the_citizen_reached_the_page_by(cantine):
    portal = cantine.get_parent().specific
    request = RequestFactory().get(f"{cantine.url}{'a' * 32}/etape-1/")
    page = portal.route(request, [cantine.slug, "a" * 32, "etape-1"]).page
    with CaptureQueriesContext(connection) as queries:
        assert page.served_url() == cantine.url
        assert page.instance_url("b" * 32, "etape-2") == f"{cantine.url}{'b' * 32}/etape-2/"
    assert len(queries) == 0
    # A path that does not end as routed (never from Wagtail's serve view): the page's url.
    page = portal.route(RequestFactory().get("/ailleurs/"), [cantine.slug]).page
    assert page.served_url() == cantine.url
