"""Settings of the back-office not (yet) in :mod:`wagtail_passfamille.conf`.

Read through :func:`setting`, which prefers ``conf.get_setting`` once the name is declared there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings

from ..conf import PREFIX, get_setting

LOCAL_DEFAULTS: dict[str, Any] = {
    # How long the citizen's "à compléter" link stays valid, in seconds.
    "COMPLETION_LINK_MAX_AGE": 30 * 24 * 60 * 60,
    # Files under submissions/ with no row are deleted by the purge only past this age (s):
    # a submission being saved stores its files before its row commits.
    "ORPHAN_FILE_GRACE": 24 * 60 * 60,
    # Whether admin users must confirm their login with a TOTP code (django-otp).
    "ADMIN_2FA_REQUIRED": False,
}


def setting(name: str) -> Any:
    try:
        return get_setting(name)
    except KeyError:
        return getattr(django_settings, PREFIX + name, LOCAL_DEFAULTS[name])
