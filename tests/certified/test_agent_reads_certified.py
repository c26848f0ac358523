"""What an agent reads of certified data, from submissions the wizard made against the sandbox."""

import re

from django.contrib.auth import get_user_model

from tests.certified.helpers import martin_submission

ADMIN = "/admin/passfamille"

ALEXIS = {"prenom": "Alexis", "date_naissance": "2006-04-20"}
FLEUR = {"prenom": "Fleur", "date_naissance": "2010-04-20"}
TOM = {"prenom": "Tom", "date_naissance": "2012-01-02"}


def detail_text(client, submission):
    admin = get_user_model().objects.create_superuser("chef", "chef@example.org", "x")
    client.force_login(admin)
    response = client.get(f"{ADMIN}/demandes/inspect/{submission.pk}/")
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", " ", response.content.decode())  # cells stay apart
    return re.sub(r"\s+", " ", text)


def test_martin_children_read_in_order_with_french_results(client, cantine):
    submission = martin_submission(cantine, ALEXIS, FLEUR, TOM)
    text = detail_text(client, submission)
    assert "Enfant 1 — Alexis Rattaché au dossier" in text
    assert "Enfant 2 — Fleur Rattaché au dossier" in text
    assert "Enfant 3 — Tom Non trouvé dans le dossier" in text
    assert "Enfant 0" not in text and "Enfant 4" not in text
    for raw in ("rattache", "non_trouve", "inconnu", "ambigu "):
        assert raw not in text
    # The certified fields with the catalogue's labels and the provider of the answer.
    assert "Quotient familial" in text and "Donnée certifiée — MSA" in text
