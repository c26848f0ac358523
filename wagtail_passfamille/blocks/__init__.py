"""StreamField blocks of a démarche: steps, fields, certified-data blocks, conditions, gates
and tariff grids. Blocks *describe*; behaviour sits on their ``StructValue`` classes
(``values.py``) and in the checks of a démarche's steps (``step_checks.py``).

May import: the pure packages (``rules``, ``geo``), ``conf`` and ``sources`` (the data an editor
ticks). Never models, views or services.
"""

from wagtail_passfamille.blocks.conditions import ConditionBlock, ConditionRuleBlock
from wagtail_passfamille.blocks.fields import (
    FIELD_BLOCKS,
    BaseFieldBlock,
    GroupFieldBlock,
    InformationBlock,
)
from wagtail_passfamille.blocks.steps import StepBlock, StepsBlock

__all__ = [
    "FIELD_BLOCKS",
    "BaseFieldBlock",
    "ConditionBlock",
    "ConditionRuleBlock",
    "GroupFieldBlock",
    "InformationBlock",
    "StepBlock",
    "StepsBlock",
]
