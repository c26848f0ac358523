"""A local stand-in for API Particulier and API Impôt particulier (stdlib only, no Django).

Run it::

    python -m wagtail_passfamille.sandbox --port 8765

It serves the official staging test families (``data/staging_cases.json``, converted from
datagouv/apistration's ``mocks/payloads`` by ``scripts/build_sandbox_cases.py``), matched as
staging matches, and tax households of its own for API Impôt particulier
(``data/impot_particulier_cases.json``, numéros fiscaux ``3999999999901`` to ``3999999999908``,
``9999999999999`` being the malformed one). It is stricter than staging, like production: a token
is required and its scopes mask the answer, ``recipient`` must be a valid SIRET (422 ``00210``),
identity parameters are checked (422 with the production codes), 20 requests per second per token
(429 with ``Retry-After`` and ``RateLimit-*``), ``X-Request-Id`` on every answer, 409 ``00015``
while the same parameters are in flight for the same token. See docs/api-clients.md.

API Particulier tokens (JWT-shaped, HS256 with the public key in tokens.py; make your own with
``tokens.make_token(name, scopes, rate_limit=…)``):

``DEFAULT_TOKEN`` (the demo's: four quotient familial scopes, 20 requests/s)::

    eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MTc2NzIyNTYwMCwianRpIjoiMmE5NzUxNmMtMzU0Yi02ODg0LThjZGItZDhmNTRhMjI2YTBhIiwicmF0ZV9saW1pdCI6MjAsInJhdGVfcGVyaW9kIjoxLjAsInNjb3BlcyI6WyJjbmFmX2FkcmVzc2UiLCJjbmFmX2FsbG9jYXRhaXJlcyIsImNuYWZfZW5mYW50cyIsImNuYWZfcXVvdGllbnRfZmFtaWxpYWwiXSwic3ViIjoiZGVtbyJ9.TEEOzr0hCUzaSIDOMalaToilodFWgbbPiX1LPNnm_uI

``BENCHMARK_TOKEN`` (same scopes, no rate limit)::

    eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MTc2NzIyNTYwMCwianRpIjoiMGU4OTgyMDgtNjBjMy00MmYyLWM3ZWMtNjk0ZDE0NDAyM2IxIiwicmF0ZV9saW1pdCI6bnVsbCwicmF0ZV9wZXJpb2QiOjEuMCwic2NvcGVzIjpbImNuYWZfYWRyZXNzZSIsImNuYWZfYWxsb2NhdGFpcmVzIiwiY25hZl9lbmZhbnRzIiwiY25hZl9xdW90aWVudF9mYW1pbGlhbCJdLCJzdWIiOiJiZW5jaG1hcmsifQ.ik48rmqXmgtpEDANS9Jqzr2kuR503-gCXp-vWJ_jAFU

and ``QF_ONLY_TOKEN`` (other blocks masked), ``NO_QF_SCOPE_TOKEN`` (403), ``EXPIRED_TOKEN`` (401
``00103``), ``BLACKLISTED_TOKEN`` (401 ``00105``). FranceConnect: staging's fake tokens
(``cnaf_qfv2``, ``all_fc``…), ``fc_<case>`` for each FranceConnect case, ``fc_inconnu`` (404).
API Impôt particulier: OAuth2 client ``demo`` / ``demo-secret`` at ``/token`` (or
``/oauth/token``), routes under ``/impotparticulier/1.0``; FranceConnect tokens ``fc_dgfip_sable``,
``fc_dgfip_gravier``, ``fc_dgfip_caillou``, ``fc_dgfip_sans_dossier``.

FranceConnect (a strict stand-in, franceconnect.py): issuer ``<url>/api/v2``, the demo client
``FC_CLIENT_ID`` / ``FC_CLIENT_SECRET`` (``client_secret_post``), redirect URIs from
``--fc-redirect-uri URI`` (repeatable; default: ``make demo``'s), an identity chooser with one
account per FranceConnect staging case (``login_hint=<account>`` skips it). Its access tokens work
on the sandbox's quotient familial FranceConnect route and API Impôt particulier's FranceConnect
routes for 60 s, checked as by ``checktoken``.

In tests::

    with start_sandbox() as sandbox:          # a free loopback port
        client = ApiParticulierClient(sandbox.url, make_token("tests"), "13002526500013")
        sandbox.set_fault("status=503; times=1")  # or the X-Sandbox-Fault header per request
        ...
        sandbox.stats.requests["quotient_familial"], sandbox.stats.max_in_flight

Faults: see faults.py.
"""

from .faults import Fault, parse_fault
from .franceconnect import (
    FC_CLIENT_ID,
    FC_CLIENT_SECRET,
    FC_DATA_PROVIDER_ID,
    FC_DATA_PROVIDER_SECRET,
    FranceConnect,
)
from .server import Sandbox, SandboxStats, start_sandbox
from .tokens import (
    BENCHMARK_TOKEN,
    BLACKLISTED_TOKEN,
    DEFAULT_OAUTH_CLIENT_ID,
    DEFAULT_OAUTH_CLIENT_SECRET,
    DEFAULT_TOKEN,
    EXPIRED_TOKEN,
    NO_QF_SCOPE_TOKEN,
    QF_ONLY_TOKEN,
    QF_SCOPES,
    TokenInfo,
    make_token,
)

__all__ = [
    "BENCHMARK_TOKEN",
    "BLACKLISTED_TOKEN",
    "DEFAULT_OAUTH_CLIENT_ID",
    "DEFAULT_OAUTH_CLIENT_SECRET",
    "DEFAULT_TOKEN",
    "EXPIRED_TOKEN",
    "FC_CLIENT_ID",
    "FC_CLIENT_SECRET",
    "FC_DATA_PROVIDER_ID",
    "FC_DATA_PROVIDER_SECRET",
    "NO_QF_SCOPE_TOKEN",
    "QF_ONLY_TOKEN",
    "QF_SCOPES",
    "Fault",
    "FranceConnect",
    "Sandbox",
    "SandboxStats",
    "TokenInfo",
    "make_token",
    "parse_fault",
    "start_sandbox",
]
