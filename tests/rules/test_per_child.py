"""Rules per child: « chaque enfant » / « au moins un enfant », each child's age at the reference
date, and gates that refuse one child by name while the others go on."""

import datetime as dt
from decimal import Decimal

from wagtail_passfamille.rules import (
    CHILD_AGE,
    Bracket,
    ChildReductions,
    Condition,
    Decision,
    Gate,
    GateResult,
    Grid,
    Group,
    Outcome,
    Truth,
    build_context,
    child_age_label,
    compute_outcome,
    rule_from_dict,
    validate_gate,
    validate_grid,
    validate_rule,
)
from wagtail_passfamille.rules.conditions import answer_variable

ON = dt.date(2027, 9, 1)
LEA = {"prenom": "Léa", "date_naissance": "2010-03-02", "pai": "Non"}  # 17 on 1/9/2027
TOM = {"prenom": "Tom", "date_naissance": "2025-01-10", "pai": "Oui"}  # 2
ZOE = {"prenom": "Zoé", "date_naissance": "2019-06-20", "pai": "Non"}  # 8
NOE = {"prenom": "Noé", "date_naissance": "2021-12-01", "pai": "Non"}  # 5


def context(*children):
    return build_context({"enfants": list(children)}, reference_date=ON, children_group="enfants")


def three_to_eleven(quantifier="any"):
    return Group(
        "all",
        (
            Condition(CHILD_AGE, "greater_or_equal", "3", quantifier),
            Condition(CHILD_AGE, "less_or_equal", "11", quantifier),
        ),
    )


def test_each_childs_age_at_the_reference_date_is_a_datum():
    assert context(LEA, TOM, ZOE).get(CHILD_AGE) == (17, 2, 8)
    assert child_age_label(ON) == "Âge de l'enfant au 1er septembre 2027"
    assert child_age_label(dt.date(2027, 7, 14)) == "Âge de l'enfant au 14 juillet 2027"


def test_au_moins_un_is_what_a_condition_on_a_list_meant_and_still_means():
    # A 17-year-old and a 2-year-old pass a 3–11 condition read « au moins un enfant ».
    assert three_to_eleven("any").evaluate(context(LEA, TOM)) is Truth.TRUE
    assert three_to_eleven("all").evaluate(context(LEA, TOM)) is Truth.FALSE
    assert three_to_eleven("all").evaluate(context(ZOE, NOE)) is Truth.TRUE


def test_chaque_enfant_on_a_group_sub_field_counts_a_blank_child_as_unknown():
    each_pai = Condition("enfants.pai", "equals", "Oui", "all")
    assert each_pai.evaluate(context(TOM, {**TOM, "prenom": "Lou"})) is Truth.TRUE
    assert each_pai.evaluate(context(TOM, ZOE)) is Truth.FALSE
    assert each_pai.evaluate(context(TOM, {**TOM, "pai": ""})) is Truth.UNKNOWN
    # « au moins un » ignores the blank child, as before.
    assert (
        Condition("enfants.pai", "equals", "Oui").evaluate(context(TOM, {**TOM, "pai": ""}))
        is Truth.TRUE
    )


def test_stored_conditions_without_a_quantifier_read_au_moins_un():
    stored = {"type": "condition", "variable": CHILD_AGE, "operator": "less_than", "value": "3"}
    condition = rule_from_dict(stored)
    assert condition.quantifier == "any"
    assert condition.to_dict() == stored  # snapshots written before are written the same
    each = Condition(CHILD_AGE, "less_than", "3", "all")
    assert rule_from_dict(each.to_dict()) == each


def test_chaque_enfant_on_a_single_value_is_refused_at_save():
    specs = {"age": answer_variable("age", "number")}
    problems = validate_rule(Condition("age", "less_than", "3", "all"), specs)
    assert [p.code for p in problems] == ["quantifier_not_list"]
    assert validate_rule(Condition(CHILD_AGE, "less_than", "3", "all"), specs) == []


GATE = Gate(
    "age",
    three_to_eleven(),
    "l'accueil de loisirs accueille les enfants de 3 à 11 ans au 1er septembre 2027",
    per_child=True,
)


def test_a_per_child_gate_refuses_only_the_child_outside_the_ages_by_name():
    result = GATE.evaluate(context(ZOE, LEA, NOE))
    assert result.decision is Decision.ELIGIBLE and not result.blocks
    assert result.refused_positions == (1,)
    assert result.child_lines({0: "Zoé", 1: "Léa", 2: "Noé"}) == [
        "Inscription de Léa impossible\u00a0: l'accueil de loisirs accueille les enfants de 3 "
        "à 11 ans au 1er septembre 2027"
    ]


def test_a_per_child_gate_stops_the_demarche_when_every_child_is_refused():
    outcome = compute_outcome([GATE], [], context(LEA, TOM))
    assert outcome.decision is Decision.NOT_ELIGIBLE
    assert outcome.summary_lines({0: "Léa", 1: "Tom"}) == [
        line for line in outcome.child_lines({0: "Léa", 1: "Tom"})
    ]
    assert len(outcome.summary_lines({0: "Léa", 1: "Tom"})) == 2


