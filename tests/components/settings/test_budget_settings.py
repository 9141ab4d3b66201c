"""`budget.monthly`: USD, from one dollar to ten million, a number (never text or a boolean), and
none by default in every tier (the ceiling is then only reported)."""

from __future__ import annotations

from typing import Any

import pytest

from components.settings import validate_settings
from components.settings.tiers import deep_merge
from tests.planning import rejected_keys, stack_values

KEY = "ml-platform:budget.monthly"


@pytest.mark.parametrize(
    ("monthly", "ok"),
    [(1, True), (0.99, False), (0, False), (-5, False), (10_000_000, True), (10_000_000.01, False), (1234.56, True)],
)
def test_a_budget_is_1_to_10_million_dollars(monthly: float, ok: bool) -> None:
    overrides = {"budget": {"monthly": monthly}}
    if ok:
        settings = validate_settings(deep_merge(stack_values("dev"), overrides), "dev")
        assert settings.budget.monthly == monthly
    else:
        assert rejected_keys(overrides) == [KEY]


@pytest.mark.parametrize("monthly", [True, "500", [500]])
def test_a_budget_is_a_number(monthly: Any) -> None:
    assert rejected_keys({"budget": {"monthly": monthly}}) == [KEY]


def test_an_unknown_budget_key_is_refused() -> None:
    assert rejected_keys({"budget": {"montly": 500}}) == ["ml-platform:budget.montly"]


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_no_tier_sets_a_budget(stack: str) -> None:
    # staging and prod files set none (dev's file sets its own)
    assert validate_settings(stack_values(stack), stack).budget.monthly is None
