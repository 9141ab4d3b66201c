"""Role definition ids are built from the subscription of the assignment's scope, not the deploying one.

Microsoft ("Assign Azure roles using the REST API", learn.microsoft.com/azure/role-based-access-control/
role-assignments-rest): the request is `PUT https://management.azure.com/{scope}/providers/
Microsoft.Authorization/roleAssignments/{roleAssignmentId}` with a `roleDefinitionId` of the form
`/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{roleDefinitionId}`;
the REST spec's RoleAssignments_Create example (azure-rest-api-specs, authorization) uses the scope's
subscription in both. A scope in another subscription (an existing account, the shared registry)
needs that subscription's id there.
"""

from __future__ import annotations

import pytest

from components.core.roles import BUILTIN_ROLES, role_definition_id, scope_subscription
from tests.planning import EXISTING_ACCOUNT, Resources, plan
from tools.plan.mocks import SUBSCRIPTION_ID

OTHER_SUBSCRIPTION = "5a5a5a5a-0000-4000-8000-0000000005a1"  # EXISTING_ACCOUNT's


def _subscription(arm_id: str) -> str:
    return arm_id.split("/")[2].lower()


def test_the_definition_lives_in_the_scopes_subscription() -> None:
    scope = f"{EXISTING_ACCOUNT}/blobServices/default/containers/reference"
    assert role_definition_id(scope, "Storage Blob Data Reader") == (
        f"/subscriptions/{OTHER_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/"
        f"{BUILTIN_ROLES['Storage Blob Data Reader']}"
    )


def test_a_scope_outside_any_subscription_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="not in a subscription"):
        scope_subscription("/providers/Microsoft.Management/managementGroups/mg-1")


def test_grants_on_an_existing_account_of_another_subscription_name_that_subscriptions_role() -> None:
    """A datastore on an existing account in another subscription: the compute identity's and the
    principal's data roles on its container carry that subscription's role definition id, while the
    stack's own resources keep the deploying subscription's."""
    resources = Resources(
        plan(
            "dev",
            {
                "data": {
                    "accounts": {"shared": {"existingId": EXISTING_ACCOUNT}},
                    "datastores": {"reference": {"kind": "blob", "account": "shared", "container": "reference"}},
                },
                "access": {"principals": {"dataScientists": {"datastores": {"reference": "read"}}}},
            },
        )
    )
    assignments = resources.of_type("authorization:RoleAssignment")
    foreign = [a for a in assignments if _subscription(a["inputs"]["scope"]) == OTHER_SUBSCRIPTION]
    assert foreign, "no assignment on the existing account"
    for assignment in assignments:
        scope_sub = _subscription(assignment["inputs"]["scope"])
        assert _subscription(assignment["inputs"]["roleDefinitionId"]) == scope_sub, assignment["name"]
    assert {_subscription(a["inputs"]["roleDefinitionId"]) for a in assignments} >= {
        OTHER_SUBSCRIPTION,
        SUBSCRIPTION_ID,
    }


def test_every_shipped_stacks_definitions_follow_their_scopes(stack_plans: dict[str, Resources]) -> None:
    for stack, resources in stack_plans.items():
        for assignment in resources.of_type("authorization:RoleAssignment"):
            inputs = assignment["inputs"]
            assert _subscription(inputs["roleDefinitionId"]) == _subscription(inputs["scope"]), (
                stack,
                assignment["name"],
            )
