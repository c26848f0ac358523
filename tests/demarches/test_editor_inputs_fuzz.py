"""No editor input gives a 500: random values of every block, typed as the admin form sends them
(text in every input, ticks, picks among the choices or not), get a validation message or save.

The strategy is derived from the blocks' own definitions, so a block added later is covered.
"""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail import blocks
from wagtail.blocks.base import get_error_json_data
from wagtail.blocks.list_block import ListValue
from wagtail.rich_text import RichText

from wagtail_passfamille.blocks import StepsBlock
from wagtail_passfamille.blocks.fields import FIELD_BLOCKS
from wagtail_passfamille.blocks.rules import GateBlock, GatesBlock, GridBlock, GridsBlock

# What an editor types in a text input: empty, spaces, numbers with commas, names, noise.
TYPED = st.one_of(
    st.sampled_from(
        ["", " ", "0", "0,6", "0.6", "-3", "12,50", "1e400", "NaN", "abc", "Oui", "enfants.pai"]
    ),
    st.sampled_from(["caf.quotient_familial", "2027-09-01", "31/02/2027", "a" * 300, "é;à; ;"]),
    st.text(max_size=20),
)


def typed_value(block, depth=0):
    """A strategy of values of ``block`` as the editor's form would hand them to ``clean``."""
    if isinstance(block, blocks.StreamBlock):
        children = list(block.child_blocks.items())
        child = st.sampled_from(children).flatmap(
            lambda item: typed_value(item[1], depth + 1).map(lambda v, n=item[0]: (n, v))
        )
        return st.lists(child, max_size=3 if depth < 2 else 1).map(
            lambda items: blocks.StreamValue(block, items)
        )
    if isinstance(block, blocks.ListBlock):
        return st.lists(typed_value(block.child_block, depth + 1), max_size=3).map(
            lambda items: ListValue(block, values=items)
        )
    if isinstance(block, blocks.StructBlock):
        names = list(block.child_blocks)
        return st.fixed_dictionaries(
            {name: typed_value(block.child_blocks[name], depth + 1) for name in names}
        ).map(lambda values: block._to_struct_value(values.items()))
    if isinstance(block, blocks.BooleanBlock):
        return st.booleans()
    if isinstance(block, blocks.MultipleChoiceBlock):
        keys = [str(k) for k, _label in block.field.choices]
        return st.lists(st.sampled_from([*keys, "inconnu"]), max_size=4, unique=True)
    if isinstance(block, blocks.ChoiceBlock):
        keys = [str(k) for k, _label in block.field.choices]
        return st.sampled_from([*keys, "inconnu"]) if keys else TYPED
    if isinstance(block, blocks.DateBlock):
        return st.one_of(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)), TYPED)
    if isinstance(block, blocks.RichTextBlock):
        return st.sampled_from(["", "<p>Texte</p>", "<p><b>x</b></p>"]).map(RichText)
    return TYPED


def assert_clean_gives_a_message(block, value):
    # clean_deferred (autosave's validation) exists from Wagtail 7.4 on; 7.3 has clean only.
    methods = [block.clean, *filter(None, [getattr(block, "clean_deferred", None)])]
    for method in methods:
        try:
            method(value)
        except ValidationError as error:
            # Wagtail renders the error in the editor: it must be well-formed too.
            json.dumps(get_error_json_data(error))


SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FIELDS = [(name, block) for name, block in FIELD_BLOCKS]


@pytest.mark.parametrize("name, block", FIELDS, ids=[name for name, _b in FIELDS])
def test_every_field_block_gives_a_message_or_saves(db, name, block):
    @SETTINGS
    @given(typed_value(block))
    def check(value):
        assert_clean_gives_a_message(block, value)

    check()


@pytest.mark.parametrize(
    "block",
    [GridBlock(), GateBlock(), GridsBlock(), GatesBlock()],
    ids=["grid", "gate", "grids", "gates"],
)
def test_every_rules_block_gives_a_message_or_saves(db, block):
    @SETTINGS
    @given(typed_value(block))
    def check(value):
        assert_clean_gives_a_message(block, value)

    check()


def test_whole_steps_give_a_message_or_save(db):
    block = StepsBlock()

    @settings(SETTINGS, max_examples=30)
    @given(typed_value(block))
    def check(value):
        assert_clean_gives_a_message(block, value)

    check()


def test_a_brackets_grid_without_bracket_is_a_message():
    block = GridBlock()
    value = block.to_python({"title": "Tarif", "variable": "caf.quotient_familial"})
    with pytest.raises(ValidationError) as error:
        block.clean(value)
    assert "tranche" in json.dumps(get_error_json_data(error.value), ensure_ascii=False)
