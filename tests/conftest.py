from __future__ import annotations

import gc
import sys

import pytest

from tests.planning import Resources, plan
from tools.plan.stackfile import environment_stacks, shared_stacks

# The environment stacks (a workspace each) and the shared stacks (the Azure ML registry): most tests
# are about the former; tests/components/registry/ plans the latter.
STACKS = environment_stacks()
SHARED_STACKS = shared_stacks()

# A full collection walks every object the process holds, the SDK's classes included (hundreds of
# thousands once a few service packages are loaded), and the mock engine's plans allocate enough to
# set one off every few hundred milliseconds: with Python's defaults, about a third of the suite's
# CPU. So whenever a test has loaded new modules, what the process holds then is frozen (moved out
# of the collector's reach: modules, classes and the session's cached plans, which live to the end
# anyway), after one collection that frees the test's own garbage. Later plans' garbage is
# collected as before. make bench shows the effect on `make test`.
_modules_when_frozen = 0


def pytest_runtest_logfinish() -> None:
    global _modules_when_frozen  # noqa: PLW0603 (one worker process, one counter)
    if len(sys.modules) > _modules_when_frozen:
        gc.collect()
        gc.freeze()
        _modules_when_frozen = len(sys.modules)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `long` first, the rest in their order: pytest-xdist hands tests out in this
    order, and a long test collected last (the local pipeline run, 15 s) kept one worker busy alone
    after the other had finished."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def stack_plans() -> dict[str, Resources]:
    """Every shipped environment stack planned once per test session (plans are deterministic)."""
    return {stack: Resources(plan(stack)) for stack in STACKS}


@pytest.fixture(scope="session")
def shared_plans() -> dict[str, Resources]:
    """Every shipped shared stack, planned once per test session."""
    return {stack: Resources(plan(stack)) for stack in SHARED_STACKS}
