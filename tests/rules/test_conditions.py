import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wagtail_passfamille.rules import (
    Condition,
    Context,
    Group,
    Operator,
    Truth,
    Unknown,
    UnknownReason,
    answer_variable,
    build_context,
    evaluate,
    rule_from_dict,
    unknown,
    validate_rule,
)

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

CTX = Context(
    {
        "qf": 850,
        "prix": Decimal("2.35"),
        "naissance": dt.date(2018, 5, 2),
        "regime": "Végétarien",
        "texte_nombre": "12",
        "attestation": True,
        "non_coche": False,
        "options": ("Sans porc", "Sans gluten"),
        "ages": (3, unknown("ambiguous"), 10),
        "adresse": {"ville": "Reims"},
        "manquant": unknown("refused"),
        "vide": unknown("unanswered"),
    }
)


@pytest.mark.parametrize(
    ("variable", "operator", "value", "expected"),
    [
        # numbers, coerced from what editors type
        ("qf", "equals", "850", T),
        ("qf", "equals", "850,00", T),
        ("qf", "equals", 851, F),
        ("qf", "equals", "beaucoup", F),
        ("qf", "differs", "850", F),
        ("qf", "greater_than", "849,99", T),
        ("qf", "greater_than", "850", F),
        ("qf", "greater_or_equal", "850", T),
        ("qf", "less_than", 850, F),
        ("qf", "less_or_equal", Decimal(850), T),
        ("qf", "less_than", "2026-01-01", U),  # a number is not comparable with a date
        ("qf", "one_of", ["700", "850"], T),
        ("qf", "one_of", ["700"], F),
        ("prix", "equals", "2,35", T),
        # dates, ISO or French
        ("naissance", "equals", "2018-05-02", T),
        ("naissance", "less_than", "01/09/2018", T),
        ("naissance", "greater_than", dt.date(2018, 5, 2), F),
        ("naissance", "greater_than", "bientôt", U),
        # text: case-, accent- and spacing-insensitive
        ("regime", "equals", "vegetarien", T),
        ("regime", "equals", " VÉGÉTARIEN ", T),
        ("regime", "differs", "vegetarien", F),
        ("regime", "one_of", ["sans porc", "végétarien"], T),
        ("regime", "contains", "TARI", T),
        ("regime", "contains", "porc", F),
        ("regime", "greater_than", "abc", U),
        ("texte_nombre", "greater_than", 10, T),  # text read as a number when it is one
        ("texte_nombre", "equals", 12, T),
        # booleans
        ("attestation", "equals", "oui", T),
        ("attestation", "equals", True, T),
        ("attestation", "equals", "non", F),
        ("attestation", "is_filled", None, T),
        ("non_coche", "is_filled", None, F),  # an unticked box is not filled
        ("non_coche", "equals", "non", T),
        # lists: at least one item
        ("options", "contains", "sans PORC", T),
        ("options", "contains", "halal", F),
        ("options", "equals", "sans gluten", T),
        ("options", "differs", "sans gluten", F),  # differs = no item equals
        ("options", "differs", "halal", T),
        ("options", "one_of", ["halal", "sans gluten"], T),
        ("ages", "less_than", 4, T),  # 3
        ("ages", "greater_than", 10, U),  # the ambiguous age might be
        ("ages", "contains", 10, T),
        ("ages", "contains", 5, U),
        ("ages", "is_filled", None, T),
        ("adresse", "is_filled", None, T),
        ("adresse", "equals", "Reims", F),
    ],
)
def test_operator_table(variable, operator, value, expected):
    assert Condition(variable, operator, value).evaluate(CTX) is expected


@pytest.mark.parametrize("operator", list(Operator))
def test_a_certified_unknown_is_unknown_for_every_operator(operator):
    value = ["a"] if operator is Operator.ONE_OF else "a"
    assert Condition("manquant", operator, value).evaluate(CTX) is U


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("is_filled", F),
        ("is_not_filled", T),
        ("equals", U),
        ("differs", U),
        ("greater_than", U),
    ],
)
def test_an_unanswered_field_is_known_to_be_empty_but_compares_as_unknown(operator, expected):
    assert Condition("vide", operator, "1").evaluate(CTX) is expected
    assert Condition("never_asked", operator, "1").evaluate(CTX) is expected


def test_misconfigured_conditions_decide_nothing():
    assert Condition("qf", "equals", None).evaluate(CTX) is U
    assert Condition("qf", "one_of", "850").evaluate(CTX) is U  # one_of needs a list
    assert Condition("qf", "equals", ["850"]).evaluate(CTX) is U


