"""The rules of the pack, by service. ALL_POLICIES is the one list the pack is built from."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Policy

from . import aks, iam, keyvault, ml, monitoring, registry, stack, storage

RULE_MODULES = (ml, storage, keyvault, registry, aks, monitoring, iam, stack)

PACK_NAME = "azure-ml-platform"
# Level of a rule that declares none; every rule declares its prod level, and the config files
# set the level per stack explicitly.
PACK_ENFORCEMENT_LEVEL = EnforcementLevel.MANDATORY

ALL_POLICIES: list[Policy] = [policy for module in RULE_MODULES for policy in module.POLICIES]

__all__ = ["ALL_POLICIES", "PACK_ENFORCEMENT_LEVEL", "PACK_NAME", "RULE_MODULES"]
