"""One way to register an Azure ML compute: replaced, never silently kept, when Azure cannot update it.

Azure ML updates a compute in place only for a few properties (a cluster's scale settings, its
identity); a PUT with a new VM size or priority is accepted and ignored. The property paths
below (Pulumi input paths, camelCase) therefore replace the compute. The compute keeps its
name across the replacement, and Azure refuses a second compute of the same name, so the old
one is deleted first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from components.core.component import PlatformComponent

# Cluster: everything but scaleSettings is fixed when the cluster is created
AML_COMPUTE_REPLACE_ON = (
    "properties.properties.vmSize",
    "properties.properties.vmPriority",
    "properties.properties.subnet",
    "properties.properties.enableNodePublicIp",
    "properties.properties.remoteLoginPortPublicAccess",
    "properties.disableLocalAuth",
)
# Instance: size, owner, network and SSH are fixed when the instance is created
COMPUTE_INSTANCE_REPLACE_ON = (
    "properties.properties.vmSize",
    "properties.properties.personalComputeInstanceSettings",
    "properties.properties.subnet",
    "properties.properties.enableNodePublicIp",
    "properties.properties.sshSettings",
    "properties.disableLocalAuth",
)
# Kubernetes compute: in-place updates of the attachment fail, so any change re-attaches
KUBERNETES_REPLACE_ON = (
    "properties.resourceId",
    "properties.properties",
    "properties.disableLocalAuth",
)
# Attached compute: a different target is a different attachment
ATTACHED_REPLACE_ON = ("properties.resourceId", "properties.disableLocalAuth")


def user_assigned(identity_id: pulumi.Input[str]) -> ml.ManagedServiceIdentityArgs:
    return ml.ManagedServiceIdentityArgs(
        type=ml.ManagedServiceIdentityType.USER_ASSIGNED, user_assigned_identities=[identity_id]
    )


def system_assigned() -> ml.ManagedServiceIdentityArgs:
    return ml.ManagedServiceIdentityArgs(type=ml.ManagedServiceIdentityType.SYSTEM_ASSIGNED)


def ml_compute(
    owner: PlatformComponent,
    suffix: str,
    *,
    compute_name: str,
    workspace_name: pulumi.Input[str],
    properties: Any,
    replace_on: Sequence[str],
    identity: ml.ManagedServiceIdentityArgs | None = None,
    depends_on: Sequence[pulumi.Resource] = (),
) -> ml.Compute:
    return ml.Compute(
        owner.child_name(suffix),
        compute_name=compute_name,
        workspace_name=workspace_name,
        properties=properties,
        identity=identity,
        **owner.common,
        opts=owner.child_opts(
            replace_on_changes=list(replace_on),
            delete_before_replace=True,
            depends_on=list(depends_on),
        ),
    )