def test_groups_combine_with_kleene_logic():
    true, false, unk = (
        Condition("qf", "equals", 850),
        Condition("qf", "equals", 1),
        Condition("manquant", "equals", 1),
    )
    assert Group("all", [true, unk]).evaluate(CTX) is U
    assert Group("all", [false, unk]).evaluate(CTX) is F
    assert Group("any", [true, unk]).evaluate(CTX) is T
    assert Group("any", [false, unk]).evaluate(CTX) is U
    assert Group("all", []).evaluate(CTX) is T
    assert Group("any", []).evaluate(CTX) is F
    assert evaluate(None, CTX) is T


def test_groups_are_one_level_only():
    inner = Group("any", [Condition("qf", "equals", 1)])
    with pytest.raises(TypeError):
        Group("all", [inner])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        rule_from_dict({"type": "group", "mode": "all", "conditions": [inner.to_dict()]})
    with pytest.raises(ValueError):
        Condition("qf", "is_about", 1)
    with pytest.raises(ValueError):
        Group("some", [])


def test_certified_conditions_on_a_built_context():
    ctx = build_context(
        {},
        reference_date=dt.date(2026, 9, 1),
        dgfip={"revenu_fiscal_reference": 24000, "nombre_parts": 2, "commune": "51108"},
        caf_verification="refus_partage",
    )
    assert Condition("dgfip.commune", "one_of", ["51108", "51454"]).evaluate(ctx) is T
    assert Condition("dgfip.quotient_mensuel", "less_than", "1000").evaluate(ctx) is F  # 1000.00
    assert Condition("dgfip.quotient_mensuel", "less_or_equal", "1000").evaluate(ctx) is T
    assert Condition("caf.quotient_familial", "less_than", "1000").evaluate(ctx) is U
    assert Condition("caf.quotient_familial", "is_filled").evaluate(ctx) is U
    assert Condition("caf.verification", "equals", "refus_partage").evaluate(ctx) is T


# Soundness of the three-valued evaluation: whenever a rule decides (TRUE or FALSE) while some
# certified values are unknown, every way of filling those values in gives the same decision.
# That is what "unknown never becomes False by accident" means.

NAMES = ("x", "y", "z")
numbers = st.integers(min_value=0, max_value=20)
reasons = st.sampled_from(
    [r for r in UnknownReason if r is not UnknownReason.UNANSWERED]  # a blank answer is known
)
conditions = st.builds(
    Condition,
    st.sampled_from(NAMES),
    st.sampled_from([o for o in Operator if o is not Operator.ONE_OF]),
    numbers,
) | st.builds(Condition, st.sampled_from(NAMES), st.just("one_of"), st.lists(numbers, min_size=1))
rules = conditions | st.builds(
    Group, st.sampled_from(["all", "any"]), st.lists(conditions, max_size=4)
)


@settings(max_examples=500)
@given(
    rules,
    st.fixed_dictionaries({name: numbers | reasons.map(unknown) for name in NAMES}),
    st.fixed_dictionaries({name: numbers for name in NAMES}),
)
def test_a_decision_taken_with_unknowns_survives_any_completion(rule, partial, filling):
    decided = rule.evaluate(Context(partial))
    completed = {
        name: filling[name] if isinstance(value, Unknown) else value
        for name, value in partial.items()
    }
    if decided is not U:
        assert rule.evaluate(Context(completed)) is decided
    operators = {c.operator for c in (rule.conditions if isinstance(rule, Group) else [rule])}
    all_known = all(not isinstance(value, Unknown) for value in partial.values())
    if all_known and Operator.CONTAINS not in operators:
        assert decided is not U  # known numbers always decide ("contains" needs text or a list)


@given(rules)
def test_rules_round_trip_through_json(rule):
    data = json.loads(json.dumps(rule.to_dict()))
    again = rule_from_dict(data)
    assert again.to_dict() == rule.to_dict()
    ctx = Context({"x": 3, "y": unknown("pending"), "z": 20})
    assert again.evaluate(ctx) is rule.evaluate(ctx)


def test_condition_values_serialise_to_json():
    rule = Group(
        "any",
        [
            Condition("prix", "greater_than", Decimal("2.50")),
            Condition("naissance", "less_than", dt.date(2020, 1, 1)),
            Condition("regime", "one_of", ("a", "b")),
        ],
    )
    data = rule.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert [c["value"] for c in data["conditions"]] == ["2.5", "2020-01-01", ["a", "b"]]
    assert rule_from_dict(data).evaluate(CTX) is rule.evaluate(CTX)


# ----- validation -----------------------------------------------------------------------------

