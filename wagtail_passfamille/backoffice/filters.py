"""Filters and search of the submissions listing, shared by the listing and the exports.

Only plain indexed columns are filtered in SQL; a name is searched through its blind index
(the HMAC of the normalised name), never by decrypting.

A name searched never appears in a URL (access logs, browser history, Referer): the search box
posts, and the name is kept in the session, encrypted, under a random token that the listing's
links, pages and export carry instead (``?recherche=<token>``).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_passfamille.backoffice.permissions import demarches_for, submissions_for
from wagtail_passfamille.models import DemarchePage
from wagtail_passfamille.models.submissions import Status, Verification
from wagtail_passfamille.rules.text import normalise_name
from wagtail_passfamille.security.crypto import (
    InvalidToken,
    blind_index,
    decrypt_json,
    encrypt_json,
)

SEARCH_VAR = "q"
SEARCH_TOKEN_VAR = "recherche"  # noqa: S105 (a query parameter)
SESSION_SEARCHES = "passfamille_searches"
MAX_REMEMBERED_SEARCHES = 20
SEARCH_LIFETIME = 12 * 60 * 60  # seconds
REFERENCE_RE = re.compile(r"^[A-Za-z0-9-]+$")


class DemarcheChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class SubmissionFilterForm(forms.Form):
    demarche = DemarcheChoiceField(
        label=_("Démarche"), queryset=None, required=False, empty_label=_("Toutes")
    )
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous")), *Status.choices]
    )
    verification = forms.ChoiceField(
        label=_("Vérification"),
        required=False,
        choices=[("", _("Toutes")), ("-", _("Sans objet")), *Verification.choices[1:]],
    )
    date_from = forms.DateField(
        label=_("Déposée à partir du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Déposée jusqu'au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["demarche"].queryset = demarches_for(user).only("pk", "title")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("La date de fin précède la date de début."))
        return cleaned

    def filter(self, queryset):
        """The queryset narrowed by valid filters; invalid filters (another démarche's id,
        a malformed date) match nothing rather than silently widening the listing."""
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data.get("demarche"):
            queryset = queryset.filter(page_id=data["demarche"].pk)
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("verification") == "-":
            queryset = queryset.filter(verification="")
        elif data.get("verification"):
            queryset = queryset.filter(verification=data["verification"])
        if data.get("date_from"):
            queryset = queryset.filter(submitted_at__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            end = data["date_to"] + dt.timedelta(days=1)
            queryset = queryset.filter(submitted_at__lt=_day_start(end))
        return queryset

    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def search_kind(term: str) -> str:
    """ "reference" for something that looks like a reference (has digits), else "name"."""
    term = (term or "").strip()
    if not term:
        return ""
    if REFERENCE_RE.match(term) and any(c.isdigit() for c in term):
        return "reference"
    return "name" if normalise_name(term) else ""


FULL_REFERENCE_RE = re.compile(r"^[A-Z]{2,8}-\d{4}-\d+$")


def _reference_candidates(term: str) -> list[str]:
    """The references a number can end: "123" → every PREFIX-YEAR-000123 there may be.

    References are ``PREFIX-YEAR-NNNNNN`` (:meth:`ReferenceCounter.next_reference`): an exact
    match on the unique index beats a ``LIKE '%…'`` scan of every row.
    """

    number = int(term)
    prefixes = set(DemarchePage.objects.values_list("reference_prefix", flat=True))
    this_year = timezone.localdate().year
    return [
        f"{prefix}-{year}-{number:06d}"
        for prefix in prefixes
        for year in range(this_year - 10, this_year + 2)
    ]


def search(queryset, term: str):
    """By reference (whole, or its number: "000123") or by name (:func:`name_filter`)."""
    term = (term or "").strip()
    kind = search_kind(term)
    if kind == "reference":
        upper = term.upper()
        if FULL_REFERENCE_RE.match(upper):
            return queryset.filter(reference=upper)
        if upper.isdigit() and len(upper) <= 9:
            return queryset.filter(reference__in=_reference_candidates(upper))
        return queryset.filter(reference__contains=upper)
    if kind == "name":
        return queryset.filter(name_filter(term))
    return queryset


def name_filter(term: str) -> Q:
    """The applicant's name alone, or first name(s) and name in any order: « Pierre MARTIN »,
    « martin pierre » (case, accents, hyphens and word order do not matter)."""
    key = blind_index(term)
    return Q(name_index=key) | Q(full_name_index=key)


def remember_search(session, term: str) -> str:
    """Keep a searched name in the session (encrypted); return the token standing for it."""
    searches = dict(session.get(SESSION_SEARCHES) or {})
    token = secrets.token_urlsafe(12)
    searches[token] = encrypt_json(term)
    while len(searches) > MAX_REMEMBERED_SEARCHES:
        searches.pop(next(iter(searches)))
    session[SESSION_SEARCHES] = searches
    return token


def search_term(data, session=None) -> str:
    """The term searched: the name a ``recherche`` token stands for, or ``q``."""
    data = data or {}
    token = data.get(SEARCH_TOKEN_VAR)
    if token:
        stored = (session.get(SESSION_SEARCHES) or {}).get(token) if session is not None else None
        try:
            return decrypt_json(stored, ttl=SEARCH_LIFETIME) if stored else ""
        except (InvalidToken, ValueError):
            return ""
    return data.get(SEARCH_VAR, "")


def filter_params(data) -> dict[str, str]:
    """The listing's filter and search parameters from a query string or POST data."""
    names = [*SubmissionFilterForm.base_fields, SEARCH_VAR, SEARCH_TOKEN_VAR]
    return {name: data.get(name, "") for name in names if data.get(name)}


def filtered_submissions(user, data, session=None):
    """Apply the listing's filters and search to ``user``'s submissions: exports use it."""

    form = SubmissionFilterForm(data or None, user=user)
    queryset = form.filter(submissions_for(user))
    return search(queryset, search_term(data, session)), form
