"""Pieces several démarche models share (and the demo's démarches, built from the models)."""

from __future__ import annotations

from .raw import field, step


def responsable_legal(*, address: bool = True) -> dict:
    """The step of the person who registers the children and receives the invoices."""
    fields = [
        field("texte_court", "Nom", "nom_demandeur", is_applicant_name=True),
        field("texte_court", "Prénom", "prenom_demandeur", autocomplete="given-name"),
        field(
            "email",
            "Adresse e-mail",
            "email",
            help_text="L'accusé de réception vous sera envoyé à cette adresse.",
            is_contact=True,
        ),
        field("telephone", "Téléphone", "telephone", help_text="Par exemple 06 12 34 56 78."),
    ]
    if address:
        fields.append(field("adresse", "Adresse du domicile", "adresse"))
    return step(
        "Responsable légal",
        fields,
        intro="<p>La personne qui inscrit les enfants et reçoit les factures.</p>",
    )
