from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wagtail_passfamille.rules import (
    UNKNOWN,
    Truth,
    Unknown,
    UnknownReason,
    all_of,
    any_of,
    unknown,
)

from .strategies import truths

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

# Kleene's strong three-valued tables, written out rather than derived.
AND_TABLE = {
    (T, T): T, (T, U): U, (T, F): F,
    (U, T): U, (U, U): U, (U, F): F,
    (F, T): F, (F, U): F, (F, F): F,
}  # fmt: skip
OR_TABLE = {
    (T, T): T, (T, U): T, (T, F): T,
    (U, T): T, (U, U): U, (U, F): U,
    (F, T): T, (F, U): U, (F, F): F,
}  # fmt: skip


@pytest.mark.parametrize(("left", "right"), list(product(Truth, Truth)))
def test_kleene_and_or_tables(left, right):
    assert (left & right) is AND_TABLE[left, right]
    assert (left | right) is OR_TABLE[left, right]


def test_kleene_not_table():
    assert ~T is F
    assert ~F is T
    assert ~U is U


_RANK = {F: 0, U: 1, T: 2}


@given(truths, truths, truths)
def test_kleene_matches_min_max_over_false_unknown_true(a, b, c):
    # An independent formulation: and = min, or = max, not = mirror on F < U < T.
    assert _RANK[a & b] == min(_RANK[a], _RANK[b])
    assert _RANK[a | b] == max(_RANK[a], _RANK[b])
    assert _RANK[~a] == 2 - _RANK[a]
    assert ~(a & b) is (~a | ~b)  # De Morgan
    assert ((a & b) & c) is (a & (b & c))


@given(st.lists(truths, max_size=6))
def test_all_of_any_of_fold_the_binary_operators(items):
    expected_all, expected_any = T, F
    for item in items:
        expected_all, expected_any = expected_all & item, expected_any | item
    assert all_of(items) is expected_all
    assert any_of(items) is expected_any


def test_truth_and_unknown_refuse_to_be_read_as_bool():
    with pytest.raises(TypeError):
        bool(U)
    with pytest.raises(TypeError):
        bool(T)
    with pytest.raises(TypeError):
        bool(UNKNOWN)
    with pytest.raises(TypeError):
        if Unknown(UnknownReason.REFUSED):
            pass


def test_resolve_lets_the_caller_decide_what_unknown_means():
    assert U.resolve(unknown=False) is False
    assert U.resolve(unknown=True) is True
    assert T.resolve(unknown=False) is True
    assert F.resolve(unknown=True) is False


def test_unknown_carries_its_reason_and_compares_by_it():
    assert unknown("refused") == Unknown(UnknownReason.REFUSED)
    assert unknown("refused") != unknown("pending")
    assert repr(unknown("scope_not_granted")) == "Unknown(scope_not_granted)"
    with pytest.raises(ValueError):
        unknown("because")
