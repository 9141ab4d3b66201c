"""The stack's monthly budget: the most its cost ceiling (tools/plan/cost) may reach."""

from __future__ import annotations

from pydantic import Field

from .base import SettingsModel


class BudgetSettings(SettingsModel):
    monthly: float | None = Field(
        default=None,
        strict=True,  # a number: `true` or "500" is a mistake, not 1 or 500 dollars
        ge=1,
        le=10_000_000,
        description=(
            "USD a month the stack may cost at most: the offline plan fails (exit 1) when its cost ceiling "
            "(docs/cost.md) is over it, unbounded (logs without monitoring.dailyQuotaGb) or not fully priced. "
            "None: no budget, the ceiling is only reported."
        ),
    )
