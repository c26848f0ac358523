"""What the citizen reads when a FranceConnect login ends, well or not (French, translatable)."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "connected": _("Vous êtes identifié avec FranceConnect."),
    "cancelled": _(
        "Vous avez annulé la connexion avec FranceConnect. Vous pouvez réessayer, ou continuer "
        "sans FranceConnect si la démarche le permet."
    ),
    "unavailable": _(
        "FranceConnect ne répond pas pour le moment. Réessayez dans quelques minutes, ou "
        "continuez sans FranceConnect si la démarche le permet. Vos réponses sont conservées."
    ),
    "invalid": _(
        "La connexion avec FranceConnect n'a pas pu être vérifiée : pour votre sécurité, elle a "
        "été refusée. Recommencez la connexion."
    ),
    "expired": _(
        "La connexion avec FranceConnect a expiré ou a déjà été utilisée. Recommencez la "
        "connexion depuis la démarche."
    ),
    "not_configured": _("La connexion avec FranceConnect n'est pas proposée pour cette démarche."),
    "logged_out": _("Vous êtes déconnecté de FranceConnect."),
}
