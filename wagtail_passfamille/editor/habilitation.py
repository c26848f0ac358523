"""Fiche habilitation, configuration check and the editor's scope warning (docs/architecture.md).

What the town types into its DataPass request (:func:`fiche`), whether its tokens, scopes,
expiry dates and SIRET work (:func:`check_profiles`, shown in the admin and printed by
``manage.py passfamille_check``), and a warning for the editor who ticks a datum the profile's
token cannot fetch (:func:`scope_warnings`).

Upstream probes (introspect, ping, the DGFiP OAuth2 token) are cached for an hour per profile
and credentials, failures included: neither the dashboard nor saving a démarche calls upstream
on every request. Only profile names are shown, never a token, a secret or an API URL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from wagtail_passfamille import sources
from wagtail_passfamille.api_particulier import (
    ApiError,
    Forbidden,
    ProviderUnavailable,
    Unauthorized,
    is_valid_siret,
    token_expiry,
)
from wagtail_passfamille.blocks.schema import all_inputs
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.editor.scopes import (  # noqa: F401  (part of this module's API)
    APIS,
    CAF_SCOPES,
    CANTEEN_RE,
    DATAPASS_LABELS,
    DESCRIPTIONS,
    DGFIP_SCOPES,
    FALLBACK_YEAR_SCOPE,
    IMPOT,
    PARTICULIER,
    PHRASES,
    YEAR_SCOPES,
    api_of,
    scope_row,
)
from wagtail_passfamille.models import DemarcheGroupPermission, DemarchePage, PassFamilleSettings
from wagtail_passfamille.security.crypto import keyed_hash
from wagtail_passfamille.services import ProfileError, clients

PROBE_TTL = 60 * 60
EXPIRY_THRESHOLDS = (7, 30, 90)  # days; API Particulier's own reminders include these
CACHE_PREFIX = "passfamille:habilitation"
SUMMARY_KEY = f"{CACHE_PREFIX}:summary"
# Introspect and ping send no recipient, but a client is built with one: DINUM's example SIRET.
PROBE_RECIPIENT = "13002526500013"

OK, WARNING, ERROR = "ok", "warning", "error"
_RANK = {OK: 0, WARNING: 1, ERROR: 2}


# Fiche habilitation ----------------------------------------------------------------------


def fiche(page, site) -> dict:
    """What the town types into its DataPass request for ``page``, served by ``site``."""

    town = PassFamilleSettings.for_site(site) if site is not None else PassFamilleSettings()
    scopes = page.certified_scopes()
    apis = []
    for api, (name, datapass) in APIS.items():
        rows = [scope_row(s) for s in sorted(scopes) if api_of(s) == api]
        if rows:
            years = _year_scopes(page) if api == IMPOT else []
            apis.append({"name": name, "datapass": datapass, "scopes": rows, "years": years})
    canteen = bool(CANTEEN_RE.search(f"{page.title} {page.slug}"))
    return {
        "page": page,
        "collectivite": town.collectivite or (site.site_name if site else ""),
        "siret": town.siret,
        "siret_valid": is_valid_siret(town.siret or ""),
        "dpo_name": town.dpo_name,
        "dpo_email": town.dpo_email,
        "technical_contact_name": town.technical_contact_name,
        "technical_contact_email": town.technical_contact_email,
        "profile": page.credential_profile,
        "scopes": scopes,
        "apis": apis,
        "purpose": page.purpose,
        "legal_basis": page.legal_basis,
        "retention_months": page.retention_months,
        "retention_justification": page.retention_justification,
        "needs_justification": page.retention_months > 36,
        "canteen": canteen,
        "recipients": sorted(
            DemarcheGroupPermission.objects.filter(page_id=page.pk).values_list(
                "group__name", flat=True
            )
        ),
    }


def _year_scopes(page) -> list[tuple[str, str]]:

    years: set[tuple[str, str]] = set()
    today = timezone.localdate()
    for _i, _s, item in all_inputs(page.steps):
        if item.block_type != sources.get("dgfip").block_type:
            continue
        annee = item.value.get("annee")
        if not annee:  # "dernier avis disponible": N-1 once published, else N-2
            years.update({YEAR_SCOPES[1], FALLBACK_YEAR_SCOPE})
        elif today.year - annee in YEAR_SCOPES:
            years.add(YEAR_SCOPES[today.year - annee])
    return sorted(years)


# Cached probes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    status: str  # ok, absent, invalid, refused, forbidden, unreachable, unavailable, error
    detail: str = ""  # HTTP status and provider code: never a URL or a token
    scopes: frozenset[str] = frozenset()
    ping: str = ""


def _failure(error: ApiError) -> Probe:
    detail = ", ".join(
        part
        for part in (
            f"HTTP {error.status_code}" if error.status_code else "",
            f"code {error.code}" if error.code else "",
        )
        if part
    )
    if isinstance(error, Unauthorized):
        return Probe("refused", detail)
    if isinstance(error, Forbidden):
        return Probe("forbidden", detail)
    if isinstance(error, ProviderUnavailable):
        return Probe("unreachable" if error.status_code is None else "unavailable", detail)
    return Probe("error", detail)


def _probe(kind: str, profile: str, section: str, run, refresh: bool) -> Probe:
    values = (get_setting("CREDENTIALS").get(profile) or {}).get(section)
    if not values:
        return Probe("absent")
    # Keyed on a hash of the credentials: a rotated token is probed afresh, no secret in keys.
    fingerprint = keyed_hash(CACHE_PREFIX, kind, *(f"{k}={values[k]}" for k in sorted(values)))
    key = f"{CACHE_PREFIX}:{kind}:{profile}:{fingerprint}"
    cached = None if refresh else cache.get(key)
    if cached is not None:
        return cached
    try:
        probe = run()
    except ApiError as error:
        probe = _failure(error)
    except (ProfileError, KeyError, TypeError, ValueError):
        probe = Probe("invalid")
    cache.set(key, probe, PROBE_TTL)
    return probe


def introspect(profile: str, *, refresh: bool = False) -> Probe:
    """The scopes of the profile's API Particulier token (``/api/introspect``), cached."""

    def run():
        scopes = clients.api_particulier(profile, PROBE_RECIPIENT).scopes()
        return Probe(OK, scopes=frozenset(scopes))

    return _probe("introspect", profile, "API_PARTICULIER", run, refresh)


