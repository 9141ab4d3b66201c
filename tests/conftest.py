from __future__ import annotations

import pytest

from tests.planning import Resources, plan
from tools.plan.stackfile import available_stacks

STACKS = available_stacks()


@pytest.fixture(scope="session")
def stack_plans() -> dict[str, Resources]:
    """Every shipped stack planned once per test session (plans are deterministic)."""
    return {stack: Resources(plan(stack)) for stack in STACKS}
