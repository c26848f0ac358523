"""The admin's translated rules messages say, in French, exactly what the rules package says."""

import pytest
from django.utils import translation

from wagtail_passfamille.blocks.rules_messages import _templates, problem_message
from wagtail_passfamille.rules.problems import _MESSAGES, Problem

PARAMS = {
    "variable": "caf.quotient_familial",
    "operator": "greater_than",
    "operator_label": "est supérieur à",
    "value": "abc",
    "scope": "cnaf_adresse",
    "position": 2,
    "label": "Tranche B",
    "bracket": "Tranche B",
    "minimum": "800",
    "maximum": "400",
    "after": "Tranche A",
    "before": "Tranche B",
    "first": "Tranche A",
    "second": "Tranche B",
    "start": "400",
    "end": "450",
    "rank": "2e",
    "name": "repas",
}


@pytest.mark.parametrize("code", sorted(_MESSAGES))
def test_every_rules_problem_has_the_same_french_sentence(code):
    problem = Problem(code, PARAMS)
    with translation.override("fr"):
        assert problem_message(problem) == problem.message


def test_every_code_has_a_template():
    with translation.override("fr"):
        assert set(_templates()) == set(_MESSAGES)


def test_open_ranges_read_well():
    for start, end in ((None, "400"), ("2000", None), (None, None)):
        problem = Problem("gap", {**PARAMS, "start": start, "end": end})
        with translation.override("fr"):
            assert problem_message(problem) == problem.message
