"""Identity rules: custom role definitions (IAM-01) and least privilege of role assignments (STK-06).

Each rule: a compliant case passes, a non-compliant case fails and says why (rule_cases.py);
its checklist row and the SDK names it reads are listed here too."""

from __future__ import annotations

import pytest

from tests.policies.policy_fixtures import (
    RG_ID,
    ROLE_COMPUTE_OPERATOR,
    ROLE_CONTRIBUTOR,
    ROLE_OWNER,
    SUB,
    T_RD,
    add,
    assignment,
    record,
)
from tests.policies.rule_cases import Case, ResourceCase, StackCase, case_id

# The policy checklist's rows for these rules (shared/reference/policy-checklist.md): the
# sources each rule must cite, exactly as listed.
CHECKLIST = {
    "IAM-01": "CKV_AZURE_39, AZU-0030",
    "STK-06": "custom stack rule",
}


# (SDK module, input class, the wire names these rules read), checked against the installed SDK.
READ = [
    ("authorization", "RoleAssignmentArgs", {"principalId", "principalType", "roleDefinitionId", "scope"}),
    ("authorization", "RoleDefinitionArgs", {"permissions", "roleDefinitionId"}),
    ("authorization", "PermissionArgs", {"actions", "notActions", "dataActions"}),
]


CASES: list[Case] = [
    ResourceCase(
        "iam-01-role-definition-no-wildcard-actions",
        T_RD,
        {"permissions": [{"actions": ["Microsoft.MachineLearningServices/workspaces/*/read"]}]},
        None,
    ),
    ResourceCase(
        "iam-01-role-definition-no-wildcard-actions",
        T_RD,
        {"permissions": [{"actions": ["*"]}]},
        'permissions[0].actions contains "*"',
    ),
    ResourceCase(
        "iam-01-role-definition-no-wildcard-actions",
        T_RD,
        {"permissions": [{"actions": ["Microsoft.Storage/*/read", "*/write"]}]},
        'contains "*/write"',
    ),
    # STK-06: least privilege
    StackCase("stk-06-least-privilege-role-assignments", None, None),
    StackCase(
        "stk-06-least-privilege-role-assignments",
        add(assignment("ra-owner", "group-x", "Group", ROLE_OWNER, RG_ID)),
        "a Group principal is granted Owner",
        on=("ra-owner",),
    ),
    StackCase(
        "stk-06-least-privilege-role-assignments",
        add(assignment("ra-uaa", "alice", "User", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")),
        "a User principal is granted User Access Administrator",
        on=("ra-uaa",),
    ),
    StackCase(
        "stk-06-least-privilege-role-assignments",
        add(assignment("ra-contrib", "x", None, ROLE_CONTRIBUTOR)),
        "Contributor is assigned without principalType",
        on=("ra-contrib",),
    ),
    StackCase(
        "stk-06-least-privilege-role-assignments",
        add(assignment("ra-sub", "sp", "ServicePrincipal", "acdd72a7-3385-48ef-bd42-f606fba81ae7", SUB)),
        "is a subscription or wider",
        on=("ra-sub",),
    ),
    StackCase(
        "stk-06-least-privilege-role-assignments",
        add(assignment("ra-ds-op", "group-data-scientists", "Group", ROLE_COMPUTE_OPERATOR)),
        "holds AzureML Data Scientist and also AzureML Compute Operator",
        on=("ra-ds-op",),
    ),
    StackCase(
        "stk-06-least-privilege-role-assignments",
        add(
            record(
                T_RD,
                "compute-writer",
                {
                    "roleName": "Compute writer",
                    "permissions": [{"actions": ["Microsoft.MachineLearningServices/workspaces/computes/*"]}],
                },
                f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-0000-0000-0000-000000000001",
            ),
            assignment(
                "ra-ds-custom",
                "group-data-scientists",
                "Group",
                f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-0000-0000-0000-000000000001",
            ),
        ),
        "custom role aaaaaaaa-0000-0000-0000-000000000001",
        on=("ra-ds-custom",),
    ),
    StackCase(
        "stk-06-least-privilege-role-assignments",
        add(
            record(
                T_RD,
                "compute-reader",
                {
                    "roleName": "Compute reader",
                    "permissions": [
                        {
                            "actions": ["Microsoft.MachineLearningServices/workspaces/computes/*"],
                            "notActions": ["Microsoft.MachineLearningServices/workspaces/computes/write"],
                        }
                    ],
                },
                f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-0000-0000-0000-000000000002",
            ),
            assignment(
                "ra-ds-reader",
                "group-data-scientists",
                "Group",
                f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-0000-0000-0000-000000000002",
            ),
        ),
        None,
    ),
]


# Properties a passing case sets that its rule may also find unset (see test_policy_pack).
UNSET_IS_SECURE = {
    ("iam-01-role-definition-no-wildcard-actions", "permissions"): "a role without permissions grants nothing",
}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule(case: Case) -> None:
    case.check()