FIELDS = {
    "nombre_repas": answer_variable("nombre_repas", "number"),
    "regime": answer_variable("regime", "choice", choices=["Standard", "Sans porc"]),
    "options": answer_variable("options", "choice", multiple=True, choices=["Bio", "Local"]),
    "prenom": answer_variable("prenom", "text"),
    "naissance": answer_variable("naissance", "date"),
    "attestation": answer_variable("attestation", "boolean"),
    "enfants": answer_variable("enfants", "group"),
}


def codes(rule, available=FIELDS, **kwargs):
    return [(p.code, p.path) for p in validate_rule(rule, available, **kwargs)]


def test_valid_conditions_have_no_problems():
    rule = Group(
        "all",
        [
            Condition("nombre_repas", "greater_than", "3"),
            Condition("regime", "one_of", ["sans porc", "Standard"]),
            Condition("options", "contains", "bio"),
            Condition("prenom", "contains", "an"),
            Condition("naissance", "less_than", "01/09/2023"),
            Condition("attestation", "equals", "oui"),
            Condition("enfants", "is_filled"),
            Condition("enfants.regime", "equals", "x"),
            Condition("caf.quotient_familial", "less_than", 800),
            Condition("caf.fournisseur", "equals", "msa"),
            Condition("caf.ages_enfants", "less_than", 3),
        ],
    )
    assert validate_rule(rule, FIELDS) == []


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("inconnu", "equals", "x"), [("unknown_variable", ("variable",))]),
        (Condition("plus_tard", "equals", "x"), [("later_variable", ("variable",))]),
        (Condition("regime", "equals", ""), [("missing_value", ("value",))]),
        (Condition("regime", "one_of", "Standard"), [("value_not_list", ("value",))]),
        (Condition("regime", "equals", ["Standard"]), [("value_is_list", ("value",))]),
        (Condition("regime", "equals", "Halal"), [("value_not_a_choice", ("value",))]),
        (
            Condition("regime", "one_of", ["Standard", "Halal"]),
            [("value_not_a_choice", ("value",))],
        ),
        (Condition("options", "contains", "Vegan"), [("value_not_a_choice", ("value",))]),
        (Condition("regime", "greater_than", "3"), [("operator_not_allowed", ("operator",))]),
        (Condition("prenom", "less_than", "3"), [("operator_not_allowed", ("operator",))]),
        (Condition("nombre_repas", "greater_than", "trois"), [("value_not_number", ("value",))]),
        (Condition("nombre_repas", "contains", "3"), [("operator_not_allowed", ("operator",))]),
        (Condition("naissance", "less_than", "hier"), [("value_not_date", ("value",))]),
        (Condition("attestation", "equals", "peut-être"), [("value_not_boolean", ("value",))]),
        (Condition("enfants", "equals", "x"), [("operator_not_allowed", ("operator",))]),
        (Condition("caf.fournisseur", "equals", "CPAM"), [("value_not_a_choice", ("value",))]),
        (Condition("caf.verification", "equals", "ok"), [("value_not_a_choice", ("value",))]),
    ],
)
def test_validation_problems(condition, expected):
    assert codes(condition, later=["plus_tard"]) == expected


def test_validation_with_names_only_checks_orderable_values():
    assert codes(Condition("age", "greater_than", "dix"), ["age"]) == [
        ("value_not_orderable", ("value",))
    ]
    assert codes(Condition("age", "greater_than", "10"), ["age"]) == []
    assert codes(Condition("date", "greater_than", "2026-01-01"), ["date"]) == []


def test_validation_locates_problems_inside_groups_and_explains_in_french():
    rule = Group(
        "any",
        [Condition("regime", "equals", "Standard"), Condition("nombre_repas", "less_than", "x")],
    )
    [problem] = validate_rule(rule, FIELDS)
    assert problem.path == ("conditions", 1, "value")
    assert problem.message == "« x » n'est pas un nombre."
    assert codes(Group("all", [])) == [("empty_group", ("conditions",))]


def test_certified_variables_can_be_excluded_and_scopes_warned():
    rule = Condition("caf.commune", "equals", "51108")
    assert codes(rule, {}, include_certified=False) == [("unknown_variable", ("variable",))]
    [problem] = validate_rule(rule, {}, granted_scopes={"cnaf_quotient_familial"})
    assert (problem.code, problem.severity.value) == ("scope_missing", "warning")
    assert problem.params["scope"] == "cnaf_adresse"
    assert "cnaf_adresse" in problem.message
    assert validate_rule(rule, {}, granted_scopes={"cnaf_adresse"}) == []
