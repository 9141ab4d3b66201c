"""What the checks across environments know of each planned stack, and the order of the tiers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from components.settings import AnySettings, StackSettings
from policies.rules.lib.tiers import TIERS

from ..policy import Level, Verdict, resolve_enforcement

# Promotion: jobs and models move from staging to prod (docs/registry.md, "Promote a model").
PROMOTED_FROM, PROMOTED_TO = "staging", "prod"
# The enforcement levels from the least to the most strict (remediate counts as mandatory: policy._level).
LEVEL_RANK: dict[Level, int] = {"disabled": 0, "advisory": 1, "mandatory": 2}


@dataclass(frozen=True)
class PlannedStack:
    """One stack as its plan left it: the records, the exports, the pack's verdicts and levels, and
    the ids of the existing resources its settings name (settings key -> ARM id)."""

    name: str
    tier: str
    kind: str  # "environment" or "shared"
    resources: Sequence[Mapping[str, Any]]
    outputs: Mapping[str, Any]
    verdicts: Sequence[Verdict]
    levels: Mapping[str, Level]  # policy name -> its level in this stack's policy config
    existing: Mapping[str, str] = field(default_factory=dict)

    @property
    def rank(self) -> int:
        """Where the stack's tier stands: dev < staging < prod (components/settings/tiers.py)."""
        return TIERS.index(self.tier)


def planned_stack(
    settings: AnySettings,
    name: str,
    policy_config: Path,
    resources: Sequence[Mapping[str, Any]],
    outputs: Mapping[str, Any],
    verdicts: Sequence[Verdict],
) -> PlannedStack:
    """A PlannedStack from what the plan command has at hand after planning a stack: the settings
    it validated, its policy config, its records, outputs and verdicts."""
    existing: dict[str, str] = {}
    if isinstance(settings, StackSettings):
        existing = {
            f"data account '{key}'": account.existing_id
            for key, account in settings.data.accounts.items()
            if account.existing_id
        }
    return PlannedStack(
        name=name,
        tier=str(settings.tier),
        kind=str(settings.kind),
        resources=resources,
        outputs=outputs,
        verdicts=verdicts,
        levels=resolve_enforcement(name, policy_config),
        existing=existing,
    )


def tier_pairs(stacks: Sequence[PlannedStack]) -> list[tuple[PlannedStack, PlannedStack]]:
    """(less strict, stricter) for every stack of a planned tier and every stack of the next tier
    planned: dev-staging and staging-prod, or dev-prod when staging is not planned. Shared stacks
    have no workspace to compare and stay out."""
    environments = [s for s in stacks if s.kind != "shared"]
    present = sorted({s.rank for s in environments})
    pairs: list[tuple[PlannedStack, PlannedStack]] = []
    for lower, higher in pairwise(present):
        pairs += [
            (less, more) for less in environments if less.rank == lower for more in environments if more.rank == higher
        ]
    return pairs
