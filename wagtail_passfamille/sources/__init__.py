"""One registry of certified sources: CAF/MSA (API Particulier) and DGFiP (API Impôt particulier).

Owns what each source offers and how it is fetched: its labels, the data an editor may tick
(each with its label, type, the API scope it needs and the rule variables it feeds), the
credential section and budget it uses, how a lookup calls the API and what is kept of the
answer, the rule inputs it gives, and its preview families. Everything else dispatches through
:func:`get` and :func:`all_sources`, never through ``if source == "caf"``.

Adding a source: subclass :class:`CertifiedSource` in a module of this package, list it in
``_SOURCES`` below, add its block in ``blocks/certified.py`` and its form section in
``citizen/certified_forms.py`` (see docs/architecture.md).

May import: the pure packages (``api_particulier``, ``geo``, ``rules``) and Django's
translation and time utilities. Clients reach a source through an injected backend: it never
imports ``services``, models or views.
"""

from __future__ import annotations

from wagtail_passfamille.sources.base import CertifiedSource, Datum, PreviewFamily
from wagtail_passfamille.sources.caf import CafSource
from wagtail_passfamille.sources.dgfip import DgfipSource

_SOURCES: dict[str, CertifiedSource] = {
    source.name: source for source in (CafSource(), DgfipSource())
}


def get(name: str) -> CertifiedSource:
    """The source called ``name``; ``KeyError`` for an unknown one."""
    return _SOURCES[name]


def all_sources() -> tuple[CertifiedSource, ...]:
    """Every registered source, in the order editors see them."""
    return tuple(_SOURCES.values())


def for_block_type(block_type: str) -> CertifiedSource | None:
    """The source of a StreamField certified block (``donnees_caf``…), else None."""
    for source in _SOURCES.values():
        if source.block_type == block_type:
            return source
    return None


def scopes_of(source_name: str, ticked) -> set[str]:
    """The API scopes needed by the ticked data of a source (unknown names are ignored)."""
    source = _SOURCES.get(source_name)
    return source.scopes(ticked) if source else set()


__all__ = [
    "CertifiedSource",
    "Datum",
    "PreviewFamily",
    "all_sources",
    "for_block_type",
    "get",
    "scopes_of",
]
