"""The identity compute runs as, and the roles every compute identity needs to start a job."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization

from .core.component import PlatformComponent
from .core.role_assignment import assign_role


@dataclass(frozen=True)
class ComputeTargets:
    """What a job's nodes read: environment images and the workspace's default storage."""

    storage_account_id: pulumi.Input[str]
    # None when Azure ML creates the registry itself (registry.mode onDemand)
    registry_id: pulumi.Input[str] | None


def compute_roles(targets: ComputeTargets) -> list[tuple[str, str, pulumi.Input[str]]]:
    """(target, role, scope): Storage Blob Data Reader for code snapshots and inputs, AcrPull for
    environment images. Per-datastore data roles are added by the access feature."""
    roles: list[tuple[str, str, pulumi.Input[str]]] = [
        ("storage", "Storage Blob Data Reader", targets.storage_account_id)
    ]
    if targets.registry_id is not None:
        roles.append(("registry", "AcrPull", targets.registry_id))
    return roles


def grant_compute_roles(
    owner: PlatformComponent, prefix: str, principal_id: pulumi.Input[str], targets: ComputeTargets
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
        for _, role, scope in compute_roles(targets)
    ]
