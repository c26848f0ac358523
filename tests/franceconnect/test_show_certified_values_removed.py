"""« Montrer les valeurs certifiées au demandeur » is gone: FranceConnect decides what a citizen
is shown (identified: their own data and outcome; anonymous: nothing derived from them). Old
revisions that still carry the field load and publish."""

from wagtail_passfamille.models import DemarchePage


def test_the_setting_is_no_longer_a_field():
    names = {field.name for field in DemarchePage._meta.get_fields()}
    assert "show_certified_values" not in names


def test_an_old_revision_with_the_setting_still_loads_and_publishes(cantine):
    revision = cantine.save_revision()
    revision.content["show_certified_values"] = True
    revision.save(update_fields=["content"])
    page = revision.as_object()
    assert page.title == cantine.title and not hasattr(page, "show_certified_values")
    revision.publish()
    assert DemarchePage.objects.get(pk=cantine.pk).live