def test_a_per_child_gate_with_review_sends_the_file_pour_examen_and_refuses_nobody():
    gate = Gate("age", three_to_eleven(), "3 à 11 ans", per_child=True, allow_review=True)
    result = gate.evaluate(context(ZOE, LEA))
    assert result.decision is Decision.NOT_ELIGIBLE and result.for_review
    assert result.refused_positions == ()


def test_a_child_without_a_birth_date_is_examined_not_refused():
    result = GATE.evaluate(context(ZOE, {**NOE, "date_naissance": ""}))
    assert result.decision is Decision.REVIEW and result.refused_positions == ()


def test_refused_children_are_neither_priced_nor_ranked():
    grid = Grid(
        "jour",
        "demarche.nombre_enfants_inscrits",
        unit="par jour",
        brackets=(Bracket("Tarif", None, None, "10"),),
        child_reductions=ChildReductions(Decimal(10), Decimal(10)),
    )
    outcome = compute_outcome([GATE], [grid], context(LEA, ZOE, NOE))
    (tariff,) = outcome.tariffs
    assert [(c.position, c.rank, c.amount) for c in tariff.children] == [
        (1, 1, Decimal("10.00")),
        (2, 2, Decimal("9.00")),
    ]
    assert outcome.refused_children == (0,)
    stored = Outcome.from_dict(outcome.to_dict())
    assert stored.refused_children == (0,) and stored.gates[0].gate.per_child


def test_a_per_child_gate_must_read_a_childs_data():
    gate = Gate("qf", Condition("caf.quotient_familial", "less_than", "900"), "m", per_child=True)
    codes = [p.code for p in validate_gate(gate, {}, children_group="enfants")]
    assert codes == ["per_child_without_child_data"]
    assert validate_gate(GATE, {}, children_group="enfants") == []


def test_an_older_stored_gate_result_reads_back_without_children():
    result = Gate("g", Condition("x", "equals", "1"), "m").evaluate(context(ZOE))
    data = result.to_dict()
    assert "children" not in data and "per_child" not in data["gate"]
    assert GateResult.from_dict(data) == result


def test_a_per_item_context_gives_that_childs_age():
    item = build_context(
        {"enfants.date_naissance": "2019-06-20"}, reference_date=ON, children_group="enfants"
    )
    assert item.get(CHILD_AGE) == (8,)


def test_reachability_reads_chaque_enfant():
    from wagtail_passfamille.rules import CATALOGUE
    from wagtail_passfamille.rules.reachability import satisfiable

    specs = dict(CATALOGUE)
    young = Condition(CHILD_AGE, "less_than", "3", "all")
    old = Condition(CHILD_AGE, "greater_than", "11", "all")
    assert not satisfiable([Group("all", (young, old))], specs)
    # « au moins un » of each: a family with a baby and a teenager.
    older = Condition(CHILD_AGE, "greater_than", "11")
    assert satisfiable([Group("all", (Condition(CHILD_AGE, "less_than", "3"), older))], specs)


def test_a_grid_on_the_childs_age_prices_each_child_then_reduces_by_rank():
    by_age = Grid(
        "journee",
        CHILD_AGE,
        unit="par jour",
        brackets=(
            Bracket("Moins de 6 ans", None, "6", "4"),
            Bracket("6 ans et plus", "6", None, "7"),
        ),
        default_bracket="6 ans et plus",
        child_reductions=ChildReductions(Decimal(10), Decimal(20)),
    )
    outcome = compute_outcome([GATE], [by_age], context(LEA, ZOE, NOE))
    (tariff,) = outcome.tariffs
    assert tariff.per_child and tariff.amount is None
    # Léa (17, entered first) is refused; Zoé (8) is the oldest registered, Noé (5) the 2nd.
    assert [(c.position, c.rank, c.bracket, c.amount) for c in tariff.children] == [
        (1, 1, "6 ans et plus", Decimal("7.00")),
        (2, 2, "Moins de 6 ans", Decimal("3.60")),
    ]
    assert outcome.summary_lines({0: "Léa", 1: "Zoé", 2: "Noé"})[-2:] == [
        "Tarif, Zoé\u00a0: 6 ans et plus — 7,00\u00a0€ par jour",
        "Tarif, Noé\u00a0: Moins de 6 ans — 3,60\u00a0€ par jour (réduction de 10\u00a0%)",
    ]
    assert tariff.summary_lines()[0].startswith("Tarif, 1er enfant\u00a0:")  # no name stored
    assert Outcome.from_dict(outcome.to_dict()) == outcome
    assert validate_grid(by_age, {}) == [] or all(not p.is_error for p in validate_grid(by_age, {}))


def test_a_child_without_a_birth_date_gets_the_default_price():
    by_age = Grid(
        "journee",
        CHILD_AGE,
        unit="par jour",
        brackets=(
            Bracket("Moins de 6 ans", None, "6", "4"),
            Bracket("6 ans et plus", "6", None, "7"),
        ),
        default_bracket="6 ans et plus",
    )
    (tariff,) = compute_outcome([], [by_age], context(NOE, {**ZOE, "date_naissance": ""})).tariffs
    assert [(c.bracket, c.amount) for c in tariff.children] == [
        ("Moins de 6 ans", Decimal("4.00")),
        ("6 ans et plus", Decimal("7.00")),
    ]
    assert tariff.default_applied