def ping(profile: str, *, refresh: bool = False) -> Probe:
    def run():
        return Probe(OK, ping=clients.api_particulier(profile, PROBE_RECIPIENT).ping().status)

    return _probe("ping", profile, "API_PARTICULIER", run, refresh)


def impot_token(profile: str, *, refresh: bool = False) -> Probe:
    """Whether API Impôt particulier grants the profile an OAuth2 token (the credentials work)."""

    def run():
        # A fresh token request, without touching the token the lookups share.
        clients.impot_particulier(profile)._fetch_token()
        return Probe(OK)

    return _probe("impot", profile, "IMPOT_PARTICULIER", run, refresh)


# The report ------------------------------------------------------------------------------


@dataclass
class Finding:
    level: str
    message: str


@dataclass
class Section:
    title: str
    findings: list[Finding] = field(default_factory=list)

    def add(self, level: str, message: str) -> None:
        self.findings.append(Finding(level, message))

    @property
    def level(self) -> str:
        return max((f.level for f in self.findings), key=_RANK.get, default=OK)


@dataclass
class Report:
    checked_at: datetime
    sections: list[Section] = field(default_factory=list)

    def count(self, level: str) -> int:
        return sum(f.level == level for s in self.sections for f in s.findings)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def warnings(self) -> int:
        return self.count(WARNING)

    @property
    def level(self) -> str:
        return max((s.level for s in self.sections), key=_RANK.get, default=OK)


def _names(pages) -> str:
    return ", ".join(_("« %(title)s »") % {"title": p.title} for p in pages)


def _scope_list(scopes) -> str:
    return ", ".join(f"{s} ({DATAPASS_LABELS.get(s, s)})" for s in sorted(scopes))


def _date(value: datetime) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y}"


def check_profiles(*, refresh: bool = False, now: datetime | None = None) -> Report:
    """Profiles (tokens, scopes, expiry, provider) and sites (SIRET, contacts), checked."""
    from wagtail.models import Site

    now = now or timezone.now()
    report = Report(checked_at=now)
    needs: dict[str, list[tuple[object, set[str]]]] = {}
    orphans = []
    for page in DemarchePage.objects.live().order_by("title"):
        scopes = page.certified_scopes()
        if scopes and not page.credential_profile:
            orphans.append(page)
        elif page.credential_profile:
            needs.setdefault(page.credential_profile, []).append((page, scopes))
    if orphans:
        section = Section(_("Démarches"))
        section.add(
            ERROR,
            ngettext(
                "%(pages)s utilise des données certifiées sans profil d'accès aux API.",
                "%(pages)s utilisent des données certifiées sans profil d'accès aux API.",
                len(orphans),
            )
            % {"pages": _names(orphans)},
        )
        report.sections.append(section)
    configured = get_setting("CREDENTIALS")
    for profile in sorted(set(configured) | set(needs)):
        report.sections.append(_check_profile(profile, needs.get(profile, []), refresh, now))
    for site in Site.objects.order_by("hostname", "port"):
        report.sections.append(_check_site(site))
    summary = {"errors": report.errors, "warnings": report.warnings}
    cache.set(SUMMARY_KEY, summary, 7 * 24 * 3600)  # what the sidebar counts between checks
    return report


