"""Every journey a shipped stack claims holds on its plan: the grants and paths of the platform
let its users do their work (what each journey needs and why: docs/offline-plan.md)."""

from __future__ import annotations

import pytest

from tests.conftest import STACKS
from tests.planning import Resources

from .helpers import journeys


@pytest.mark.parametrize("stack", STACKS)
def test_every_journey_a_shipped_stack_claims_holds(stack: str, stack_plans: dict[str, Resources]) -> None:
    results = journeys(stack_plans[stack])
    assert any(r.claimed for r in results), "a stack that claims no journey checks nothing"
    broken = {
        (r.key, r.actor): [f"{s.who} | {s.needs} | {s.on}: {s.detail}" for s in r.steps if not s.ok]
        for r in results
        if r.broken
    }
    assert broken == {}
