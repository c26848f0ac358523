"""The packaged test cases and how a request finds its case, the way staging does.

Staging (apistration ``mock_service.rb``) rebuilds the query from the parameters it recognises,
drops ``recipient``, compares string values case-insensitively and the set of parameters exactly
(``prenoms[]`` in order); a request matching no case gets the folder's ``404.yaml``. Integers are
compared as the text sent, so ``moisDateNaissance=06`` does not match ``6``: the sandbox is
stricter there, on purpose, to catch clients sending leading zeros. ``annee`` and ``mois`` (the
month of the QF asked) are matched like any other parameter, as staging does: a case written
for May 2026 answers only a request for May 2026, a case without a month only a request without.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

V3_IDENTITE = "api_particulier_v3_cnav_quotient_familial_with_civility"
V3_FRANCE_CONNECT = "api_particulier_v3_cnav_quotient_familial_with_france_connect"
V2 = "api_particulier_v2_cnav_quotient_familial_v2"
FRANCE_CONNECT = "france_connect"

V3_MATCHED = (
    "nomNaissance",
    "nomUsage",
    "prenoms",
    "anneeDateNaissance",
    "moisDateNaissance",
    "jourDateNaissance",
    "sexeEtatCivil",
    "codeCogInseePaysNaissance",
    "codeCogInseeCommuneNaissance",
    "nomCommuneNaissance",
    "codeCogInseeDepartementNaissance",
    "annee",
    "mois",
)
V2_MATCHED = (
    "nomNaissance",
    "nomUsage",
    "prenoms",
    "anneeDateDeNaissance",
    "moisDateDeNaissance",
    "jourDateDeNaissance",
    "sexe",
    "codePaysLieuDeNaissance",
    "codeInseeLieuDeNaissance",
    "nomCommuneNaissance",
    "codeInseeDepartementNaissance",
)

Key = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Case:
    """One test case: the request's parameters, the status and the exact body to answer."""

    folder: str
    file: str
    description: str
    params: Mapping[str, Any]
    status: int
    body: bytes

    @property
    def name(self) -> str:
        return self.file.rsplit(".", 1)[0] if self.file.endswith((".yaml", ".yml")) else self.file

    def json(self) -> Any:
        return json.loads(self.body)


def normalise(params: Mapping[str, Any], keys: Iterable[str] | None = None) -> Key:
    """The comparable form of a parameter set: lower-cased text, lists kept in order."""
    wanted = set(keys) if keys is not None else None
    items = []
    for key, value in params.items():
        if wanted is not None and key not in wanted:
            continue
        if isinstance(value, list | tuple):
            items.append((key, tuple(str(v).lower() for v in value)))
        else:
            items.append((key, str(value).lower()))
    return tuple(sorted(items))


class CaseBook:
    """The cases of one folder, indexed by their normalised parameters."""

    def __init__(self, folder: str, cases: Iterable[Case]) -> None:
        self.folder = folder
        self.cases = tuple(cases)
        self._index: dict[Key, Case] = {}
        for case in self.cases:
            self._index.setdefault(normalise(case.params), case)

    def match(self, params: Mapping[str, Any]) -> Case | None:
        return self._index.get(normalise(params))

    def named(self, name: str) -> Case:
        for case in self.cases:
            if case.name == name:
                return case
        raise KeyError(name)

    def fallback(self) -> Case:
        """What staging answers when nothing matches: the folder's ``404`` case."""
        return self.named("404")


def _body(payload: Any) -> bytes:
    # Staging payloads are the exact body text; our households are JSON values.
    if isinstance(payload, str):
        return payload.encode("utf-8")
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


def _read(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


@cache
def staging() -> dict[str, CaseBook]:
    """The official staging cases, from the packaged file (scripts/build_sandbox_cases.py)."""
    data = _read("staging_cases.json")
    return {
        folder: CaseBook(
            folder,
            (
                Case(
                    folder,
                    c["file"],
                    c["description"],
                    c["params"],
                    c["status"],
                    _body(c["payload"]),
                )
                for c in cases
            ),
        )
        for folder, cases in data["endpoints"].items()
    }


IMPOT_FOLDER = "api_impot_particulier_situation_ir"


@dataclass(frozen=True)
class Households:
    """The sandbox's own API Impôt particulier households (data/impot_particulier_cases.json)."""

    book: CaseBook
    france_connect: Mapping[str, str]  # fake FranceConnect token -> numéro fiscal
    france_connect_accounts: Mapping[str, str]  # FranceConnect stand-in account -> numéro fiscal


@cache
def households() -> Households:
    data = _read("impot_particulier_cases.json")
    book = CaseBook(
        IMPOT_FOLDER,
        (
            Case(
                IMPOT_FOLDER,
                c["file"],
                c["description"],
                c["params"],
                c["status"],
                _body(c["payload"]),
            )
            for c in data["cases"]
        ),
    )
    return Households(
        book=book,
        france_connect=dict(data["france_connect"]),
        france_connect_accounts=dict(data["france_connect_accounts"]),
    )


def france_connect_identity(case: Case) -> dict[str, Any] | None:
    """A fake FranceConnect token's identité pivot, as v3 query parameters (or None)."""
    return identity_from_claims(case.json().get("token_introspection", {}))


def identity_from_claims(claims: Mapping[str, Any]) -> dict[str, Any] | None:
    """An active checktoken answer's identity as v3 query parameters, the way API Particulier
    maps it (reference §4.2), or None."""
    birthdate = str(claims.get("birthdate", ""))
    if not claims.get("active") or len(birthdate) != 10:
        return None
    annee, mois, jour = (int(part) for part in birthdate.split("-"))
    params: dict[str, Any] = {
        "nomNaissance": claims.get("family_name", ""),
        "prenoms": list(
            claims.get("given_name_array") or str(claims.get("given_name", "")).split()
        ),
        "anneeDateNaissance": annee,
        "moisDateNaissance": mois,
        "jourDateNaissance": jour,
        "sexeEtatCivil": "M" if claims.get("gender") == "male" else "F",
        "codeCogInseePaysNaissance": claims.get("birthcountry", ""),
    }
    if claims.get("birthplace"):
        params["codeCogInseeCommuneNaissance"] = claims["birthplace"]
    if claims.get("preferred_username"):
        params["nomUsage"] = claims["preferred_username"]
    return params


def match_france_connect(book: CaseBook, identity: Mapping[str, Any]) -> Case | None:
    """The FranceConnect case for an identity; ``nomUsage`` counts only when the token has one.

    FranceConnect gives the birth name; staging's FC cases also list a ``nomUsage`` that the fake
    tokens do not carry (FC identity ``Georges CNAF`` answers the case with ``nomUsage=MARTIN``).
    """
    wanted = normalise(identity)
    for case in book.cases:
        params = dict(case.params)
        if "nomUsage" not in identity:
            params.pop("nomUsage", None)
        if normalise(params) == wanted:
            return case
    return None
