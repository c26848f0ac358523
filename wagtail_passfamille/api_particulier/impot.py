"""API Impôt particulier (DGFiP): a household's income-tax situation, by SPI or FranceConnect.

Tax data left API Particulier in 2024 (its avis-d'imposition route answers 410); the DGFiP serves
them itself (``openapi/api-impot-particulier.json``): OAuth2 client credentials, a
``X-Correlation-ID`` UUID on every call, and abbreviated field names (``rfr``, ``nbPart``…) that
the typed result renames. Only 200, 400 and 403 are documented for these routes: the rest of the
behaviour the client relies on is listed in ``errors.DGFIP_ASSUMPTIONS``.
"""

from __future__ import annotations

import threading
import time
import uuid
from functools import partial

import requests

from . import parsing
from .errors import IMPOT_PARTICULIER, Unauthorized
from .http import BaseClient, Reply, Timeout
from .types import SituationIR
from .validation import clean_annee_revenus, clean_numero_fiscal

SITUATION_IR_MEDIA = "application/prs.dgfip.part.situations.ir.assiettes.v1+json"
DERNIERE_SITUATION_MEDIA = "application/prs.dgfip.part.derniere.situations.ir.assiettes.v1+json"
# A token answer without expires_in is kept this long (an assumption, see DGFIP_ASSUMPTIONS).
DEFAULT_TOKEN_LIFETIME = 300.0


class ImpotParticulierClient(BaseClient):
    """A client of API Impôt particulier for one OAuth2 client (client credentials grant).

    The access token is fetched on first use, shared by the threads using this client, renewed
    shortly before it expires, and renewed once more when a data route answers 401.

    :param base_url: the API's base, e.g. ``https://<gateway>/impotparticulier/1.0``.
    :param token_url: the OAuth2 token endpoint, e.g. ``https://<gateway>/token``.
    :param client_id: the OAuth2 client id of the habilitation.
    :param client_secret: its secret; sent in HTTP Basic auth to ``token_url`` only, never logged.
    :param scope: the scopes to ask for (``"RessourceIR RessourceIRDerniere"``); None asks for
        the client's default scopes.
    :param id_teleservice: sent as ``ID_Teleservice`` when the DGFiP gave one.
    :param timeout, session, retries: as for ApiParticulierClient.
    """

    api = IMPOT_PARTICULIER
    # The clock deciding when the access token is renewed; tests replace it on the instance.
    _clock = staticmethod(time.monotonic)

    def __init__(
        self,
        base_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        timeout: Timeout | None = None,
        session: requests.Session | None = None,
        retries: int = 0,
        scope: str | None = None,
        id_teleservice: str | None = None,
    ) -> None:
        for name, value in (("client_id", client_id), ("client_secret", client_secret)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} is required")
        self.token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self.scope = scope
        self.id_teleservice = id_teleservice
        self._open_transport(base_url, timeout=timeout, session=session, retries=retries)
        self._lock = threading.Lock()
        self._access_token: str | None = None
        self._renew_at = 0.0

    def situation_ir(self, numero_fiscal: str, annee_revenus: int) -> SituationIR:
        """``GET /spi/{spi}/situations/ir/assiettes/annrev/{annrev}`` (scope RessourceIR)."""
        endpoint = "situation_ir"
        spi = clean_numero_fiscal(numero_fiscal, endpoint=endpoint)
        annee = clean_annee_revenus(annee_revenus, endpoint=endpoint)
        path = f"/spi/{spi}/situations/ir/assiettes/annrev/{annee}"
        return self._situation(endpoint, path, annee, SITUATION_IR_MEDIA)

    def derniere_situation_ir(self, numero_fiscal: str, annee_revenus: int) -> SituationIR:
        """``GET /spi/{spi}/dernieresituation/ir/assiettes/annrev/{annrev}``: the latest situation
        of that year, after corrections (scope RessourceIRDerniere)."""
        endpoint = "derniere_situation_ir"
        spi = clean_numero_fiscal(numero_fiscal, endpoint=endpoint)
        annee = clean_annee_revenus(annee_revenus, endpoint=endpoint)
        path = f"/spi/{spi}/dernieresituation/ir/assiettes/annrev/{annee}"
        return self._situation(endpoint, path, annee, DERNIERE_SITUATION_MEDIA)

    def situation_ir_france_connect(self, access_token: str, annee_revenus: int) -> SituationIR:
        """``GET /situations/ir/assiettes/annrev/{annrev}`` with the citizen's FranceConnect token
        in ``X-FranceConnect-OAuth`` (our OAuth2 token still goes in ``Authorization``)."""
        endpoint = "situation_ir_france_connect"
        access_token = self._france_connect_token(access_token, endpoint)
        annee = clean_annee_revenus(annee_revenus, endpoint=endpoint)
        path = f"/situations/ir/assiettes/annrev/{annee}"
        extra = {"X-FranceConnect-OAuth": access_token}
        return self._situation(endpoint, path, annee, SITUATION_IR_MEDIA, extra)

    def _situation(
        self,
        endpoint: str,
        path: str,
        annee: int,
        media_type: str,
        extra_headers: dict[str, str] | None = None,
    ) -> SituationIR:
        stale: str | None = None
        for attempt in (1, 2):
            bearer = self._bearer(stale=stale)
            correlation_id = str(uuid.uuid4())
            headers = {
                "Authorization": f"Bearer {bearer}",
                "X-Correlation-ID": correlation_id,
                "Accept": f"{media_type}, application/json",
                **(extra_headers or {}),
            }
            if self.id_teleservice:
                headers["ID_Teleservice"] = self.id_teleservice
            try:
                return self._transport.call(
                    "GET",
                    path,
                    endpoint=endpoint,
                    headers=headers,
                    request_id=correlation_id,
                    parse=partial(_parse_situation, endpoint, annee),
                )
            except Unauthorized:
                if attempt == 2:
                    raise
            stale = bearer  # our token was refused: renew it once (DGFIP_ASSUMPTIONS)
        raise AssertionError("unreachable")  # pragma: no cover

    def _bearer(self, *, stale: str | None = None) -> str:
        """The current access token, fetched once for all threads; renewed when ``stale``."""
        with self._lock:
            expired = self._clock() >= self._renew_at
            if self._access_token is None or expired or self._access_token == stale:
                token, lifetime = self._fetch_token()
                self._access_token = token
                # Renew before the gateway sees it expire: 10 % of its life, at most a minute.
                self._renew_at = self._clock() + lifetime - min(60.0, lifetime / 10)
            return self._access_token

    def _fetch_token(self) -> tuple[str, float]:
        data = {"grant_type": "client_credentials"}
        if self.scope:
            data["scope"] = self.scope
        return self._transport.call(
            "POST",
            "",
            url=self.token_url,
            endpoint="dgfip_token",
            data=data,
            auth=(self._client_id, self._client_secret),
            headers={"Accept": "application/json"},
            parse=_parse_token,
        )


def _parse_token(reply: Reply) -> tuple[str, float]:
    body = reply.data
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise ValueError("access_token missing")
    lifetime = body.get("expires_in")
    if isinstance(lifetime, str) and lifetime.isascii() and lifetime.isdigit():
        lifetime = int(lifetime)  # some gateways send it as a string
    if not isinstance(lifetime, int | float) or isinstance(lifetime, bool) or lifetime <= 0:
        lifetime = DEFAULT_TOKEN_LIFETIME
    return token, float(lifetime)


def _parse_situation(endpoint: str, annee: int, reply: Reply) -> SituationIR:
    return parsing.situation_ir(reply.data, annee, reply.provenance(endpoint))