def _check_profile(profile, usage, refresh, now) -> Section:
    section = Section(_("Profil « %(name)s »") % {"name": profile})
    pages = [page for page, _scopes in usage]
    if pages:
        section.add(OK, _("Utilisé par %(pages)s.") % {"pages": _names(pages)})
    else:
        section.add(OK, _("Utilisé par aucune démarche en ligne."))
    if profile not in get_setting("CREDENTIALS"):
        section.add(ERROR, _("Ce profil est absent de WAGTAIL_PASSFAMILLE_CREDENTIALS."))
        return section
    caf_usage = [(page, scopes & CAF_SCOPES) for page, scopes in usage if scopes & CAF_SCOPES]
    dgfip_usage = [(page, scopes & DGFIP_SCOPES) for page, scopes in usage if scopes & DGFIP_SCOPES]
    _check_particulier(section, profile, caf_usage, refresh, now)
    _check_impot(section, profile, dgfip_usage, refresh)
    return section


PROBE_MESSAGES = {
    "absent": gettext_lazy(
        "%(api)s : rien dans ce profil, alors que ces démarches en ont besoin : %(pages)s."
    ),
    "invalid": gettext_lazy("%(api)s : la section du profil est incomplète ou invalide."),
    "refused": gettext_lazy(
        "%(api)s refuse les identifiants (%(detail)s) : expirés, révoqués ou erronés."
    ),
    "forbidden": gettext_lazy(
        "%(api)s refuse l'accès (%(detail)s) : l'adresse IP du serveur est-elle autorisée ?"
    ),
    "unreachable": gettext_lazy("%(api)s est injoignable (réseau, pare-feu ou délai dépassé)."),
    "unavailable": gettext_lazy(
        "%(api)s ne répond pas correctement (%(detail)s) : réessayez plus tard."
    ),
    "error": gettext_lazy("%(api)s donne une réponse inattendue (%(detail)s)."),
}


def _probe_failed(section, probe, api, usage) -> None:
    if probe.status == "absent" and not usage:
        return  # the profile does not serve this API, and nothing needs it
    level = WARNING if probe.status == "unavailable" else ERROR
    message = PROBE_MESSAGES.get(probe.status, PROBE_MESSAGES["error"])
    pages = _names(page for page, _scopes in usage)
    section.add(level, message % {"api": api, "detail": probe.detail or "-", "pages": pages})


def _check_particulier(section, profile, usage, refresh, now) -> None:
    api = APIS[PARTICULIER][0]
    probe = introspect(profile, refresh=refresh)
    if probe.status != OK:
        _probe_failed(section, probe, api, usage)
        if probe.status == "absent":
            return  # no token: no expiry date, and no ping on its behalf
    else:
        section.add(
            OK,
            _("API Particulier accepte le jeton ; ses droits : %(scopes)s.")
            % {"scopes": ", ".join(sorted(probe.scopes)) or "-"},
        )
        for page, scopes in usage:
            missing = scopes - probe.scopes
            if missing:
                section.add(
                    ERROR,
                    ngettext(
                        "« %(page)s » demande %(scopes)s, absent du jeton.",
                        "« %(page)s » demande %(scopes)s, absents du jeton.",
                        len(missing),
                    )
                    % {"page": page.title, "scopes": _scope_list(missing)},
                )
    token = get_setting("CREDENTIALS")[profile]["API_PARTICULIER"].get("TOKEN") or ""
    _check_expiry(section, token_expiry(token), now)
    if probe.status not in ("unreachable", "invalid"):
        _check_ping(section, ping(profile, refresh=refresh))


def _check_expiry(section, expires_at, now) -> None:
    if expires_at is None:
        section.add(WARNING, _("Date d'expiration du jeton inconnue : aucune alerte possible."))
        return
    days = math.ceil((expires_at - now).total_seconds() / 86400)
    date = _date(expires_at)
    if days <= 0:
        section.add(ERROR, _("Le jeton a expiré le %(date)s.") % {"date": date})
        return
    threshold = next((t for t in EXPIRY_THRESHOLDS if days <= t), None)
    if threshold is None:
        section.add(OK, _("Le jeton expire le %(date)s.") % {"date": date})
        return
    section.add(
        WARNING,
        ngettext(
            "Le jeton expire le %(date)s, dans %(days)d jour (moins de %(threshold)d jours) : "
            "demandez son renouvellement sur particulier.api.gouv.fr.",
            "Le jeton expire le %(date)s, dans %(days)d jours (moins de %(threshold)d jours) : "
            "demandez son renouvellement sur particulier.api.gouv.fr.",
            days,
        )
        % {"date": date, "days": days, "threshold": threshold},
    )


