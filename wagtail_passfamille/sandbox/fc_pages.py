"""The FranceConnect stand-in's HTML: the identity chooser, its error page, the logout page."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from .answers import Answer
from .fc_accounts import CANCEL, Account

HTML = "text/html; charset=utf-8"
_HEAD = (
    "<!DOCTYPE html><html lang=fr><head><meta charset=utf-8>"
    '<meta name=viewport content="width=device-width, initial-scale=1">'
    "<title>{title} - FranceConnect (bac à sable)</title>"
    "<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}}"
    "li{{margin:.4rem 0}}button{{font:inherit;padding:.4rem .8rem;cursor:pointer}}"
    ".login{{color:#555;font-size:.9em}}</style></head><body><main>"
)
_TAIL = "</main></body></html>"


def chooser(transaction: str, action: str, client_name: str, accounts: Iterable[Account]) -> Answer:
    """The identity chooser: one button per test account, « Revenir sur le site », faults."""
    items = "".join(
        f'<li><button type=submit name=account value="{escape(a.login)}">'
        f"{escape(a.label)}</button> <span class=login>{escape(a.description)} · "
        f"<code>{escape(a.login)}</code></span></li>"
        for a in accounts
    )
    body = (
        _HEAD.format(title="Choisir une identité") + "<h1>FranceConnect — bac à sable local</h1>"
        f"<p>{escape(client_name)} demande à vous identifier. Ce bac à sable ne vérifie aucun "
        "mot de passe : choisissez une identité de test.</p>"
        f'<form method=post action="{escape(action)}">'
        f'<input type=hidden name=transaction value="{escape(transaction)}">'
        f"<h2>Identités de test</h2><ul>{items}</ul>"
        f'<p><button type=submit name=account value="{CANCEL}">Revenir sur le site</button></p>'
        "<h2>Simuler une erreur de FranceConnect</h2><ul>"
        "<li><button type=submit name=error value=server_error>Erreur du serveur</button></li>"
        "<li><button type=submit name=error value=temporarily_unavailable>"
        "Service momentanément indisponible</button></li></ul></form>" + _TAIL
    )
    return Answer(200, body.encode("utf-8"), HTML, (("Cache-Control", "no-store"),))


def error_page(status: int, code: str, message: str) -> Answer:
    """FranceConnect's own error page: shown instead of redirecting to an unverified site."""
    body = (
        _HEAD.format(title="Erreur") + f"<h1>Une erreur est survenue</h1><p>{escape(message)}</p>"
        f"<p>Code d'erreur : <code>{escape(code)}</code></p>" + _TAIL
    )
    return Answer(status, body.encode("utf-8"), HTML)


def logged_out() -> Answer:
    body = (
        _HEAD.format(title="Déconnexion") + "<h1>Vous êtes déconnecté de FranceConnect</h1>"
        "<p>Vous pouvez fermer cette page.</p>" + _TAIL
    )
    return Answer(200, body.encode("utf-8"), HTML)
