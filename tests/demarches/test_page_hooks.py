"""DemarchePage's hooks (as Wagtail's FormMixin ones), and the wizard ending in done()."""

from django.http import HttpResponse
from wagtail import hooks

from tests.demarches.helpers import Citizen
from wagtail_passfamille.citizen.wizard import DemarcheWizardView
from wagtail_passfamille.models import DemarchePage, Submission


def test_the_submission_is_made_by_the_page_hook_from_done(cantine, monkeypatch):
    seen = []
    original = DemarchePage.process_submission

    def process_submission(self, wizard, form_dict):
        seen.append(list(form_dict))
        return original(self, wizard, form_dict)

    monkeypatch.setattr(DemarchePage, "process_submission", process_submission)
    done_calls = []
    original_done = DemarcheWizardView.done

    def done(self, form_list, form_dict=None, **kwargs):
        done_calls.append(len(form_list))
        return original_done(self, form_list, form_dict, **kwargs)

    monkeypatch.setattr(DemarcheWizardView, "done", done)
    citizen = Citizen(cantine)
    citizen.fill_all()
    response = citizen.post("recapitulatif", {})
    assert response.status_code == 302 and "/confirmation/" in response["Location"]
    assert done_calls == [len(seen[0])] and len(seen) == 1
    assert Submission.objects.count() == 1


def test_a_site_can_replace_the_wizard_view_through_the_hook(cantine):
    class TownWizard(DemarcheWizardView):
        pass

    with hooks.register_temporarily("passfamille_wizard_view", lambda: TownWizard):
        assert cantine.get_wizard_view_class() is TownWizard
    assert cantine.get_wizard_view_class() is DemarcheWizardView


def test_the_landing_page_hook_renders_the_receipt(cantine, monkeypatch):
    def render_landing_page(self, request, submission):
        return HttpResponse(f"Reçu {submission.reference}")

    monkeypatch.setattr(DemarchePage, "render_landing_page", render_landing_page)
    citizen = Citizen(cantine)
    citizen.fill_all()
    response = citizen.post("recapitulatif", {}, follow=True)
    assert response.content.decode().startswith("Reçu CANT-")
