"""Identity rules on resources (IAM-01); least privilege across the stack is STK-06."""

from __future__ import annotations

from collections.abc import Iterator

from .lib.catalog import ROLE_DEFINITION
from .lib.props import as_list, read
from .lib.rule import MANDATORY, Levels, Resource, resource_rule


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


RULES = [IAM_01]
