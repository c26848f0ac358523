"""API Particulier: the quotient familial CAF & MSA routes, introspect and the provider ping.

Each public method documents its route; all of them go through one Transport (http.py), which
sets the deadline, maps errors through the single table (errors.py) and logs one line per call.
Inputs are checked before any request (validation.py).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import requests

from . import parsing
from .errors import API_PARTICULIER
from .http import BaseClient, Reply, Timeout
from .types import Identite, PingStatus, Provenance, QuotientFamilialResult
from .validation import clean_recipient, clean_year_month, identite_query

PRODUCTION_URL = "https://particulier.api.gouv.fr"
STAGING_URL = "https://staging.particulier.api.gouv.fr"

QF_IDENTITE_PATH = "/v3/dss/quotient_familial/identite"
QF_FRANCE_CONNECT_PATH = "/v3/dss/quotient_familial/france_connect"
QF_V2_PATH = "/api/v2/composition-familiale-v2"
INTROSPECT_PATH = "/api/introspect"
QF_PING_PATH = "/api/cnaf_msa_quotient_familial/ping"


def token_expiry(token: str) -> datetime | None:
    """The ``exp`` claim of a JWT, read without checking the signature (ours to read, not trust).

    API Particulier tokens live 18 months; the admin warns before the date. None when the token
    is not a JWT or has no ``exp``.
    """
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        return None
    try:
        return datetime.fromtimestamp(exp, UTC)
    except (OverflowError, OSError, ValueError):
        return None


class ApiParticulierClient(BaseClient):
    """A client of API Particulier for one token and one recipient (the town's SIRET).

    :param base_url: ``https://particulier.api.gouv.fr``, the staging URL or the sandbox's.
    :param token: the API Particulier token (a JWT, 18 months); sent as ``Authorization: Bearer``
        (``X-Api-Key`` on the v2 route), never in the URL, never logged.
    :param recipient: the SIRET of the public body receiving the data, sent on every call
        (REFERENCE.md §3.2). Refused at construction (InvalidRecipient) when not a valid SIRET.
    :param timeout: connect timeout and wall-clock deadline of a call (default 3 s / 6 s).
    :param session: a ``requests.Session`` to share connections; a DeadlineAdapter is mounted on
        it for ``base_url`` when it has none.
    :param retries: extra attempts after a 502, a 504 or a network error, within the deadline.
        None by default: retries belong to background work, not to a citizen waiting.
    """

    api = API_PARTICULIER

    def __init__(
        self,
        base_url: str,
        token: str,
        recipient: str,
        *,
        timeout: Timeout | None = None,
        session: requests.Session | None = None,
        retries: int = 0,
    ) -> None:
        if not isinstance(token, str) or not token.strip():
            raise ValueError("token is required")
        self._token = token.strip()
        self.recipient = clean_recipient(recipient, endpoint="configuration")
        self._open_transport(base_url, timeout=timeout, session=session, retries=retries)

    @property
    def token_expires_at(self) -> datetime | None:
        """When the token expires, from its ``exp`` claim (None if it does not say)."""
        return token_expiry(self._token)

    def quotient_familial(
        self,
        identite: Identite,
        annee: int | None = None,
        mois: int | None = None,
        *,
        no_cache: bool = False,
    ) -> QuotientFamilialResult:
        """``GET /v3/dss/quotient_familial/identite``: QF and family of an allocataire.

        ``annee``/``mois`` select a past month (N-2..N, never in the future); by default the API
        answers the current month. ``no_cache`` asks the API to skip its 24 h cache.
        """
        endpoint = "quotient_familial"
        params = [("recipient", self.recipient), *identite_query(identite, endpoint=endpoint)]
        params += _year_month(annee, mois, endpoint)
        return self._qf(
            endpoint, QF_IDENTITE_PATH, params, self._auth(self._token), no_cache=no_cache
        )

    def quotient_familial_france_connect(
        self,
        access_token: str,
        annee: int | None = None,
        mois: int | None = None,
        *,
        no_cache: bool = False,
    ) -> QuotientFamilialResult:
        """``GET /v3/dss/quotient_familial/france_connect``: the citizen's FranceConnect token
        replaces both the identity and our token; its scopes mask the answer."""
        endpoint = "quotient_familial_france_connect"
        access_token = self._france_connect_token(access_token, endpoint)
        params = [("recipient", self.recipient), *_year_month(annee, mois, endpoint)]
        return self._qf(
            endpoint,
            QF_FRANCE_CONNECT_PATH,
            params,
            self._auth(access_token),
            no_cache=no_cache,
        )

    def composition_familiale_v2(
        self,
        identite: Identite,
        annee: int | None = None,
        mois: int | None = None,
        *,
        no_cache: bool = False,
    ) -> QuotientFamilialResult:
        """``GET /api/v2/composition-familiale-v2`` (deprecated, ``X-Api-Key``), as v3 values.

        Differences to keep in mind: ``fournisseur`` may be None (the serializer sends no
        ``regime``) and the calculation month is absent; a not-matched identity is a 400.
        """
        endpoint = "composition_familiale_v2"
        params = [
            ("recipient", self.recipient),
            *identite_query(identite, endpoint=endpoint, v2=True),
        ]
        params += _year_month(annee, mois, endpoint)
        headers = {"X-Api-Key": self._token, "Accept": "application/json"}
        return self._qf(
            endpoint,
            QF_V2_PATH,
            params,
            headers,
            no_cache=no_cache,
            parser=parsing.quotient_familial_v2,
        )

    def scopes(self) -> frozenset[str]:
        """``GET /api/introspect``: the scopes of our token (the token in a header, not the URL)."""
        return self._transport.call(
            "GET",
            INTROSPECT_PATH,
            endpoint="introspect",
            headers=self._auth(self._token),
            parse=lambda reply: parsing.introspect_scopes(reply.data),
        )

    def ping(self) -> PingStatus:
        """``GET /api/cnaf_msa_quotient_familial/ping``: ok, bad_gateway (a 502), maintenance or
        unknown. No token needed; an unreachable API raises ProviderUnavailable."""
        return self._transport.call(
            "GET",
            QF_PING_PATH,
            endpoint="ping",
            headers={"Accept": "application/json"},
            ok=frozenset({200, 502}),
            parse=lambda reply: parsing.ping_status(reply.data),
        )

    def _qf(
        self,
        endpoint: str,
        path: str,
        params: list[tuple[str, str]],
        headers: dict[str, str],
        *,
        no_cache: bool,
        parser=parsing.quotient_familial_v3,
    ) -> QuotientFamilialResult:
        """One quotient familial call (v3 by identity or FranceConnect, or the v2 route)."""
        if no_cache:
            headers = {**headers, "Cache-Control": "no-cache"}
        return self._transport.call(
            "GET",
            path,
            endpoint=endpoint,
            params=params,
            headers=headers,
            parse=partial(_parse_qf, parser, endpoint),
        )

    @staticmethod
    def _auth(bearer: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {bearer}", "Accept": "application/json"}


def _year_month(annee: int | None, mois: int | None, endpoint: str) -> list[tuple[str, str]]:
    annee, mois = clean_year_month(annee, mois, endpoint=endpoint)
    params = []
    if annee is not None:
        params.append(("annee", str(annee)))
    if mois is not None:
        params.append(("mois", str(mois)))
    return params


def _parse_qf(
    read: Callable[[Any, Provenance], QuotientFamilialResult], endpoint: str, reply: Reply
) -> QuotientFamilialResult:
    return read(reply.data, reply.provenance(endpoint))
