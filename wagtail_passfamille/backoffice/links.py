"""Names and URLs of the back-office's admin views, for code that links to them.

Kept apart from :mod:`~wagtail_passfamille.backoffice.urls` (which imports the views) so that
views, tasks and panels can link to each other without importing one another.
"""

from django.urls import reverse

# Names of the modeladmin views (see ``admin.py``: base_url_path "passfamille/demandes").
INDEX = "passfamille_demandes_modeladmin_index"
INSPECT = "passfamille_demandes_modeladmin_inspect"
DELETE = "passfamille_demandes_modeladmin_delete"


def index_url() -> str:
    return reverse(INDEX)


def inspect_url(pk) -> str:
    return reverse(INSPECT, args=[pk])
