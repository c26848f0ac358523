"""The sandbox's API Particulier tokens: JWT-shaped, signed HS256 with a public sandbox key.

A token carries its own configuration in its claims (``scopes``, ``rate_limit`` requests per
``rate_period`` seconds, ``exp``), so tests make the token they need with ``make_token`` and the
sandbox needs no registry. Clients read the ``exp`` claim as they do for real tokens. Nothing here
is a secret: the key only keeps the sandbox from accepting tokens it did not make.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from wagtail_passfamille.api_particulier.types import QF_SCOPES

SANDBOX_KEY = b"wagtail-passfamille-sandbox-not-a-secret"

# Fixed claims keep the documented demo tokens identical from one install to the next.
_ISSUED_AT = 1767225600  # 2026-01-01T00:00:00Z
FAR_FUTURE = 4102444800  # 2100-01-01T00:00:00Z
LONG_AGO = 1704067200  # 2024-01-01T00:00:00Z


@dataclass(frozen=True)
class TokenInfo:
    """What the sandbox knows of a token it accepted (from the token's claims)."""

    jti: str
    name: str
    scopes: frozenset[str]
    rate_limit: int | None  # requests per rate_period; None is unlimited
    rate_period: float
    exp: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(signing_input: str) -> str:
    return _b64(hmac.new(SANDBOX_KEY, signing_input.encode("ascii"), hashlib.sha256).digest())


def make_token(
    name: str,
    scopes: Iterable[str] = QF_SCOPES,
    *,
    rate_limit: int | None = 20,
    rate_period: float = 1.0,
    exp: int = FAR_FUTURE,
    jti: str | None = None,
) -> str:
    """A sandbox token with the given scopes and rate limit (20 per second, as production).

    ``rate_limit=None`` makes an unlimited token (benchmarks); ``exp`` in the past makes an
    expired one (401 ``00103``). The same arguments always give the same token.
    """
    claims: dict[str, Any] = {
        "jti": jti or _jti(name),
        "sub": name,
        "iat": _ISSUED_AT,
        "exp": exp,
        "scopes": sorted(set(scopes)),
        "rate_limit": rate_limit,
        "rate_period": rate_period,
    }
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    return f"{header}.{payload}.{_sign(f'{header}.{payload}')}"


def _jti(name: str) -> str:
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def read_token(token: str) -> TokenInfo | None:
    """The token's claims if the sandbox signed it, else None (expiry is checked by the caller)."""
    parts = token.split(".")
    if len(parts) != 3 or not hmac.compare_digest(_sign(f"{parts[0]}.{parts[1]}"), parts[2]):
        return None
    try:
        claims = json.loads(_unb64(parts[1]))
        return TokenInfo(
            jti=str(claims["jti"]),
            name=str(claims["sub"]),
            scopes=frozenset(claims["scopes"]),
            rate_limit=claims.get("rate_limit"),
            rate_period=float(claims.get("rate_period", 1.0)),
            exp=int(claims["exp"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


#: All four quotient familial scopes, 20 requests per second: the demo's token.
DEFAULT_TOKEN = make_token("demo")
#: All scopes, no rate limit: for benchmarks.
BENCHMARK_TOKEN = make_token("benchmark", rate_limit=None)
#: Only ``cnaf_quotient_familial``: the other blocks come back masked (None).
QF_ONLY_TOKEN = make_token("qf-only", ["cnaf_quotient_familial"])
#: A valid token without any quotient familial scope: 403 ``00100``.
NO_QF_SCOPE_TOKEN = make_token("no-qf-scope", ["cnous_statut_boursier"])
#: Expired since 2024: 401 ``00103``.
EXPIRED_TOKEN = make_token("expired", exp=LONG_AGO)
#: On the sandbox's blacklist: 401 ``00105``.
BLACKLISTED_TOKEN = make_token("blacklisted")

DEFAULT_BLACKLIST = frozenset({BLACKLISTED_TOKEN})

#: API Impôt particulier: the OAuth2 client of the demo (client credentials grant).
DEFAULT_OAUTH_CLIENT_ID = "demo"
DEFAULT_OAUTH_CLIENT_SECRET = "demo-secret"
DGFIP_SCOPES = ("RessourceIR", "RessourceIRDerniere")
