"""A FranceConnect v2 stand-in (``eidas1``), as strict as FranceConnect's own server code.

Served by the sandbox under ``/api/v2/`` (reference ``franceconnect/REFERENCE.md`` §8): discovery,
``authorize`` (an identity chooser; ``login_hint=<account>`` skips it), ``token``
(``client_secret_post`` only: a Basic header is refused), ``userinfo`` (an ES256 JWT), ``jwks``
(the signing key and the next one), ``session/end``, ``token/revocation`` and ``checktoken`` (for
data providers: the sandbox's own FranceConnect routes read the same introspection).

Strictness, after FranceConnect: unknown client or a redirect URI that is not byte-identical to a
registered one gets an error *page*, never a redirect; ``state`` and ``nonce`` of 22 characters at
least, ``acr_values`` and ``openid`` required, ``prompt=none`` refused; codes are single-use and
live 30 s (reusing one revokes what it gave); access tokens and ID tokens live 60 s; the FC session
lives 30 min (sliding) and ends at ``session/end``, which makes its tokens inactive. Every
redirection back carries ``iss`` (RFC 9207). Times come from ``clock`` so tests can move it.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from . import fc_pages
from .answers import Answer, Request, json_answer
from .fc_accounts import CANCEL, Account, accounts
from .fc_rules import (
    ACR,
    ALLOWED_SCOPES,
    CODE_TTL,
    DEFAULT_LOGOUT_URIS,
    DEFAULT_REDIRECT_URIS,
    FC_CLIENT_ID,
    FC_CLIENT_SECRET,
    FC_DATA_PROVIDER_ID,
    FC_DATA_PROVIDER_SECRET,
    PREFIX,
    PROVIDER_SCOPES,
    SESSION_TTL,
    TOKEN_TTL,
    TRANSACTION_TTL,
    FcClient,
    Grant,
    Introspection,
    Session,
    Token,
    bearer_error,
    check_authorize,
    form_of,
    oauth_error,
    redirect,
)
from .jose import SigningKey, at_hash

__all__ = [
    "FC_CLIENT_ID",
    "FC_CLIENT_SECRET",
    "FC_DATA_PROVIDER_ID",
    "FC_DATA_PROVIDER_SECRET",
    "PREFIX",
    "FranceConnect",
    "Introspection",
]


class FranceConnect:
    """The stand-in's clients, keys, codes, tokens and sessions (thread-safe)."""

    def __init__(
        self,
        redirect_uris: Iterable[str] = DEFAULT_REDIRECT_URIS,
        logout_uris: Iterable[str] = DEFAULT_LOGOUT_URIS,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = "http://127.0.0.1" + PREFIX  # set by the Sandbox once its port is known
        self.clock = clock
        self._lock = threading.Lock()
        self.clients: dict[str, FcClient] = {}
        self.register_client(FC_CLIENT_ID, FC_CLIENT_SECRET, redirect_uris, logout_uris)
        self.data_providers = {FC_DATA_PROVIDER_ID: FC_DATA_PROVIDER_SECRET}
        self._keys = [SigningKey.generate(), SigningKey.generate()]  # signing, next
        self._retired: list[SigningKey] = []
        self._transactions: dict[str, tuple[dict[str, str], float]] = {}
        self._codes: dict[str, Grant] = {}
        self._tokens: dict[str, Token] = {}
        self._id_tokens: dict[str, Session] = {}
        # Test switches making the stand-in misbehave, for relying-party tests:
        # {"id_token": {claim: value or None to drop}, "userinfo": {…}, "userinfo_unsigned": True,
        #  "foreign_key": True (sign with a key the JWKS does not publish)}.
        self.tamper: dict[str, Any] = {}

    # -- configuration --------------------------------------------------------------------------
    def register_client(
        self,
        client_id: str,
        secret: str,
        redirect_uris: Iterable[str],
        logout_uris: Iterable[str] = (),
    ) -> None:
        self.clients[client_id] = FcClient(
            client_id, secret, frozenset(redirect_uris), frozenset(logout_uris)
        )

    def rotate_keys(self) -> None:
        """The next key signs from now on; a new next key is published (clients refetch)."""
        with self._lock:
            self._retired.append(self._keys[0])
            self._keys = [self._keys[1], SigningKey.generate()]

    @property
    def signing_key(self) -> SigningKey:
        return self._keys[0]

    def reset(self) -> None:
        self.tamper = {}
        with self._lock:
            self._transactions.clear()
            self._codes.clear()
            self._tokens.clear()
            self._id_tokens.clear()

    def url(self, name: str) -> str:
        return f"{self.issuer}/{name}"

    # -- endpoints ------------------------------------------------------------------------------
    def discovery(self, request: Request) -> Answer:
        return json_answer(
            200,
            {
                "issuer": self.issuer,
                "authorization_endpoint": self.url("authorize"),
                "token_endpoint": self.url("token"),
                "userinfo_endpoint": self.url("userinfo"),
                "jwks_uri": self.url("jwks"),
                "end_session_endpoint": self.url("session/end"),
                "revocation_endpoint": self.url("token/revocation"),
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["pairwise"],
                "acr_values_supported": [ACR],
                "scopes_supported": sorted(ALLOWED_SCOPES),
                "claims_supported": sorted(
                    {"sub", "given_name", "given_name_array", "family_name", "birthdate"}
                    | {"gender", "birthplace", "birthcountry", "preferred_username", "email"}
                ),
                "claims_parameter_supported": True,
                "request_parameter_supported": False,
                "prompt_values_supported": ["login", "consent"],
                # As FranceConnect's discovery: HS256 is listed, never used; clients must pin.
                "id_token_signing_alg_values_supported": ["ES256", "RS256", "HS256"],
                "userinfo_signing_alg_values_supported": ["ES256", "RS256", "HS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
                "authorization_response_iss_parameter_supported": True,
            },
        )

    def jwks(self, request: Request) -> Answer:
        return json_answer(200, {"keys": [key.public_jwk() for key in self._keys]})

    def authorize(self, request: Request) -> Answer:
        params = dict(request.query) if request.method == "GET" else form_of(request)
        client = self.clients.get(params.get("client_id", ""))
        if client is None:
            return fc_pages.error_page(400, "Y04EA6EF", "Le fournisseur de service est inconnu.")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in client.redirect_uris:
            return fc_pages.error_page(
                400, "Y04C013C", "L'adresse de retour n'est pas déclarée pour ce service."
            )
        problem = check_authorize(params)
        if problem:
            error, description = problem
            return self._back(
                redirect_uri, params.get("state"), error=error, description=description
            )
        hint = params.get("login_hint", "")
        if hint == CANCEL:
            return self._cancelled(params)
        if hint in accounts():
            return self._login(params, accounts()[hint])
        transaction = secrets.token_urlsafe(16)
        with self._lock:
            self._purge()
            self._transactions[transaction] = (params, self.clock())
        return fc_pages.chooser(
            transaction, PREFIX + "/interaction", client.name, accounts().values()
        )

    def interaction(self, request: Request) -> Answer:
        """The chooser's form: an account, « Revenir sur le site », or a simulated error."""
        if request.method != "POST":
            return fc_pages.error_page(405, "Y000405", "Méthode non autorisée.")
        form = form_of(request)
        with self._lock:
            found = self._transactions.pop(form.get("transaction", ""), None)
        if found is None or found[1] + TRANSACTION_TTL < self.clock():
            return fc_pages.error_page(400, "Y03FE2A7", "La session FranceConnect a expiré.")
        params = found[0]
        error = form.get("error")
        if error in ("server_error", "temporarily_unavailable"):
            return self._back(
                params["redirect_uri"], params["state"], error=error, description=error
            )
        account = form.get("account", "")
        if account == CANCEL:
            return self._cancelled(params)
        if account not in accounts():
            return fc_pages.error_page(400, "Y000400", "Identité de test inconnue.")
        return self._login(params, accounts()[account])

    def token(self, request: Request) -> Answer:
        if request.method != "POST":
            return oauth_error(405, "invalid_request", "POST attendu")
        if (request.header("authorization") or "").lower().startswith("basic"):
            # client_secret_basic is refused by FranceConnect: the secret goes in the body.
            return oauth_error(401, "invalid_client", "client_secret_basic non accepté")
        form = form_of(request)
        client = self.clients.get(form.get("client_id", ""))
        if client is None or not secrets.compare_digest(
            client.secret.encode(), form.get("client_secret", "").encode()
        ):
            return oauth_error(401, "invalid_client", "client inconnu ou secret invalide")
        if form.get("grant_type") != "authorization_code":
            return oauth_error(400, "unsupported_grant_type", "authorization_code seulement")
        now = self.clock()
        with self._lock:
            grant = self._codes.get(form.get("code", ""))
            if grant is None or grant.client_id != client.client_id:
                return oauth_error(400, "invalid_grant", "code inconnu")
            if grant.used:  # a replayed code: refuse it and revoke what it gave
                for token in grant.tokens:
                    self._tokens[token].revoked = True
                return oauth_error(400, "invalid_grant", "code déjà utilisé")
            grant.used = True
            if grant.created + CODE_TTL < now:
                return oauth_error(400, "invalid_grant", "code expiré")
            if form.get("redirect_uri") != grant.redirect_uri:
                return oauth_error(400, "invalid_grant", "redirect_uri différente")
            access_token = secrets.token_urlsafe(32)
            self._tokens[access_token] = Token(client.client_id, grant.scopes, grant.session, now)
            grant.tokens.append(access_token)
            account = grant.session.account
            id_token = self._sign(
                "id_token",
                {
                    "iss": self.issuer,
                    "aud": client.client_id,
                    "sub": account.sub(client.client_id, client.secret),
                    "iat": int(now),
                    "exp": int(now) + TOKEN_TTL,
                    "auth_time": int(grant.session.last_seen),
                    "nonce": grant.nonce,
                    "acr": ACR,
                    "amr": ["pwd"],
                    "at_hash": at_hash(access_token),
                },
            )
            self._id_tokens[id_token] = grant.session
        payload = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL,
            "id_token": id_token,
            "scope": " ".join(sorted(grant.scopes)),
        }
        return json_answer(200, payload, ("Cache-Control", "no-store"), ("Pragma", "no-cache"))

    def userinfo(self, request: Request) -> Answer:
        if "access_token" in dict(request.query):
            return bearer_error("invalid_request", "jeton attendu dans l'en-tête Authorization")
        token = self._active(request.bearer())
        if token is None:
            return bearer_error("invalid_token", "jeton inconnu, révoqué ou expiré")
        client = self.clients[token.client_id]
        account = token.session.account
        claims = {
            "iss": self.issuer,
            "aud": client.client_id,
            "sub": account.sub(client.client_id, client.secret),
            "iat": int(self.clock()),
            **account.released(token.scopes),
        }
        if self.tamper.get("userinfo_unsigned"):
            return json_answer(200, {**claims, **self.tamper.get("userinfo", {})})
        body = self._sign("userinfo", claims).encode("ascii")
        return Answer(200, body, "application/jwt", (("Cache-Control", "no-store"),))

    def session_end(self, request: Request) -> Answer:
        params = dict(request.query)
        hint = params.get("id_token_hint", "")
        claims = self._verify_any(hint)
        client = self.clients.get(str(claims.get("aud"))) if claims else None
        if claims is None or client is None or claims.get("iss") != self.issuer:
            return fc_pages.error_page(400, "Y030007", "id_token_hint absent ou invalide.")
        if params.get("client_id") not in (None, client.client_id):
            return fc_pages.error_page(400, "Y030008", "client_id différent de celui du jeton.")
        target = params.get("post_logout_redirect_uri")
        if target is not None and target not in client.logout_uris:
            return fc_pages.error_page(
                400, "Y030009", "L'adresse de retour après déconnexion n'est pas déclarée."
            )
        with self._lock:
            session = self._id_tokens.get(hint)
            if session is not None:
                session.alive = False
        if target is None:
            return fc_pages.logged_out()
        query = {"state": params["state"]} if "state" in params else {}
        return redirect(target, query)

    def revocation(self, request: Request) -> Answer:
        form = form_of(request)
        client = self.clients.get(form.get("client_id", ""))
        if client is None or client.secret != form.get("client_secret"):
            return oauth_error(401, "invalid_client", "client inconnu ou secret invalide")
        with self._lock:
            token = self._tokens.get(form.get("token", ""))
            if token is not None and token.client_id == client.client_id:
                token.revoked = True
        return Answer(200, b"", None)

    def checktoken(self, request: Request) -> Answer:
        """For data providers: a signed ``token_introspection`` (JWS, not encrypted here)."""
        if request.method != "POST":
            return oauth_error(405, "invalid_request", "POST attendu")
        form = form_of(request)
        secret = self.data_providers.get(form.get("client_id", ""))
        if secret is None or secret != form.get("client_secret"):
            return oauth_error(401, "invalid_client", "fournisseur de données inconnu")
        found = self.introspect(form.get("token", ""), provider=form["client_id"])
        body = {
            "iss": self.issuer,
            "aud": form["client_id"],
            "iat": int(self.clock()),
            "token_introspection": dict(found.claims) if found else {"active": False},
        }
        signed = self.signing_key.sign(body, typ="token-introspection+jwt")
        return Answer(200, signed.encode("ascii"), "application/token-introspection+jwt")

    # -- for the sandbox's own data routes ------------------------------------------------------
    def introspect(
        self, access_token: str, provider: str = FC_DATA_PROVIDER_ID
    ) -> Introspection | None:
        """What checktoken says of an access token: None when inactive (unknown, older than 60 s,
        revoked, or its FranceConnect session ended)."""
        token = self._active(access_token)
        if token is None:
            return None
        account = token.session.account
        scopes = token.scopes & PROVIDER_SCOPES
        claims: dict[str, Any] = {
            "active": True,
            "aud": token.client_id,
            "sub": account.sub(provider, self.data_providers.get(provider, "")),
            "iat": int(token.created),
            "exp": int(token.created) + TOKEN_TTL,
            "acr": ACR,
            "jti": secrets.token_urlsafe(16),
            "scope": " ".join(sorted(scopes)),
            **{k: v for k, v in account.claims.items() if k != "email"},
        }
        return Introspection(account, frozenset(scopes), claims)

    # -- internals ------------------------------------------------------------------------------
    def _sign(self, what: str, claims: dict[str, Any]) -> str:
        """Sign ``claims``, first applying the test switches of ``tamper`` (see __init__)."""
        for key, value in self.tamper.get(what, {}).items():
            if value is None:
                claims.pop(key, None)
            else:
                claims[key] = value
        if self.tamper.get("foreign_key"):
            return SigningKey.generate().sign(claims)
        return self.signing_key.sign(claims)

    def _active(self, access_token: str | None) -> Token | None:
        now = self.clock()
        with self._lock:
            token = self._tokens.get(access_token or "")
            if token is None or token.revoked or token.created + TOKEN_TTL <= now:
                return None
            session = token.session
            if not session.alive or session.last_seen + SESSION_TTL <= now:
                return None
            session.last_seen = now
            return token

    def _login(self, params: Mapping[str, str], account: Account) -> Answer:
        code = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._codes[code] = Grant(
                client_id=params["client_id"],
                redirect_uri=params["redirect_uri"],
                nonce=params["nonce"],
                scopes=frozenset(params["scope"].split()),
                session=Session(account, now),
                created=now,
            )
        return redirect(
            params["redirect_uri"], {"code": code, "state": params["state"], "iss": self.issuer}
        )

    def _cancelled(self, params: Mapping[str, str]) -> Answer:
        return self._back(
            params["redirect_uri"],
            params["state"],
            error="access_denied",
            description="User auth aborted",
        )

    def _back(
        self, redirect_uri: str, state: str | None, *, error: str, description: str
    ) -> Answer:
        query = {"error": error, "error_description": description}
        if state:
            query["state"] = state
        query["iss"] = self.issuer
        return redirect(redirect_uri, query)

    def _verify_any(self, token: str) -> dict[str, Any] | None:
        for key in (*self._keys, *self._retired):
            claims = key.verify(token)
            if claims is not None:
                return claims
        return None

    def _purge(self) -> None:
        now = self.clock()
        self._transactions = {
            k: v for k, v in self._transactions.items() if v[1] + TRANSACTION_TTL >= now
        }
        self._codes = {k: g for k, g in self._codes.items() if g.created + 5 * CODE_TTL >= now}
        self._tokens = {k: t for k, t in self._tokens.items() if t.created + 5 * TOKEN_TTL >= now}
