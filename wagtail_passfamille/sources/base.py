"""What a certified source is: its data catalogue, how it is fetched, what rules read of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Datum:
    """One datum an editor may tick in a source's block.

    ``key`` names it in the block and in the stored certified fields; ``variables`` are the
    rule variables (``rules.CATALOGUE`` names) it feeds, so that pickers can offer them.
    """

    key: str
    label: str
    type: str  # "number", "text", "choice", "children", "people", "address"
    scope: str
    variables: tuple[str, ...] = ()
    help_text: str = ""


@dataclass(frozen=True)
class PreviewFamily:
    """A test household of the sandbox an editor can preview a démarche with."""

    key: str
    label: str
    source: str
    identifiers: Mapping[str, Any]
    #: A FranceConnect access token the sandbox resolves to a staging case: the family is
    #: fetched as after a FranceConnect login (staging's identity cases have no young children).
    france_connect_token: str | None = None


class ClientFactory(Protocol):
    """Where a source gets its API clients (``services.Backend``: settings or sandbox)."""

    def api_particulier(self, profile: str, recipient: str): ...

    def impot_particulier(self, profile: str): ...


class CertifiedSource:
    """A provider of certified data. Subclasses fill the attributes and the three methods."""

    #: Stable identifier: stored in submissions, prefixes rule variables (``caf.…``).
    name: str = ""
    #: The StreamField block that asks for it in a step.
    block_type: str = ""
    #: Labels: the block's, a short one for agents, the body after « auprès de », and the
    #: body as the subject of a sentence.
    label: str = ""
    short_label: str = ""
    agency: str = ""
    subject: str = ""
    #: API name for the fiche habilitation, and the section of a credential profile it uses.
    api: str = ""
    credential_section: str = ""
    api_version: str = ""
    #: The endpoint of a lookup (audit rows name it when an error comes before an answer).
    endpoint: str = ""
    data: tuple[Datum, ...] = ()
    default_ticked: tuple[str, ...] = ()
    #: The datum listing the household's children, matched against the children the citizen
    #: registers (agents see the matching), if the source has one.
    children_datum: str | None = None
    #: An identifier a démarche may keep after verification (« conserver le numéro fiscal »).
    retained_identifier: str | None = None
    preview_families: tuple[PreviewFamily, ...] = ()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    # Catalogue -----------------------------------------------------------------------------

    def datum(self, key: str) -> Datum | None:
        return next((datum for datum in self.data if datum.key == key), None)

    def choices(self) -> list[tuple[str, str]]:
        """(key, label) of every datum: the editor's tick boxes."""
        return [(datum.key, datum.label) for datum in self.data]

    def scopes(self, ticked) -> set[str]:
        """The API scopes the ticked data need."""
        return {datum.scope for datum in self.data if datum.key in set(ticked or ())}

    # Behaviour -----------------------------------------------------------------------------

    def fetch(
        self, clients: ClientFactory, identifiers: Mapping[str, Any], ticked, *, profile, recipient
    ) -> tuple[dict, dict]:
        """Call the API: (the ticked fields to keep, the provenance). Raises ``ApiError``."""
        raise NotImplementedError

    def fetch_france_connect(
        self, clients: ClientFactory, access_token: str, ticked, *, profile, recipient
    ) -> tuple[dict, dict]:
        """The same with the citizen's FranceConnect access token instead of identifiers (the
        API's FranceConnect route; the token lives 60 s and is never kept)."""
        raise NotImplementedError

    def rule_inputs(self, fields: Mapping[str, Any]) -> dict:
        """What ``rules.build_context`` reads of this source's verified fields."""
        raise NotImplementedError

    def names_the_identified(
        self, identifiers: Mapping[str, Any], claims: Mapping[str, Any]
    ) -> bool:
        """Whether identifiers a citizen typed name the person FranceConnect identified: the
        data they fetch are then the citizen's own. False unless the source can tell for sure
        (a numéro fiscal, for instance, says nothing of whose it is)."""
        return False

    def provenance(self, provenance, **extra) -> dict:
        """The provenance stored beside the fields: where, when, which request."""
        return {
            "source": self.name,
            "endpoint": provenance.endpoint,
            "api_version": self.api_version,
            "fetched_at": provenance.fetched_at.isoformat(),
            "request_id": provenance.request_id,
            "cached": provenance.cached,
            **extra,
        }

    def preview_family(self, key: str) -> PreviewFamily | None:
        return next((family for family in self.preview_families if family.key == key), None)
