"""The FranceConnect stand-in's test accounts: one per FranceConnect staging case, plus one.

Each quotient familial FranceConnect case of staging
(``api_particulier_v3_cnav_quotient_familial_with_france_connect``, in the packaged
``data/staging_cases.json`` built by ``scripts/build_sandbox_cases.py``) becomes an account named
after its case file, whose identity is the case's identity pivot: logging in with it and calling
the sandbox's FranceConnect route gives that case. ``sans_dossier_caf`` is an identity staging does
not know (no CAF/MSA file: 404). Which accounts have a tax household is the sandbox's own choice
(``france_connect_accounts`` of ``data/impot_particulier_cases.json``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import cases

NO_CAF_ACCOUNT = "sans_dossier_caf"
CANCEL = "cancel"

# Claims each scope releases (FranceConnect v2, reference §3); the pivot scopes.
SCOPE_CLAIMS: Mapping[str, tuple[str, ...]] = {
    "openid": ("sub",),
    "profile": (
        "given_name",
        "given_name_array",
        "family_name",
        "birthdate",
        "gender",
        "preferred_username",
    ),
    "birth": ("birthplace", "birthcountry"),
    "identite_pivot": (
        "given_name",
        "given_name_array",
        "family_name",
        "birthdate",
        "gender",
        "birthplace",
        "birthcountry",
    ),
    "given_name": ("given_name", "given_name_array"),
    "family_name": ("family_name",),
    "birthdate": ("birthdate",),
    "gender": ("gender",),
    "birthplace": ("birthplace",),
    "birthcountry": ("birthcountry",),
    "preferred_username": ("preferred_username",),
    "email": ("email",),
}
PIVOT_SINGLES = frozenset(
    {"given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry"}
)


def has_pivot(scopes: frozenset[str] | set[str]) -> bool:
    """API Particulier's pivot rule: ``identite_pivot``, ``profile birth`` or the six singles."""
    return "identite_pivot" in scopes or {"profile", "birth"} <= scopes or PIVOT_SINGLES <= scopes


@dataclass(frozen=True)
class Account:
    """A test identity: its login (the case file's name), label and FranceConnect claims."""

    login: str
    description: str
    claims: Mapping[str, Any]

    @property
    def label(self) -> str:
        names = " ".join(self.claims["given_name_array"])
        return f"{self.claims['family_name']} {names}"

    def sub(self, client_id: str, secret: str) -> str:
        """Pairwise per service provider, as FranceConnect: 64 hex digits and ``v1``."""
        digest = hashlib.sha256(f"{client_id}{self.login}{secret}".encode()).hexdigest()
        return f"{digest}v1"

    def released(self, scopes: frozenset[str]) -> dict[str, Any]:
        """The identity claims the scopes release (``sub`` excepted)."""
        wanted = {claim for scope in scopes for claim in SCOPE_CLAIMS.get(scope, ())}
        return {k: v for k, v in self.claims.items() if k in wanted}


def claims_from_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """FranceConnect claims of a staging case's identity pivot (v3 query parameters)."""
    prenoms = [str(p) for p in params["prenoms"]]
    claims: dict[str, Any] = {
        "given_name": " ".join(prenoms),
        "given_name_array": prenoms,
        "family_name": str(params["nomNaissance"]),
        "birthdate": (
            f"{int(params['anneeDateNaissance']):04d}-{int(params['moisDateNaissance']):02d}-"
            f"{int(params['jourDateNaissance']):02d}"
        ),
        "gender": "male" if params["sexeEtatCivil"] == "M" else "female",
        # FranceConnect sends an empty string for a birth abroad.
        "birthplace": str(params.get("codeCogInseeCommuneNaissance") or ""),
        "birthcountry": str(params["codeCogInseePaysNaissance"]),
        "email": f"{str(params['nomNaissance']).lower()}@example.org",
    }
    if params.get("nomUsage"):
        claims["preferred_username"] = str(params["nomUsage"])
    return claims


_NO_CAF = Account(
    NO_CAF_ACCOUNT,
    "Identité sans dossier CAF ni MSA (404)",
    {
        "given_name": "Camille Jeanne",
        "given_name_array": ["Camille", "Jeanne"],
        "family_name": "LEFEBVRE",
        "birthdate": "1988-11-02",
        "gender": "female",
        "birthplace": "69123",
        "birthcountry": "99100",
        "email": "lefebvre@example.org",
    },
)


def _summary(case: cases.Case) -> str:
    data = case.json().get("data") or {}
    provider = (data.get("quotient_familial") or {}).get("fournisseur", "?")
    children = len(data.get("enfants") or [])
    return f"Dossier {provider}, {children} enfant{'s' if children > 1 else ''}"


@cache
def accounts() -> dict[str, Account]:
    """Every account by login, in the case files' order, ``sans_dossier_caf`` last."""
    found: dict[str, Account] = {}
    for case in cases.staging()[cases.V3_FRANCE_CONNECT].cases:
        if case.status == 200:
            found[case.name] = Account(case.name, _summary(case), claims_from_params(case.params))
    found[_NO_CAF.login] = _NO_CAF
    return found


def tax_household(login: str) -> str | None:
    """The numéro fiscal of the account's tax household in the sandbox, if it has one."""
    return cases.households().france_connect_accounts.get(login)
