from __future__ import annotations

import pytest

from tests.planning import Resources, plan
from tools.plan.stackfile import environment_stacks, shared_stacks

# The environment stacks (a workspace each) and the shared stacks (the Azure ML registry): most tests
# are about the former; tests/components/registry/ plans the latter.
STACKS = environment_stacks()
SHARED_STACKS = shared_stacks()


@pytest.fixture(scope="session")
def stack_plans() -> dict[str, Resources]:
    """Every shipped environment stack planned once per test session (plans are deterministic)."""
    return {stack: Resources(plan(stack)) for stack in STACKS}


@pytest.fixture(scope="session")
def shared_plans() -> dict[str, Resources]:
    """Every shipped shared stack, planned once per test session."""
    return {stack: Resources(plan(stack)) for stack in SHARED_STACKS}
