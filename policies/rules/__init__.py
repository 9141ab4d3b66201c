"""The rules of the pack, by service. ALL_POLICIES is the one list the pack is built from."""

from __future__ import annotations

from pulumi_policy import Policy

from . import aks, iam, keyvault, ml, monitoring, registry, stack, storage

RULE_MODULES = (ml, storage, keyvault, registry, aks, monitoring, iam, stack)

ALL_POLICIES: list[Policy] = [policy for module in RULE_MODULES for policy in module.POLICIES]

__all__ = ["ALL_POLICIES", "RULE_MODULES"]
