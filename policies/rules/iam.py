"""Identity rules: custom role definitions (IAM-01) and least privilege across the role assignments
of the stack (STK-06)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from typing import Any

from .lib.catalog import (
    COMPUTE_WRITE_ACTION,
    COMPUTE_WRITE_ROLES,
    PRIVILEGED_ROLES,
    ROLE_ASSIGNMENT,
    ROLE_AZUREML_DATA_SCIENTIST,
    ROLE_DEFINITION,
    ROLE_NAMES,
)
from .lib.props import MISSING, as_list, fmt, known_str, one_of, read
from .lib.rule import MANDATORY, Levels, Report, Resource, Stack, resource_rule, stack_rule


def wildcard_action(action: object) -> bool:
    """`*` alone or a provider wildcard such as `*/write`: rights over every resource type."""
    return isinstance(action, str) and (action.strip() == "*" or action.strip().startswith("*/"))


def _no_wildcard_actions(r: Resource) -> Iterator[str]:
    for index, permission in enumerate(as_list(r.get("permissions"))):
        for field in ("actions", "dataActions"):
            for action in as_list(read(permission, field)):
                if wildcard_action(action):
                    yield (f'permissions[{index}].{field} contains "{action}"; list the actions the role needs')


IAM_01 = resource_rule(
    rule_id="IAM-01",
    slug="role-definition-no-wildcard-actions",
    summary="Custom role definitions never grant `*` actions.",
    sources="CKV_AZURE_39, AZU-0030",
    types=[ROLE_DEFINITION],
    check=_no_wildcard_actions,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)


# --- STK-06 ------------------------------------------------------------------------------

_SUBSCRIPTION_OR_WIDER = re.compile(
    r"^(/|/subscriptions/[^/]+/?|/providers/microsoft\.management/managementgroups/[^/]+/?)$", re.IGNORECASE
)


def role_guid(value: Any) -> str | None:
    text = known_str(value)
    return text.rstrip("/").rsplit("/", 1)[-1].casefold() if text else None


def role_label(guid: str | None) -> str:
    return ROLE_NAMES.get(guid or "", guid or "?")


def allows(permissions: Sequence[Any], action: str) -> bool:
    """Whether a role definition's permissions grant `action` (wildcards as Azure reads them)."""
    target = action.casefold()
    for permission in permissions:
        granted = [str(a).casefold() for a in as_list(read(permission, "actions"))]
        denied = [str(a).casefold() for a in as_list(read(permission, "notActions"))]
        if any(fnmatch.fnmatchcase(target, p) for p in granted) and not any(
            fnmatch.fnmatchcase(target, p) for p in denied
        ):
            return True
    return False


def _least_privilege(stack: Stack) -> Iterator[Report]:
    by_principal: dict[str, list[tuple[Resource, str | None]]] = {}

    def check(assignment: Resource) -> Iterator[str]:
        guid = role_guid(assignment.get("roleDefinitionId"))
        principal_type = assignment.get("principalType")
        if guid in PRIVILEGED_ROLES:
            if principal_type is MISSING:
                yield (
                    f"{role_label(guid)} is assigned without principalType; set it (a "
                    "User or Group principal may never hold this role)"
                )
            elif one_of(principal_type, ("User", "Group")):
                yield (
                    f"a {principal_type} principal is granted {role_label(guid)}; humans get "
                    "scoped data-plane or AzureML roles, never Owner, Contributor, User "
                    "Access Administrator or RBAC Administrator"
                )
        scope = assignment.get("scope")
        if isinstance(scope, str) and _SUBSCRIPTION_OR_WIDER.match(scope):
            yield f"scope {fmt(scope)} is a subscription or wider; assign at the resource or resource group"
        principal = assignment.get("principalId")
        if isinstance(principal, str):
            by_principal.setdefault(principal.casefold(), []).append((assignment, guid))

    yield from stack.each(stack.of_type(ROLE_ASSIGNMENT), check)

    def writes_compute(assignment: Resource, guid: str | None) -> bool:
        if guid in COMPUTE_WRITE_ROLES:
            return True
        for definition in stack.refs(assignment, "roleDefinitionId", [ROLE_DEFINITION]):
            if allows(as_list(definition.get("permissions")), COMPUTE_WRITE_ACTION):
                return True
        return False

    def conflicts(principal: str) -> Iterator[Report]:
        grants = by_principal[principal]
        if not any(guid == ROLE_AZUREML_DATA_SCIENTIST for _, guid in grants):
            return
        for assignment, guid in grants:
            if guid != ROLE_AZUREML_DATA_SCIENTIST and writes_compute(assignment, guid):
                label = role_label(guid) if guid in ROLE_NAMES else f"custom role {guid}"
                yield assignment.finding(
                    f"principal {principal} holds AzureML Data Scientist and also {label}, "
                    "which can create or change compute (compute is for admins)"
                )

    for principal in by_principal:
        yield from stack.guard.run(conflicts(principal), label=f"principal {principal}")


STK_06 = stack_rule(
    rule_id="STK-06",
    slug="least-privilege-role-assignments",
    summary="User and Group principals never get Owner, Contributor, User Access Administrator "
    "or RBAC Administrator; nothing is assigned at subscription scope; AzureML Data "
    "Scientists get no compute-write role.",
    sources="custom stack rule",
    check=_least_privilege,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)


RULES = [IAM_01, STK_06]
