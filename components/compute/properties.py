"""The Azure ML properties of each kind of compute: closed by default (no public IPs, no SSH, Entra ID only)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from components.settings.compute import AttachedComputeSettings, ClusterSettings, InstanceSettings


@dataclass(frozen=True)
class Placement:
    """Where nodes run: the training subnet (customer VNet), Azure ML's managed network, or neither."""

    subnet_id: pulumi.Input[str] | None = None
    managed_network: bool = False

    @property
    def private(self) -> bool:
        # Azure places nodes without a public IP only in a subnet or the managed network; without
        # either (a stack with no network) they keep one, and SSH stays closed regardless
        return self.subnet_id is not None or self.managed_network

    @property
    def subnet(self) -> ml.ResourceIdArgs | None:
        return ml.ResourceIdArgs(id=self.subnet_id) if self.subnet_id is not None else None


def cluster_properties(
    cluster: ClusterSettings, *, disable_local_auth: bool, placement: Placement
) -> ml.AmlComputeArgs:
    return ml.AmlComputeArgs(
        compute_type="AmlCompute",
        description=cluster.description,
        disable_local_auth=disable_local_auth,
        properties=ml.AmlComputePropertiesArgs(
            vm_size=cluster.vm_size,
            vm_priority=ml.VmPriority(cluster.priority),
            os_type=ml.OsType.LINUX,
            scale_settings=ml.ScaleSettingsArgs(
                min_node_count=cluster.min_nodes,
                max_node_count=cluster.max_nodes,
                node_idle_time_before_scale_down=cluster.idle_time_before_scale_down,
            ),
            enable_node_public_ip=not placement.private,
            # NotSpecified would leave SSH open on nodes outside a virtual network
            remote_login_port_public_access=ml.RemoteLoginPortPublicAccess.DISABLED,
            subnet=placement.subnet,
        ),
    )


def instance_properties(
    instance: InstanceSettings,
    *,
    tenant_id: pulumi.Input[str],
    disable_local_auth: bool,
    placement: Placement,
) -> ml.ComputeInstanceArgs:
    return ml.ComputeInstanceArgs(
        compute_type="ComputeInstance",
        description=instance.description,
        disable_local_auth=disable_local_auth,
        properties=ml.ComputeInstancePropertiesArgs(
            vm_size=instance.vm_size,
            # personal: only the assigned user can use it or its applications (Jupyter, VS Code)
            compute_instance_authorization_type=ml.ComputeInstanceAuthorizationType.PERSONAL,
            application_sharing_policy=ml.ApplicationSharingPolicy.PERSONAL,
            personal_compute_instance_settings=ml.PersonalComputeInstanceSettingsArgs(
                assigned_user=ml.AssignedUserArgs(object_id=instance.assigned_user_object_id, tenant_id=tenant_id)
            ),
            idle_time_before_shutdown=instance.idle_time_before_shutdown,
            ssh_settings=ml.ComputeInstanceSshSettingsArgs(ssh_public_access=ml.SshPublicAccess.DISABLED),
            enable_node_public_ip=not placement.private,
            subnet=placement.subnet,
        ),
    )


def attached_properties(
    attached: AttachedComputeSettings, *, disable_local_auth: bool
) -> ml.DatabricksArgs | ml.SynapseSparkArgs:
    if attached.kind == "Databricks":
        return ml.DatabricksArgs(
            compute_type="Databricks",
            resource_id=attached.resource_id,
            description=attached.description,
            disable_local_auth=disable_local_auth,
        )
    return ml.SynapseSparkArgs(
        compute_type="SynapseSpark",
        resource_id=attached.resource_id,
        description=attached.description,
        disable_local_auth=disable_local_auth,
    )
