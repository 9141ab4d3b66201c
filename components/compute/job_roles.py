"""The roles every identity a job runs as needs to start a job, and the scopes they are granted on."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization

from components.core.component import PlatformComponent
from components.core.role_assignment import assign_role

# Jobs write their outputs, logs and MLflow models to the default storage, not only read it.
# Microsoft (how-to-disable-local-auth-storage, "Scenarios for role assignments", Model Registry and
# ML Flow): "In case of model as input/output for a job, separately create an UAMI, add 'Storage Data
# Contributor' role to underlying storage, and associate that UAMI when creating Compute Cluster."
# Storage Blob Data Reader (the documented minimum for reading inputs) cannot write rw_mount outputs.
DEFAULT_STORAGE_ROLE = "Storage Blob Data Contributor"
REGISTRY_ROLE = "AcrPull"


@dataclass(frozen=True)
class JobRoleScopes:
    """What a job's nodes read and write, and so where its identity's roles are granted: environment
    images and the workspace's default storage."""

    storage_account_id: pulumi.Input[str]
    # None when Azure ML creates the registry itself (registry.mode onDemand)
    registry_id: pulumi.Input[str] | None


def job_roles(scopes: JobRoleScopes, *, system_assigned: bool = False) -> list[tuple[str, str, pulumi.Input[str]]]:
    """(target, role, scope): Storage Blob Data Contributor on the default storage (code snapshots and
    inputs in, outputs, logs and models out), AcrPull for environment images. Per-datastore data roles
    are added by the access feature.

    A cluster's own system-assigned identity gets no AcrPull from the stack: Microsoft grants it
    ("A managed identity is automatically granted ACRPull role on workspace ACR to enable pulling
    Docker images for training", how-to-identity-based-service-authentication), and the same
    principal, role and scope under our assignment name would fail with 409 RoleAssignmentExists.
    The registry exists before any cluster (registry.mode create), the case that sentence covers."""
    roles: list[tuple[str, str, pulumi.Input[str]]] = [("storage", DEFAULT_STORAGE_ROLE, scopes.storage_account_id)]
    if scopes.registry_id is not None and not system_assigned:
        roles.append(("registry", REGISTRY_ROLE, scopes.registry_id))
    return roles


def grant_job_roles(
    owner: PlatformComponent,
    prefix: str,
    principal_id: pulumi.Input[str],
    scopes: JobRoleScopes,
    *,
    system_assigned: bool = False,
) -> list[authorization.RoleAssignment]:
    return [
        assign_role(
            owner.child_name(f"{prefix}-{role.lower().replace(' ', '-')}"),
            scope=scope,
            role=role,
            principal_id=principal_id,
            principal_type="ServicePrincipal",
            opts=owner.child_opts(),
        )
        for _, role, scope in job_roles(scopes, system_assigned=system_assigned)
    ]
