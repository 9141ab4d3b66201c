"""Role assignments with deterministic GUID names and an explicit principal type."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import authorization

from components.settings.access import PrincipalType

from .roles import assignment_guid, role_definition_id


def assign_role(
    name: str,
    *,
    scope: pulumi.Input[str],
    role: str,
    principal_id: pulumi.Input[str],
    principal_type: PrincipalType,
    opts: pulumi.ResourceOptions,
    description: str | None = None,
) -> authorization.RoleAssignment:
    # principal_type avoids PrincipalNotFound while Entra ID replicates a freshly made identity
    return authorization.RoleAssignment(
        name,
        scope=scope,
        principal_id=principal_id,
        principal_type=principal_type,
        # from the scope's own subscription, never the deploying one (roles.role_definition_id)
        role_definition_id=pulumi.Output.from_input(scope).apply(lambda target: role_definition_id(target, role)),
        role_assignment_name=pulumi.Output.all(scope, principal_id).apply(
            lambda args: assignment_guid(args[0], role, args[1])
        ),
        description=description or f"{role} (managed by the ml-platform stack)",
        opts=opts,
    )
