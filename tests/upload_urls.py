"""URLs for tests/test_uploads.py: a wizard-shaped step URL in front of a small form.

The view answers JSON describing what reached it, so tests over real HTTP can see the form's
errors, the fields that arrived and how many temporary files existed while the view ran.
"""

import os

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.urls import path, re_path

from wagtail_passfamille.citizen.uploads import CitizenFileField
from wagtail_passfamille.security.upload_limits import LimitedUploadHandler

INSTANCE = "3f2a9c04b1d84e6f8a7b5c3d2e1f0a9b"
STEP_PATH = f"/demarches/cantine/{INSTANCE}/etape-1/"
PLAIN_PATH = "/demarches/cantine/envoi/"


class UploadForm(forms.Form):
    nom = forms.CharField()
    justificatif = CitizenFileField()
    commentaire = forms.CharField(required=False)


def step(request, instance="", step="etape-1"):
    if request.method == "GET":
        return JsonResponse({"csrftoken": get_token(request)})
    temp_dir = settings.FILE_UPLOAD_TEMP_DIR
    form = UploadForm(request.POST, request.FILES, prefix=step)
    valid = form.is_valid()
    uploaded = form.cleaned_data.get("justificatif") if valid else None
    return JsonResponse(
        {
            "valid": valid,
            "errors": {
                name: [error["message"] for error in errors]
                for name, errors in form.errors.get_json_data().items()
            },
            "post": {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"},
            "temp_files": len(os.listdir(temp_dir)) if temp_dir else None,
            "limited": isinstance(request.upload_handlers[0], LimitedUploadHandler),
            "oversized": sorted(getattr(request, "passfamille_oversized_files", ())),
            "multiple": sorted(getattr(request, "passfamille_multiple_files", ())),
            "file": uploaded
            and {
                "name": uploaded.name,
                "content_type": uploaded.content_type,
                "size": uploaded.size,
            },
        }
    )


urlpatterns = [
    re_path(r"^demarches/cantine/(?P<instance>[0-9a-f]{32})/(?P<step>[-\w]+)/$", step),
    path(PLAIN_PATH.strip("/") + "/", step),
]
