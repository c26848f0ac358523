import copy
import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from wagtail_passfamille.rules import (
    Bracket,
    ChildReductions,
    Condition,
    Decision,
    EffortRate,
    Gate,
    Grid,
    Outcome,
    build_context,
    compute_outcome,
)

NBSP = "\u00a0"
REF = dt.date(2026, 9, 1)

CANTINE = Grid(
    "repas",
    "caf.quotient_familial",
    unit="par repas",
    brackets=(
        Bracket("Tranche A", None, 400, "1.00"),
        Bracket("Tranche B", 400, 800, "2.35"),
        Bracket("Tranche C", 800, None, "4.10"),
    ),
    default_bracket="Tranche C",
    child_reductions=ChildReductions(10, 20),
    valid_from=dt.date(2026, 9, 1),
    valid_until=dt.date(2027, 8, 31),
)
CANTINE_2025 = dataclasses.replace(
    CANTINE, valid_from=dt.date(2025, 9, 1), valid_until=dt.date(2026, 8, 31)
)
GARDERIE = Grid(
    "garderie-soir",
    "dgfip.quotient_mensuel",
    title="Garderie du soir",
    unit="par soir",
    mode="effort_rate",
    effort=EffortRate("0.25", "0.80", "4"),
    default_amount="4",
)
PASS_FAMILLE = Grid(
    "pass-famille",
    "dgfip.quotient_mensuel",
    title="Éligible au Pass Famille",
    kind="reduction",
    brackets=(Bracket("50 %", None, 500, 50), Bracket("30 %", 500, 900, 30),
              Bracket("Sans", 900, None, 0)),
    default_bracket="Sans",
)  # fmt: skip
RESIDENCE = Gate(
    "residence",
    Condition("dgfip.commune", "equals", "51108"),
    "Le Pass Famille est réservé aux habitants de la commune.",
)


def household(qf=653, rfr=31321, commune="51108", caf_state=None):
    caf = None if caf_state else {"quotient_familial": qf, "fournisseur": "CNAF"}
    return build_context(
        {"enfants": [{"prenom": "Léa", "date_naissance": "2019-03-04"},
                     {"prenom": "Tom", "date_naissance": "2016-11-20"}]},
        reference_date=REF,
        caf=caf,
        caf_verification=caf_state,
        dgfip={"revenu_fiscal_reference": rfr, "nombre_parts": "2.5", "commune": commune},
        children_group="enfants",
    )  # fmt: skip


def test_outcome_of_a_household_and_its_summary():
    outcome = compute_outcome(
        [RESIDENCE], [CANTINE_2025, CANTINE, GARDERIE, PASS_FAMILLE], household()
    )
    assert outcome.decision is Decision.ELIGIBLE
    assert [r.grid.name for r in outcome.tariffs] == ["repas", "garderie-soir", "pass-famille"]
    repas = outcome.tariff("repas")
    assert repas.bracket == "Tranche B"
    assert (repas.amount, repas.provenance) == (Decimal("2.35"), "caf:verifie")
    # 31321 / 12 / 2.5 = 1044.03 → 0.25 % = 2.61
    assert outcome.tariff("garderie-soir").amount == Decimal("2.61")
    assert outcome.summary_lines() == [
        f"Tarif{NBSP}: Tranche B — 2,35{NBSP}€ par repas",
        f"2e enfant{NBSP}: 2,12{NBSP}€ par repas (réduction de 10{NBSP}%)",
        f"Garderie du soir{NBSP}: 2,61{NBSP}€ par soir",
        f"Éligible au Pass Famille{NBSP}: aucune réduction",
    ]
    assert [(c.position, c.rank) for c in repas.children] == [(1, 1), (0, 2)]  # Tom is older


def test_a_blocking_gate_shows_only_its_message():
    outcome = compute_outcome([RESIDENCE], [CANTINE], household(commune="75056"))
    assert outcome.decision is Decision.NOT_ELIGIBLE and not outcome.can_submit
    assert outcome.summary_lines() == [RESIDENCE.message]


