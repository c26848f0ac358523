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
