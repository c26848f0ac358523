"""Public URLs of wagtail-passfamille, included by the site under a prefix of its choice:

path("passfamille/", include("wagtail_passfamille.urls")),
"""

from django.urls import path

from wagtail_passfamille.citizen import public_views
from wagtail_passfamille.citizen.completion import urlpatterns as completion_urlpatterns

app_name = "wagtail_passfamille"

urlpatterns = [
    path("communes/", public_views.communes, name="communes"),
    *completion_urlpatterns,  # the "à compléter" page
]
