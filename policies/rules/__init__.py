"""The rules of the pack, by service. ALL_RULES is the one list the pack is built from."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Policy

from . import aks, iam, keyvault, ml, monitoring, registry, stack, storage
from .lib.rule import Rule

RULE_MODULES = (ml, storage, keyvault, registry, aks, monitoring, iam, stack)

PACK_NAME = "azure-ml-platform"
# Level of a rule that declares none; every rule declares its prod level, and the config files
# set the level per stack explicitly.
PACK_ENFORCEMENT_LEVEL = EnforcementLevel.MANDATORY

ALL_RULES: list[Rule] = [rule for module in RULE_MODULES for rule in module.RULES]
ALL_POLICIES: list[Policy] = [rule.policy for rule in ALL_RULES]

__all__ = ["ALL_POLICIES", "ALL_RULES", "PACK_ENFORCEMENT_LEVEL", "PACK_NAME", "RULE_MODULES"]
