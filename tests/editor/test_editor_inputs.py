"""What editors pick rather than type: French decimals, the credential profile from a list,
the certified data as tick boxes, the portal description in the first tab."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from wagtail_passfamille.blocks.rules import EffortBlock, GridBlock
from wagtail_passfamille.models import DemarchePage


@pytest.mark.parametrize(
    "typed, value",
    [("0,6", Decimal("0.6")), ("0.6", Decimal("0.6")), ("1 200,50", Decimal("1200.50")), ("3", 3)],
)
def test_rates_and_prices_take_a_decimal_comma(typed, value):
    effort = EffortBlock()
    cleaned = effort.clean(effort._to_struct_value([("rate_percent", typed)]))
    assert cleaned["rate_percent"] == value


def test_a_decimal_comma_is_shown_back_with_a_comma():
    field = EffortBlock().child_blocks["rate_percent"].field
    assert field.prepare_value(Decimal("0.6")) == "0,6"
    assert 'inputmode="decimal"' in field.widget.render("x", "0,6")


def test_nonsense_in_a_rate_is_a_message():
    effort = EffortBlock()
    with pytest.raises(ValidationError):
        effort.clean(effort._to_struct_value([("rate_percent", "six")]))


def test_a_rate_of_0_6_percent_gives_the_leisure_centre_prices():
    block = GridBlock()
    value = block.to_python(
        {
            "title": "Tarif",
            "variable": "caf.quotient_familial",
            "mode": "effort_rate",
            "unit": "par jour",
            "effort": {"rate_percent": "0.6", "minimum": "3", "maximum": "18"},
            "default_amount": "18",
        }
    )
    grid = block.clean(value).as_grid()
    assert grid.effort.rate_percent == Decimal("0.6")  # 0,6 %, never 6 %
    prices = {qf: grid.effort.price(Decimal(qf)) for qf in (200, 1000, 5000)}
    assert prices == {200: Decimal("3.00"), 1000: Decimal("6.00"), 5000: Decimal("18.00")}


def test_the_credential_profile_is_picked_from_the_configured_ones(superuser_client, cantine):
    html = superuser_client.get(f"/admin/pages/{cantine.pk}/edit/").content.decode()
    assert '<select name="credential_profile"' in html
    assert '<option value="demo"' in html


def test_without_any_profile_the_list_says_why(superuser_client, cantine, settings):
    settings.WAGTAIL_PASSFAMILLE_CREDENTIALS = {}
    html = superuser_client.get(f"/admin/pages/{cantine.pk}/edit/").content.decode()
    assert "Aucun profil configuré" in html


def test_the_certified_data_are_tick_boxes(superuser_client, cantine):
    from wagtail_passfamille.blocks.certified import QuotientFamilialBlock

    html = (
        QuotientFamilialBlock()
        .child_blocks["data"]
        .field.widget.render("data", ["quotient_familial"])
    )
    assert 'type="checkbox"' in html and "checked" in html


def test_the_portal_description_is_in_the_first_tab():
    tabs = DemarchePage.edit_handler.children
    first = [getattr(p, "field_name", None) for p in tabs[0].children]
    assert "search_description" in first
    promotion = [
        getattr(p, "field_name", None)
        for panel in tabs[[t.heading for t in tabs].index("Promotion")].children
        for p in getattr(panel, "children", [panel])
    ]
    assert "search_description" not in promotion
