"""The 0.1 import paths keep working in 0.2, with a DeprecationWarning (docs/upgrade.md)."""

import importlib
import sys

import pytest
from django.test import override_settings

from wagtail_passfamille import checks

MOVED = [
    ("wagtail_passfamille.middleware", "wagtail_passfamille.security.upload_limits",
     ["UploadLimitMiddleware"]),
    ("wagtail_passfamille.admin_session", "wagtail_passfamille.security.admin_session",
     ["AdminSessionIdleTimeoutMiddleware", "AdminTwoFactorMiddleware"]),
    ("wagtail_passfamille.forms", "wagtail_passfamille.citizen.forms",
     ["FormBuilder", "StepForm", "to_answer"]),
]  # fmt: skip


@pytest.mark.parametrize("old, new, names", MOVED)
def test_an_old_path_warns_and_gives_the_same_objects(monkeypatch, old, new, names):
    monkeypatch.delitem(sys.modules, old, raising=False)
    with pytest.warns(DeprecationWarning, match=new.replace(".", r"\.")):
        module = importlib.import_module(old)
    for name in names:
        assert getattr(module, name) is getattr(importlib.import_module(new), name)


def test_a_0_1_middleware_setting_still_satisfies_check_w002(recwarn):
    middleware = [
        "wagtail_passfamille.middleware.UploadLimitMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
    ]
    with override_settings(MIDDLEWARE=middleware):
        assert checks.check_upload_middleware() == []
