"""System check: the upload limits only work from a middleware placed before CSRF's."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.module_loading import import_string

UPLOAD_MIDDLEWARE = "wagtail_passfamille.middleware.UploadLimitMiddleware"
CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"


def _position(middleware: list[str], wanted: str) -> int | None:
    """Index of ``wanted`` or of a subclass of it (an integrator's own), else None."""
    try:
        wanted_class = import_string(wanted)
    except ImportError:
        return None
    for index, path in enumerate(middleware):
        if path == wanted:
            return index
        try:
            candidate = import_string(path)
        except ImportError:
            continue  # Django reports an unimportable middleware itself
        if isinstance(candidate, type) and issubclass(candidate, wanted_class):
            return index
    return None


@register(Tags.security)
def check_upload_middleware(app_configs=None, **kwargs):
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    ours = _position(middleware, UPLOAD_MIDDLEWARE)
    hint = f"Add '{UPLOAD_MIDDLEWARE}' to MIDDLEWARE right before '{CSRF_MIDDLEWARE}'."
    if ours is None:
        return [
            Warning(
                "The upload limits of wagtail-passfamille are off: without "
                "UploadLimitMiddleware, a citizen's upload of any size is written to a "
                "temporary file before any check.",
                hint=hint,
                id="wagtail_passfamille.W002",
            )
        ]
    csrf = _position(middleware, CSRF_MIDDLEWARE)
    if csrf is not None and csrf < ours:
        return [
            Warning(
                "UploadLimitMiddleware comes after CsrfViewMiddleware, which reads the request "
                "body first: the upload limits would apply too late.",
                hint=hint,
                id="wagtail_passfamille.W002",
            )
        ]
    return []
