"""Post a page's admin edit form back as a browser would, from the GET's HTML.

Plain inputs come from the HTML; a StreamField's inputs are built by Wagtail's JavaScript from
the form state the page embeds (``data-w-block-arguments-value``): expanding that state the way
the JavaScript names its inputs gives what the browser would send.
"""

import json

from wagtail import blocks
from wagtail.test.utils.form_data import querydict_from_html
from wagtail.test.utils.wagtail_tests import WagtailTestUtils

FORM_ID = "page-edit-form"


def _expand(block, prefix, state, data):
    if isinstance(block, blocks.StreamBlock):
        data[f"{prefix}-count"] = str(len(state))
        for index, child in enumerate(state):
            child_prefix = f"{prefix}-{index}"
            data[f"{child_prefix}-type"] = child["type"]
            data[f"{child_prefix}-deleted"] = ""
            data[f"{child_prefix}-order"] = str(index)
            data[f"{child_prefix}-id"] = child.get("id") or ""
            _expand(
                block.child_blocks[child["type"]], f"{child_prefix}-value", child["value"], data
            )
    elif isinstance(block, blocks.ListBlock):
        data[f"{prefix}-count"] = str(len(state))
        for index, child in enumerate(state):
            child_prefix = f"{prefix}-{index}"
            data[f"{child_prefix}-deleted"] = ""
            data[f"{child_prefix}-order"] = str(index)
            data[f"{child_prefix}-id"] = child.get("id") or ""
            _expand(block.child_block, f"{child_prefix}-value", child["value"], data)
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            _expand(child_block, f"{prefix}-{name}", state.get(name), data)
    elif isinstance(state, bool):
        if state:
            data[prefix] = "on"
    elif isinstance(state, list):
        data.setlist(prefix, [str(v) for v in state])
    else:
        data[prefix] = "" if state is None else str(state)


def edit_form_data(html, model):
    """The POST data of the edit form in ``html`` for a page of ``model``, unchanged."""
    data = querydict_from_html(html, form_id=FORM_ID)
    soup = WagtailTestUtils.get_soup(html)
    for field in model._meta.get_fields():
        stream_block = getattr(field, "stream_block", None)
        if stream_block is None:
            continue
        widget = soup.find("div", attrs={"id": field.name, "data-block": True})
        state, _errors = json.loads(widget["data-w-block-arguments-value"])
        for key in [k for k in data if k.startswith(f"{field.name}-")]:
            del data[key]
        _expand(stream_block, field.name, state, data)
    # A dict of lists: the test client sends every value (QueryDict.items() keeps the last).
    return {key: data.getlist(key) for key in data}
