"""The FranceConnect additions in the DSFR theme: the locked identity's callout with « Signaler
une erreur », the file's children as DSFR tick boxes, the receipt's button; same names posted."""

from tests.demarches.helpers import RESPONSABLE
from tests.test_theme_dsfr import dsfr_theme  # noqa: F401

from .test_file_children import tick
from .test_identified import identified
from .test_receipt import OFFER, anonymous_receipt


def test_identity_and_children_in_dsfr(cantine, dsfr_theme):  # noqa: F811
    citizen, _url = identified(cantine)
    step1 = citizen.client.get(citizen.url("etape-1")).content.decode()
    assert 'class="fr-callout fr-mb-4w pf-franceconnect-locked"' in step1
    assert "Signaler une erreur au service (e-mail à enfance@demoville.example)" in step1
    assert "readonly" in step1
    citizen.post("etape-1", RESPONSABLE)
    step2 = citizen.client.get(citizen.url("etape-2")).content.decode()
    assert (
        step2.count(
            '<div class="fr-checkbox-group"><input type="checkbox" name="passfamille_caf_child"'
        )
        == 3
    )
    assert 'class="fr-btn fr-btn--secondary" name="passfamille_caf_children"' in step2
    page = tick(citizen, 0, 1).content.decode()
    assert "2 enfants ajoutés" in page and 'value="Pierre"' in page


def test_the_receipt_offers_the_dsfr_button(cantine, dsfr_theme):  # noqa: F811
    _citizen, _url, receipt = anonymous_receipt(cantine)
    assert OFFER in receipt and 'class="fr-connect"' in receipt