def _check_ping(section, probe) -> None:
    if probe.status != OK:
        section.add(
            WARNING,
            _("État du fournisseur CAF/MSA inconnu (%(status)s).") % {"status": probe.status},
        )
    elif probe.ping in ("bad_gateway", "maintenance"):
        section.add(
            WARNING,
            _("Fournisseur CAF/MSA indisponible (%(status)s) : les vérifications sont différées.")
            % {"status": probe.ping},
        )
    elif probe.ping == "ok":
        section.add(OK, _("Fournisseur CAF/MSA : opérationnel."))
    else:
        section.add(OK, _("Fournisseur CAF/MSA : état inconnu."))


def _check_impot(section, profile, usage, refresh) -> None:
    api = APIS[IMPOT][0]
    probe = impot_token(profile, refresh=refresh)
    if probe.status != OK:
        _probe_failed(section, probe, api, usage)
        return
    section.add(OK, _("API Impôt particulier accepte les identifiants (jeton OAuth2 obtenu)."))
    if usage:
        scopes = set().union(*(s for _p, s in usage))
        section.add(
            OK,
            _(
                "Droits DGFiP demandés par %(pages)s : %(scopes)s. L'API ne permet pas de les "
                "lire : comparez-les à l'habilitation DataPass."
            )
            % {"pages": _names(p for p, _s in usage), "scopes": ", ".join(sorted(scopes))},
        )


def _check_site(site) -> Section:

    town = PassFamilleSettings.for_site(site)
    section = Section(
        _("Site « %(name)s »") % {"name": town.collectivite or site.site_name or site.hostname}
    )
    certified = any(
        page.certified_scopes()
        for page in DemarchePage.objects.live().descendant_of(site.root_page, inclusive=True)
    )
    if not town.siret:
        section.add(ERROR if certified else WARNING, _("SIRET de la collectivité non renseigné."))
    elif not is_valid_siret(town.siret):
        section.add(ERROR, _("SIRET %(siret)s invalide (clé de contrôle).") % {"siret": town.siret})
    else:
        section.add(OK, _("SIRET %(siret)s valide.") % {"siret": town.siret})
    if town.technical_contact_email:
        section.add(OK, _("Contact technique renseigné."))
    else:
        section.add(WARNING, _("Aucun contact technique : personne ne recevra les alertes."))
    if not town.dpo_email:
        section.add(WARNING, _("Aucune adresse de DPO : la fiche habilitation la demande."))
    return section


# The editor's warning ---------------------------------------------------------------------


def scope_warnings(page) -> list[str]:
    """Warnings for the editor who saved ``page``; at most one introspection an hour."""
    needed = page.certified_scopes()
    profile = page.credential_profile
    if needed and not profile:
        return [
            _(
                "La démarche utilise des données certifiées, mais aucun profil d'accès aux API "
                "n'est choisi : rien ne pourra être récupéré."
            )
        ]
    needed &= CAF_SCOPES  # DGFiP rights cannot be read from the API
    if not needed or profile not in get_setting("CREDENTIALS"):
        return []  # an unknown profile is refused by the page's own validation
    probe = introspect(profile)
    if probe.status != OK:
        return [
            _(
                "Le jeton API Particulier du profil « %(profile)s » n'a pas pu être vérifié : "
                "voyez l'état de la configuration Pass Famille."
            )
            % {"profile": profile}
        ]
    missing = needed - probe.scopes
    items = [
        f"{PHRASES.get(d.scope, d.scope)} ({d.scope})"
        for d in sources.get("caf").data
        if d.scope in missing
    ]  # block's order
    if not items:
        return []
    if len(items) > 1:
        items = [_("%(list)s et %(last)s") % {"list": ", ".join(items[:-1]), "last": items[-1]}]
    return [
        _(
            "La démarche demande %(items)s, que le jeton du profil « %(profile)s » n'a pas : ces "
            "données ne seront pas récupérées. Demandez les droits manquants dans DataPass "
            "(voyez la fiche habilitation) ou décochez la donnée."
        )
        % {"items": items[0], "profile": profile}
    ]
