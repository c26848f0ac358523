"""Public URLs of wagtail-passfamille, included by the site under a prefix of its choice:

path("passfamille/", include("wagtail_passfamille.urls")),
"""

app_name = "wagtail_passfamille"

urlpatterns: list = []