def test_refused_sharing_gives_the_default_tariff_and_a_review():
    ctx = household(caf_state="refus_partage")
    gate = Gate("qf", Condition("caf.quotient_familial", "less_than", 1200), "Plafond dépassé.")
    outcome = compute_outcome([gate], [CANTINE], ctx)
    assert outcome.decision is Decision.REVIEW and outcome.can_submit and outcome.for_review
    assert outcome.default_applied
    repas = outcome.tariff("repas")
    assert (repas.bracket, repas.default_reason, repas.provenance) == (
        "Tranche C",
        "refused",
        "caf:refus_partage",
    )
    assert outcome.summary_lines()[1] == (
        f"Tarif{NBSP}: Tranche C — 4,10{NBSP}€ par repas (tarif par défaut)"
    )


def test_an_outcome_needs_a_reference_date():
    with pytest.raises(ValueError):
        compute_outcome([], [CANTINE], household().__class__({}))
    assert compute_outcome([], [CANTINE], household(), on=dt.date(2026, 1, 1)).tariffs == ()


@given(
    st.integers(min_value=100, max_value=3000) | st.none(),
    st.integers(min_value=10000, max_value=200000),
    st.sampled_from(["51108", "75056"]),
)
def test_outcome_round_trips_and_holds_no_certified_value(qf, rfr, commune):
    assume(qf not in (400, 500, 800, 900))  # grid boundaries are in the snapshot, legitimately
    state = "a_verifier" if qf is None else None
    ctx = household(qf=qf, rfr=rfr, commune=commune, caf_state=state)
    outcome = compute_outcome([RESIDENCE], [CANTINE, GARDERIE, PASS_FAMILLE], ctx)
    text = json.dumps(outcome.to_dict())  # JSON-able: no Decimal, no date objects
    again = Outcome.from_dict(json.loads(text))
    assert again == outcome
    assert again.summary_lines() == outcome.summary_lines()
    stored = json.loads(text)
    for result in stored["tariffs"]:
        assert set(result) == {"grid", "variable", "provenance", "bracket", "amount",
                               "default_applied", "default_reason", "children"}  # fmt: skip
    # Verify, don't disclose: the quotients and the income are nowhere in the stored outcome.
    quotients = [str(ctx.get(f"dgfip.quotient_{k}")) for k in ("annuel", "mensuel")]
    for secret in [str(rfr), *quotients, *([] if qf is None else [str(qf)])]:
        assert f'"{secret}"' not in text and f" {secret}," not in text


def test_editing_the_grid_after_computing_leaves_the_stored_outcome_unchanged():
    outcome = compute_outcome([RESIDENCE], [CANTINE], household(qf=650))
    stored = json.dumps(outcome.to_dict())
    # The editor raises Tranche B and renames it; the démarche now builds the new grid.
    edited_dict = CANTINE.to_dict()
    edited_dict["brackets"][1].update(label="Tranche B'", amount="9.99")
    edited = Grid.from_dict(edited_dict)
    assert compute_outcome([RESIDENCE], [edited], household(qf=650)).tariffs[0].amount == Decimal(
        "9.99"
    )
    assert json.dumps(outcome.to_dict()) == stored
    assert CANTINE.bracket_named("Tranche B").amount == Decimal("2.35")
    # Mutating a dict handed out by to_dict() does not reach the outcome either.
    handed_out = outcome.to_dict()
    handed_out["tariffs"][0]["grid"]["brackets"][1]["amount"] = "0.01"
    assert json.dumps(outcome.to_dict()) == stored
    # Read back later, the stored outcome still shows what the family was told.
    restored = Outcome.from_dict(json.loads(stored))
    assert restored.summary_lines()[0] == f"Tarif{NBSP}: Tranche B — 2,35{NBSP}€ par repas"
    assert restored.tariff("repas").grid == CANTINE
    with pytest.raises(dataclasses.FrozenInstanceError):
        CANTINE.unit = "par jour"  # type: ignore[misc]


def test_unsupported_versions_are_refused():
    data = compute_outcome([], [CANTINE], household()).to_dict()
    bad = copy.deepcopy(data)
    bad["version"] = 99
    with pytest.raises(ValueError):
        Outcome.from_dict(bad)
