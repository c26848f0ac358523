"""The FranceConnect relying party: Authlib for the OAuth2 exchange, joserfc for every signature.

One :class:`FranceConnectClient` per credential profile (``FRANCECONNECT`` section: ``ISSUER``,
``CLIENT_ID``, ``CLIENT_SECRET``; secrets come from the environment through the settings). It
checks what FranceConnect's qualification checks (reference franceconnect/REFERENCE.md §9):
discovery whose ``issuer`` is the configured one; ``client_secret_post`` (Authlib's default is
Basic, refused by FranceConnect: pitfall 1); ``state`` and ``nonce`` of 43 characters, checked
(Authlib's own nonce is 20, under FranceConnect's 22: pitfall 2); ``iss`` on the callback
(RFC 9207); the ID token's ES256/RS256 signature against the JWKS (refetched once on an unknown
``kid``), ``iss``, ``aud``, ``exp``/``iat`` with 60 s of leeway, ``nonce``, ``acr``, ``at_hash``;
the userinfo as a signed JWT (Authlib's ``userinfo()`` expects JSON: pitfall 3), with ``iss``,
``aud`` and the ID token's ``sub``. The access token goes in the ``Authorization`` header by hand
(Authlib's 60 s leeway would count FranceConnect's 60 s token as expired at once: pitfall 9).

Errors are :class:`FranceConnectError` with a ``reason`` the views turn into a French message;
their text never carries a token, a code or an identity.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from base64 import urlsafe_b64encode
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ACR_LEVELS = ("eidas1", "eidas2", "eidas3")
ALGORITHMS = ("ES256", "RS256")  # never HS256, though FranceConnect's discovery lists it
LEEWAY = 60
METADATA_TTL = 60 * 60
TIMEOUT = (3.0, 6.0)
IDENTITY_SCOPES = ("openid", "identite_pivot")


class FranceConnectError(Exception):
    """A login that cannot go on; ``reason`` is one of REASONS."""

    REASONS = ("cancelled", "unavailable", "invalid", "expired", "not_configured")

    def __init__(self, reason: str, detail: str = "") -> None:
        assert reason in self.REASONS, reason
        self.reason = reason
        self.detail = detail  # for logs: never a token, a code or an identity
        super().__init__(f"FranceConnect: {reason} ({detail})" if detail else reason)


@dataclass(frozen=True)
class Config:
    """A credential profile's ``FRANCECONNECT`` section."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    acr: str = "eidas1"

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> Config:
        try:
            return cls(
                issuer=str(values["ISSUER"]).rstrip("/"),
                client_id=str(values["CLIENT_ID"]),
                client_secret=str(values["CLIENT_SECRET"]),
                acr=str(values.get("ACR", "eidas1")),
            )
        except KeyError as error:
            raise FranceConnectError("not_configured", f"missing {error}") from None


@dataclass(frozen=True)
class Pending:
    """What the login keeps server-side between the redirection and the callback."""

    state: str
    nonce: str
    redirect_uri: str
    scopes: tuple[str, ...]
    created: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "nonce": self.nonce,
            "redirect_uri": self.redirect_uri,
            "scopes": list(self.scopes),
            "created": self.created,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pending:
        return cls(
            str(data["state"]),
            str(data["nonce"]),
            str(data["redirect_uri"]),
            tuple(data["scopes"]),
            float(data["created"]),
        )


@dataclass(frozen=True)
class Login:
    """A verified login: the ID token's claims, the userinfo's, and the two tokens.

    The access token lives 60 s: use it for the data calls within the callback, never keep it.
    The ID token is kept server-side for the logout's ``id_token_hint`` only.
    """

    sub: str
    claims: Mapping[str, Any]  # the verified userinfo
    id_token: str = field(repr=False)
    access_token: str = field(repr=False)
    scopes: frozenset[str]
    acr: str


