"""Every step that holds on a shipped stack's plan breaks when what it rests on is taken away:
the role assignment (removed, or another role, scope or principal), the private endpoint, its DNS
zone group or VNet link, or the managed-network rule."""

from __future__ import annotations

import pytest

from tests.conftest import STACKS
from tests.planning import Resources
from tools.plan.journeys.azure import ROLE_NAMES, roles_satisfying
from tools.plan.journeys.facts import ROLE_ASSIGNMENT

from .helpers import changed, journey, journeys, role_id, without

BY_AZURE = "assigned by Azure to the system-assigned identity"

# The records a step's evidence may name that can be taken away on their own (the others, the
# workspace, accounts and computes, are changed in place by the tests beside this one).
REMOVABLE = (
    "authorization:RoleAssignment",
    "network:PrivateEndpoint",
    "network:PrivateDnsZoneGroup",
    "privatedns:VirtualNetworkLink",
    "machinelearningservices:ManagedNetworkSettingsRule",
)


def holding(res: Resources) -> list[tuple[str, str | None, int, str]]:
    """(journey, actor, step index, evidence URN) for every holding step's removable evidence."""
    found = []
    for result in journeys(res):
        for index, step in enumerate(result.steps):
            for urn in step.evidence if step.ok else []:
                if res.by_urn(urn)["type"].endswith(REMOVABLE):
                    found.append((result.key, result.actor, index, urn))
    return found


def still_holds(res: Resources, records: list, key: str, actor: str | None, index: int) -> bool:
    """Whether the step still holds on the changed records, other than by a grant Azure makes
    itself to a system-assigned identity (those hold with no record: test_system_assigned.py)."""
    before = journey(journeys(res), key, actor).steps[index]
    after = journey(journeys(res, records), key, actor)
    same = [
        s for s in after.steps if (s.kind, s.who, s.needs, s.on) == (before.kind, before.who, before.needs, before.on)
    ]
    return bool(same) and all(s.ok and s.detail != BY_AZURE for s in same)


@pytest.mark.parametrize("stack", STACKS)
def test_a_holding_step_breaks_without_its_record(stack: str, stack_plans: dict[str, Resources]) -> None:
    res = stack_plans[stack]
    cases = holding(res)
    assert cases, "no step of the stack rests on a record: the test would check nothing"
    kinds = {res.by_urn(urn)["type"].rsplit(":", 1)[-1] for *_, urn in cases}
    assert "RoleAssignment" in kinds
    for key, actor, index, urn in cases:
        assert not still_holds(res, without(res.records, urn), key, actor, index), (key, actor, index, urn)


@pytest.mark.parametrize("stack", STACKS)
def test_a_role_step_breaks_with_another_role_scope_or_principal(stack: str, stack_plans: dict[str, Resources]) -> None:
    res = stack_plans[stack]
    for key, actor, index, urn in holding(res):
        record = res.by_urn(urn)
        if record["type"] != ROLE_ASSIGNMENT:
            continue
        held = ROLE_NAMES[record["inputs"]["roleDefinitionId"].rsplit("/", 1)[-1]]
        # a role that does not stand in for the one held (roles_satisfying: Reader's includers)
        other = "AcrPull" if held in roles_satisfying("Reader") else "Reader"

        def another_role(inputs: dict, other: str = other) -> None:
            inputs["roleDefinitionId"] = role_id(other)

        def sibling_scope(inputs: dict) -> None:
            inputs["scope"] = inputs["scope"] + "x"  # a sibling of the same type, not the target

        def another_principal(inputs: dict) -> None:
            inputs["principalId"] = "99999999-0000-4000-8000-000000000999"

        for change in (another_role, sibling_scope, another_principal):
            assert not still_holds(res, changed(res.records, urn, change), key, actor, index), (key, index, change)
