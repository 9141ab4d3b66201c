"""The roles every identity a job runs as needs to start a job, and the scopes they are granted on."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization

from components.core.component import PlatformComponent
from components.core.role_assignment import assign_role


@dataclass(frozen=True)
class JobRoleScopes:
    """What a job's nodes read, and so where its identity's roles are granted: environment images
    and the workspace's default storage."""

    storage_account_id: pulumi.Input[str]
    # None when Azure ML creates the registry itself (registry.mode onDemand)
    registry_id: pulumi.Input[str] | None


def job_roles(scopes: JobRoleScopes) -> list[tuple[str, str, pulumi.Input[str]]]:
    """(target, role, scope): Storage Blob Data Reader for code snapshots and inputs, AcrPull for
    environment images. Per-datastore data roles are added by the access feature."""
    roles: list[tuple[str, str, pulumi.Input[str]]] = [
        ("storage", "Storage Blob Data Reader", scopes.storage_account_id)
    ]
    if scopes.registry_id is not None:
        roles.append(("registry", "AcrPull", scopes.registry_id))
    return roles


def grant_job_roles(
    owner: PlatformComponent, prefix: str, principal_id: pulumi.Input[str], scopes: JobRoleScopes
) -> list[authorization.RoleAssignment]:
    return [
        assign_role(
            owner.child_name(f"{prefix}-{role.lower().replace(' ', '-')}"),
            scope=scope,
            role=role,
            principal_id=principal_id,
            principal_type="ServicePrincipal",
            subscription_id=owner.ctx.subscription_id,
            opts=owner.child_opts(),
        )
        for _, role, scope in job_roles(scopes)
    ]