class _Provider:
    """Discovery and JWKS of one issuer, cached per process, the JWKS refetched on a new kid."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self._lock = threading.Lock()
        self._metadata: tuple[dict[str, Any], float] | None = None
        self._keys: KeySet | None = None

    def metadata(self, http: requests.Session) -> dict[str, Any]:
        with self._lock:
            if self._metadata and self._metadata[1] > time.monotonic():
                return self._metadata[0]
        url = f"{self.issuer}/.well-known/openid-configuration"
        data = _get_json(http, url)
        if data.get("issuer") != self.issuer:
            raise FranceConnectError("invalid", "discovery issuer differs")
        for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
            if not isinstance(data.get(key), str):
                raise FranceConnectError("unavailable", f"discovery without {key}")
        with self._lock:
            self._metadata = (data, time.monotonic() + METADATA_TTL)
        return data

    def keys(self, http: requests.Session, kid: str | None) -> KeySet:
        with self._lock:
            keys = self._keys
        if keys is not None and any(key.kid == kid for key in keys.keys):
            return keys
        data = _get_json(http, self.metadata(http)["jwks_uri"])
        try:
            keys = KeySet.import_key_set(data)
        except (JoseError, ValueError, KeyError, TypeError):
            raise FranceConnectError("unavailable", "JWKS unreadable") from None
        with self._lock:
            self._keys = keys
        return keys


_providers: dict[str, _Provider] = {}
_providers_lock = threading.Lock()


def provider(issuer: str) -> _Provider:
    with _providers_lock:
        return _providers.setdefault(issuer, _Provider(issuer))


def forget_providers() -> None:
    """Drop cached discovery and keys (tests; a key rotation is handled without it)."""
    with _providers_lock:
        _providers.clear()


def _get_json(http: requests.Session, url: str) -> dict[str, Any]:
    try:
        answer = http.get(url, timeout=TIMEOUT)
    except requests.RequestException:
        raise FranceConnectError("unavailable", "no answer") from None
    if answer.status_code != 200:
        raise FranceConnectError("unavailable", f"HTTP {answer.status_code}")
    try:
        data = answer.json()
    except ValueError:
        raise FranceConnectError("unavailable", "not JSON") from None
    if not isinstance(data, dict):
        raise FranceConnectError("unavailable", "not a JSON object")
    return data


def _random() -> str:
    return secrets.token_urlsafe(32)  # 43 characters: over FranceConnect's 22


class FranceConnectClient:
    def __init__(self, config: Config, http: requests.Session | None = None) -> None:
        self.config = config
        self.http = http or requests.Session()
        self.provider = provider(config.issuer)

    def _oauth(self, redirect_uri: str, scopes: Iterable[str]) -> OAuth2Session:
        session = OAuth2Session(
            self.config.client_id,
            self.config.client_secret,
            scope=" ".join(scopes),
            redirect_uri=redirect_uri,
            token_endpoint_auth_method="client_secret_post",  # noqa: S106 - pitfall 1
        )
        session.trust_env = self.http.trust_env
        return session

    # -- the way out ----------------------------------------------------------------------------
    def authorization(self, redirect_uri: str, scopes: Iterable[str]) -> tuple[str, Pending]:
        """The URL to send the citizen to, and what to keep for the callback."""
        scopes = tuple(dict.fromkeys(("openid", *scopes)))
        metadata = self.provider.metadata(self.http)
        pending = Pending(_random(), _random(), redirect_uri, scopes, time.time())
        url, _state = self._oauth(redirect_uri, scopes).create_authorization_url(
            metadata["authorization_endpoint"],
            state=pending.state,
            nonce=pending.nonce,  # pitfall 2: always ours
            acr_values=self.config.acr,
        )
        return url, pending

    # -- the way back ---------------------------------------------------------------------------
    def callback(self, query: Mapping[str, str], pending: Pending) -> Login:
        """Check the callback's query against ``pending``, exchange the code, verify both JWTs."""
        if not secrets.compare_digest(query.get("state", ""), pending.state):
            raise FranceConnectError("invalid", "state differs")
        if query.get("iss") != self.config.issuer:  # RFC 9207, checked before trusting error
            raise FranceConnectError("invalid", "iss differs")
        error = query.get("error")
        if error == "access_denied":
            raise FranceConnectError("cancelled")
        if error in ("server_error", "temporarily_unavailable"):
            raise FranceConnectError("unavailable", error)
        if error:
            raise FranceConnectError("invalid", "error " + error[:40])
        code = query.get("code", "")
        if not code:
            raise FranceConnectError("invalid", "no code")
        token = self._exchange(code, pending)
        id_claims = self._id_token(token, pending)
        claims = self._userinfo(token["access_token"], id_claims["sub"])
        granted = str(token.get("scope") or " ".join(pending.scopes)).split()
        return Login(
            sub=id_claims["sub"],
            claims=claims,
            id_token=token["id_token"],
            access_token=token["access_token"],
            scopes=frozenset(granted),
            acr=id_claims["acr"],
        )

    def _exchange(self, code: str, pending: Pending) -> Mapping[str, Any]:
        metadata = self.provider.metadata(self.http)
        session = self._oauth(pending.redirect_uri, pending.scopes)
        try:
            token = session.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                timeout=TIMEOUT,
            )
        except requests.RequestException:
            raise FranceConnectError("unavailable", "token endpoint unreachable") from None
        except AuthlibBaseError as error:
            name = getattr(error, "error", "") or ""
            reason = "expired" if name == "invalid_grant" else "invalid"
            raise FranceConnectError(reason, f"token endpoint: {name[:40]}") from None
        except ValueError:
            raise FranceConnectError("unavailable", "token endpoint answer unreadable") from None
        for key in ("access_token", "id_token"):
            if not isinstance(token.get(key), str) or not token[key]:
                raise FranceConnectError("invalid", f"token answer without {key}")
        if str(token.get("token_type", "")).lower() != "bearer":
            raise FranceConnectError("invalid", "token_type is not Bearer")
        return token

    def _decode(self, text: str, **claims: Any) -> dict[str, Any]:
        """A JWS verified against the JWKS (one refetch on an unknown kid), claims checked."""
        try:
            header = jws.extract_compact(text.encode("ascii")).headers()
        except (JoseError, ValueError, UnicodeError):
            raise FranceConnectError("invalid", "not a JWS") from None
        if header.get("alg") not in ALGORITHMS:
            raise FranceConnectError("invalid", "algorithm not allowed")
        keys = self.provider.keys(self.http, header.get("kid"))
        try:
            token = jwt.decode(text, keys, algorithms=list(ALGORITHMS))
            options = {
                "iss": {"essential": True, "value": self.config.issuer},
                "aud": {"essential": True, "value": self.config.client_id},
                "sub": {"essential": True},
                **claims,
            }
            registry = jwt.JWTClaimsRegistry(leeway=LEEWAY, **options)
            registry.validate(token.claims)
        except JoseError as error:
            raise FranceConnectError("invalid", type(error).__name__) from None
        return token.claims

    def _id_token(self, token: Mapping[str, Any], pending: Pending) -> dict[str, Any]:
        allowed = ACR_LEVELS[ACR_LEVELS.index(self.config.acr) :]
        claims = self._decode(
            token["id_token"],
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": pending.nonce},
            acr={"essential": True, "values": list(allowed)},
        )
        aud = claims["aud"]
        if isinstance(aud, list) and (len(aud) != 1 and claims.get("azp") != self.config.client_id):
            raise FranceConnectError("invalid", "azp differs")  # pitfall 5
        if "at_hash" in claims and claims["at_hash"] != _at_hash(token["access_token"]):
            raise FranceConnectError("invalid", "at_hash differs")
        return claims

    def _userinfo(self, access_token: str, sub: str) -> dict[str, Any]:
        url = self.provider.metadata(self.http)["userinfo_endpoint"]
        try:
            answer = self.http.get(
                url, headers={"Authorization": f"Bearer {access_token}"}, timeout=TIMEOUT
            )
        except requests.RequestException:
            raise FranceConnectError("unavailable", "userinfo unreachable") from None
        if answer.status_code == 401:
            raise FranceConnectError("expired", "userinfo 401")
        if answer.status_code != 200:
            raise FranceConnectError("unavailable", f"userinfo HTTP {answer.status_code}")
        media = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media != "application/jwt":
            raise FranceConnectError("invalid", "userinfo is not a signed JWT")  # pitfall 3
        return self._decode(answer.text.strip(), sub={"essential": True, "value": sub})

    # -- logout ---------------------------------------------------------------------------------
    def logout_url(self, id_token: str, post_logout_redirect_uri: str, state: str) -> str | None:
        """``session/end`` with ``id_token_hint``, or None when discovery has no such endpoint."""
        try:
            metadata = self.provider.metadata(self.http)
        except FranceConnectError:
            return None
        endpoint = metadata.get("end_session_endpoint")
        if not isinstance(endpoint, str):
            return None
        query = {
            "id_token_hint": id_token,
            "state": state,
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
        return f"{endpoint}?{urlencode(query)}"


def _at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode("ascii")).digest()[:16]
    return urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
