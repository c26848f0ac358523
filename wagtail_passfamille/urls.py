"""Public URLs of wagtail-passfamille, included by the site under a prefix of its choice:

path("passfamille/", include("wagtail_passfamille.urls")),
"""

from django.urls import path

from wagtail_passfamille.citizen import my_demarches, public_views
from wagtail_passfamille.citizen.completion import urlpatterns as completion_urlpatterns
from wagtail_passfamille.citizen.drafts import urlpatterns as draft_urlpatterns
from wagtail_passfamille.citizen.franceconnect import views as franceconnect

app_name = "wagtail_passfamille"

urlpatterns = [
    path("communes/", public_views.communes, name="communes"),
    # For the load balancer and monitoring (docs/production.md).
    path("health/", public_views.health, name="health"),
    *completion_urlpatterns,  # the "à compléter" page
    *draft_urlpatterns,  # « Enregistrer et reprendre plus tard »
    *my_demarches.urlpatterns,  # « Mes démarches » (FranceConnect)
    # FranceConnect: register <prefix>franceconnect/callback/ and <prefix>franceconnect/logout/done/
    path("franceconnect/login/<int:page_id>/", franceconnect.login, name="franceconnect_login"),
    path("franceconnect/callback/", franceconnect.callback, name="franceconnect_callback"),
    path("franceconnect/logout/", franceconnect.logout, name="franceconnect_logout"),
    path("franceconnect/logout/done/", franceconnect.logout_done, name="franceconnect_logout_done"),
]
