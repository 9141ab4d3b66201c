"""The rules of the pack, by service. ALL_RULES is the one list the pack is built from."""

from __future__ import annotations

from pulumi_policy import Policy

from . import aks, iam, keyvault, ml, monitoring, registry, stack, storage
from .lib.rule import Rule
from .lib.tiers import ADVISORY, MANDATORY, Levels

RULE_MODULES = (ml, storage, keyvault, registry, aks, monitoring, iam, stack)

PACK_NAME = "azure-ml-platform"
# The level of a rule a tier's config file does not name (its "all" entry). The generated files
# name every rule, so it applies only to a file older than the rule: dev warns, the others block.
BASELINE = Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY)
# The pack's own level (every rule declares its own: without a config, its prod level).
PACK_ENFORCEMENT_LEVEL = BASELINE.prod

ALL_RULES: list[Rule] = [rule for module in RULE_MODULES for rule in module.RULES]
ALL_POLICIES: list[Policy] = [rule.policy for rule in ALL_RULES]

__all__ = ["ALL_POLICIES", "ALL_RULES", "BASELINE", "PACK_ENFORCEMENT_LEVEL", "PACK_NAME", "RULE_MODULES"]
