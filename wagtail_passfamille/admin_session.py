"""Deprecated import path, kept for sites configured with it: use
``wagtail_passfamille.security.admin_session`` (moved there in 0.2.0; this module goes in 1.0)."""

import warnings

from wagtail_passfamille.security.admin_session import (  # noqa: F401
    AdminSessionIdleTimeoutMiddleware,
    AdminTwoFactorMiddleware,
)

warnings.warn(
    "wagtail_passfamille.admin_session is deprecated, use "
    "wagtail_passfamille.security.admin_session",
    DeprecationWarning,
    stacklevel=2,
)
