"""Deprecated import path, kept for sites configured with it: use
``wagtail_passfamille.security.upload_limits`` (moved there in 0.2.0; this module goes in 1.0)."""

import warnings

from wagtail_passfamille.security.upload_limits import UploadLimitMiddleware  # noqa: F401

warnings.warn(
    "wagtail_passfamille.middleware is deprecated, use wagtail_passfamille.security.upload_limits",
    DeprecationWarning,
    stacklevel=2,
)
