from .conditions import ConditionBlock, ConditionRuleBlock
from .fields import FIELD_BLOCKS, BaseFieldBlock, GroupFieldBlock, InformationBlock
from .steps import StepBlock, StepsBlock

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
