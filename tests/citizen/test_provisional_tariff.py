"""A default tariff that verification will recompute says so: recap, receipt and e-mail."""

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.demarches.helpers import (
    ENFANT_LEA,
    FREQUENTATION,
    LEFEBVRE,
    RESPONSABLE,
    Citizen,
    enfants,
)
from wagtail_passfamille.citizen.acknowledgement import send_acknowledgement
from wagtail_passfamille.models import Submission

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROVISIONAL = "Tarif provisoire, recalculé après vérification"


def until_recap(cantine, quotient):
    citizen = Citizen(cantine)
    citizen.start()
    citizen.post("etape-1", RESPONSABLE)
    citizen.post("etape-2", enfants(ENFANT_LEA))
    assert citizen.post("etape-3", quotient).status_code == 302
    citizen.post("etape-4", FREQUENTATION)
    citizen.post("etape-6", {"attestation": "on"})
    return citizen


def test_a_justificatif_gives_a_provisional_tariff_everywhere(cantine, private_dir):
    document = SimpleUploadedFile("attestation.pdf", MINIMAL_PDF, "application/pdf")
    citizen = until_recap(cantine, {"caf__choix": "justificatif", "caf__justificatif": document})
    recap = citizen.client.get(citizen.url("recapitulatif")).content.decode()
    assert PROVISIONAL in recap
    done = citizen.post("recapitulatif", {}, follow=True).content.decode()
    assert PROVISIONAL in done  # the receipt
    submission = Submission.objects.get()
    assert send_acknowledgement.call(submission.pk, 1) == "sent"
    (message,) = mail.outbox
    assert PROVISIONAL in message.body


def test_a_verified_quotient_gives_a_final_tariff(cantine):
    citizen = until_recap(cantine, LEFEBVRE)
    assert PROVISIONAL not in citizen.client.get(citizen.url("recapitulatif")).content.decode()
    assert PROVISIONAL not in citizen.post("recapitulatif", {}, follow=True).content.decode()
    assert send_acknowledgement.call(Submission.objects.get().pk, 1) == "sent"
    assert PROVISIONAL not in mail.outbox[0].body
