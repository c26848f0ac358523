"""Deprecated import path, kept for sites configured with it: use
``wagtail_passfamille.citizen.forms`` (moved there in 0.2.0; this module goes in 1.0)."""

import warnings

from wagtail_passfamille.citizen.forms import FormBuilder, StepForm, to_answer  # noqa: F401

warnings.warn(
    "wagtail_passfamille.forms is deprecated, use wagtail_passfamille.citizen.forms",
    DeprecationWarning,
    stacklevel=2,
)
