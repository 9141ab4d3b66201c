"""The rules of the pack, by service. ALL_RULES is the one list the pack is built from."""

from __future__ import annotations

from pulumi_policy import Policy

from . import aks, iam, keyvault, ml, monitoring, network, registry, stack, storage
from .lib.rule import Rule
from .lib.tiers import ADVISORY, MANDATORY, Levels

RULE_MODULES = (ml, storage, keyvault, registry, aks, monitoring, iam, network, stack)
# Rules are listed (in the config files, the catalogue and the verdicts) in checklist order: by
# family, then number, whichever service module holds them.
FAMILIES = ("ML", "ST", "KV", "CR", "AKS", "MON", "IAM", "STK")

PACK_NAME = "azure-ml-platform"
# The level of a rule a tier's config file does not name (its "all" entry). The generated files
# name every rule, so it applies only to a file older than the rule: dev warns, the others block.
BASELINE = Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY)
# The pack's own level (every rule declares its own: without a config, its prod level).
PACK_ENFORCEMENT_LEVEL = BASELINE.prod


def _checklist_order(rule: Rule) -> tuple[int, int]:
    family, number = rule.rule_id.split("-")
    return FAMILIES.index(family), int(number)


ALL_RULES: list[Rule] = sorted((rule for module in RULE_MODULES for rule in module.RULES), key=_checklist_order)
ALL_POLICIES: list[Policy] = [rule.policy for rule in ALL_RULES]

__all__ = ["ALL_POLICIES", "ALL_RULES", "BASELINE", "FAMILIES", "PACK_ENFORCEMENT_LEVEL", "PACK_NAME", "RULE_MODULES"]
