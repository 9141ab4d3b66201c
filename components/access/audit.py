"""The audit view of a grant, as the stack exports it (`accessGrants`): who, which role, where.
Principal ids are not secrets."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi


def audit_entry(
    principal: str, principal_id: pulumi.Input[str], principal_type: str, role: str, scope_kind: str, target: str
) -> dict[str, object]:
    """What an engineer needs to audit a grant (principal ids are not secrets)."""
    return {
        "principal": principal,
        "objectId": principal_id,
        "principalType": principal_type,
        "role": role,
        "scopeKind": scope_kind,
        "target": target,
    }


def identity_grant_summary(
    principal: str, principal_id: pulumi.Input[str], grants: Sequence[tuple[str, str]]
) -> list[dict[str, object]]:
    """The audit view of a managed identity's (target resource, role) grants made elsewhere."""
    return [audit_entry(principal, principal_id, "ServicePrincipal", role, target, target) for target, role in grants]
