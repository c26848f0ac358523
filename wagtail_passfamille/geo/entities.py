"""Value types returned by :mod:`wagtail_passfamille.geo` (immutable, no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CommuneType(StrEnum):
    """The kind of a commune record.

    The first four are the source's own ``type`` values. ``ANCIENNE`` is ours: a former code listed
    in a current commune's ``anciensCodes`` for which the source gives no name (a commune merged or
    renumbered before the current déléguée/associée scheme, e.g. Mohon, merged into
    Charleville-Mézières in 1966). The declaration order is the ranking order of search results.
    """

    ACTUELLE = "commune-actuelle"
    ARRONDISSEMENT = "arrondissement-municipal"
    DELEGUEE = "commune-deleguee"
    ASSOCIEE = "commune-associee"
    ANCIENNE = "commune-ancienne"


COMMUNE_TYPES: tuple[CommuneType, ...] = tuple(CommuneType)


@dataclass(frozen=True, slots=True)
class Commune:
    """One commune code as a birthplace or an address may carry it.

    ``code`` is what to send to API Particulier (``codeCogInseeCommuneNaissance``): for a commune
    since merged it is the code it had, not the code of the commune it belongs to now
    (``current_code``). Several records may share one code: a commune nouvelle keeps the code of its
    chef-lieu, which also stays the code of the commune déléguée of that name.
    """

    code: str
    nom: str | None  # None only for CommuneType.ANCIENNE: the source gives a code, no name
    departement: str
    type: CommuneType
    current_code: str
    current_nom: str
    current_departement: str
    population: int | None = None
    codes_postaux: tuple[str, ...] = ()

    @property
    def is_current(self) -> bool:
        """True for a commune or an arrondissement municipal that exists today."""
        return self.type in (CommuneType.ACTUELLE, CommuneType.ARRONDISSEMENT)

    @property
    def label(self) -> str:
        """French display text, e.g. "Charleville-Mézières (08)"."""
        current = self.current_nom
        if self.current_departement != self.departement:
            current = f"{current} ({self.current_departement})"
        if self.type is CommuneType.ANCIENNE:
            return f"Ancien code commune {self.code} ({self.departement}) — aujourd’hui {current}"
        if self.type in (CommuneType.DELEGUEE, CommuneType.ASSOCIEE):
            return f"{self.nom} ({self.departement}) — commune fusionnée dans {current}"
        return f"{self.nom} ({self.departement})"


@dataclass(frozen=True, slots=True)
class Departement:
    code: str  # "01", "2A", "971", "988"…
    nom: str

    @property
    def label(self) -> str:
        return f"{self.nom} ({self.code})"


@dataclass(frozen=True, slots=True)
class Country:
    """A country of birth as INSEE codes it (COG ``99xxx``; France is ``99100``).

    INSEE gives one code to some groups of territories (Jersey, Guernsey and the Isle of Man are
    coded as the United Kingdom, 99132). ``name`` is the sovereign state's name for such a group,
    or the territories' names joined when no sovereign state is part of the group;
    ``other_names`` lists the territories that share the code, so a picker can find "Jersey".
    """

    code: str
    name: str
    iso_codes: tuple[str, ...]  # ISO 3166-1 alpha-2 ("GB" for the United Kingdom)
    other_names: tuple[str, ...] = ()

    @property
    def is_france(self) -> bool:
        return self.code == FRANCE_CODE


FRANCE_CODE = "99100"


@dataclass(frozen=True, slots=True)
class ResolvedCommune:
    """The commune of a postal address.

    ``code`` is the current commune (Paris is 75056 even for a 75013 address, which is what a
    "resident of the commune" rule needs); ``arrondissement`` is the arrondissement municipal's
    code when the postcode and town tell it (75113), else None. ``matched_name`` is the name the
    town matched, which may be a commune déléguée's.
    """

    code: str
    nom: str
    departement: str
    arrondissement: str | None
    matched_name: str
