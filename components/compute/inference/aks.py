"""The AKS cluster behind the inference compute: Entra ID + Azure RBAC, no public node IPs, monitored."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import containerservice as aks

from components.core.component import PlatformComponent
from components.settings.compute import InferenceSettings, NodePoolSettings
from components.settings.network import NodeEgress

# Linux pool names: lowercase letters and digits, at most 12 characters
SYSTEM_POOL, USER_POOL = "system", "user"


def _pool(
    name: str,
    mode: aks.AgentPoolMode,
    pool: NodePoolSettings,
    settings: InferenceSettings,
    subnet_id: pulumi.Input[str] | None,
) -> aks.ManagedClusterAgentPoolProfileArgs:
    return aks.ManagedClusterAgentPoolProfileArgs(
        name=name,
        mode=mode,
        type=aks.AgentPoolType.VIRTUAL_MACHINE_SCALE_SETS,
        os_type=aks.OSType.LINUX,
        vm_size=pool.vm_size,
        enable_auto_scaling=True,
        count=pool.min_count,  # the initial count; the autoscaler changes it
        min_count=pool.min_count,
        max_count=pool.max_count,
        availability_zones=list(settings.availability_zones) or None,
        enable_node_public_ip=False,
        enable_encryption_at_host=settings.encryption_at_host,
        security_profile=aks.AgentPoolSecurityProfileArgs(ssh_access=aks.AgentPoolSSHAccess.DISABLED),
        vnet_subnet_id=subnet_id,
    )


# How the nodes reach the internet, from the network's one egress decision. Microsoft
# (learn.microsoft.com/azure/aks/egress-outboundtype): userAssignedNATGateway "for bring-your-own
# virtual networks" with the NAT gateway on the subnet before the cluster; userDefinedRouting with a
# route table whose 0.0.0.0/0 points at a firewall, associated with the cluster subnet;
# loadBalancer (AKS's default) gives the cluster an AKS-managed public outbound IP.
OUTBOUND_TYPES: dict[NodeEgress, aks.OutboundType] = {
    "natGateway": aks.OutboundType.USER_ASSIGNED_NAT_GATEWAY,
    "routeTable": aks.OutboundType.USER_DEFINED_ROUTING,
    "loadBalancer": aks.OutboundType.LOAD_BALANCER,
}


def _network_profile(settings: InferenceSettings, egress: NodeEgress) -> aks.ContainerServiceNetworkProfileArgs:
    outbound = OUTBOUND_TYPES[egress]
    if settings.network_policy == "cilium":
        # Azure CNI overlay with the Cilium dataplane: pod IPs do not consume subnet addresses
        return aks.ContainerServiceNetworkProfileArgs(
            network_plugin=aks.NetworkPlugin.AZURE,
            network_plugin_mode=aks.NetworkPluginMode.OVERLAY,
            network_dataplane=aks.NetworkDataplane.CILIUM,
            network_policy=aks.NetworkPolicy.CILIUM,
            load_balancer_sku=aks.LoadBalancerSku.STANDARD,
            outbound_type=outbound,
        )
    return aks.ContainerServiceNetworkProfileArgs(
        network_plugin=aks.NetworkPlugin.AZURE,
        network_policy=aks.NetworkPolicy.AZURE,
        load_balancer_sku=aks.LoadBalancerSku.STANDARD,
        outbound_type=outbound,
    )


def cluster_name(owner: PlatformComponent) -> str:
    return owner.ctx.names.scoped("aks", 54)  # also the DNS prefix (1-54)


def inference_cluster(
    owner: PlatformComponent,
    settings: InferenceSettings,
    *,
    logs_id: pulumi.Input[str],
    subnet_id: pulumi.Input[str] | None,
    control_plane_identity_id: pulumi.Input[str],
    egress: NodeEgress,
    after: list[pulumi.Resource],
) -> aks.ManagedCluster:
    ctx = owner.ctx
    name = cluster_name(owner)
    return aks.ManagedCluster(
        owner.child_name("aks"),
        resource_name_=name,
        dns_prefix=name,
        kubernetes_version=settings.kubernetes_version,
        sku=aks.ManagedClusterSKUArgs(
            name=aks.ManagedClusterSKUName.BASE, tier=aks.ManagedClusterSKUTier(settings.tier)
        ),
        # Managed identity (Azure ML does not support service-principal clusters), user-assigned so
        # that its role on the subnet exists before the cluster. Microsoft
        # (learn.microsoft.com/azure/aks/managed-identity-overview, "Control plane managed identity
        # role assignments"): without the Azure CLI, with your own VNet, "we recommend using a
        # user-assigned managed identity for the control plane"; a system-assigned one gets its
        # roles only after the cluster exists.
        identity=aks.ManagedClusterIdentityArgs(
            type=aks.ResourceIdentityType.USER_ASSIGNED, user_assigned_identities=[control_plane_identity_id]
        ),
        aad_profile=aks.ManagedClusterAADProfileArgs(
            managed=True,
            enable_azure_rbac=True,
            tenant_id=ctx.tenant_id,
            admin_group_object_ids=list(settings.admin_group_object_ids) or None,
        ),
        enable_rbac=True,
        # The Azure ML extension needs the cluster's local accounts: Microsoft documents that
        # disabling them is not supported for clusters attached to Azure ML. This is the explicit
        # exception to policy AKS-01 (disableLocalAccounts); Entra ID + Azure RBAC stay on.
        disable_local_accounts=False,
        agent_pool_profiles=[
            _pool(SYSTEM_POOL, aks.AgentPoolMode.SYSTEM, settings.system_pool, settings, subnet_id),
            _pool(USER_POOL, aks.AgentPoolMode.USER, settings.user_pool, settings, subnet_id),
        ],
        network_profile=_network_profile(settings, egress),
        api_server_access_profile=aks.ManagedClusterAPIServerAccessProfileArgs(
            enable_private_cluster=settings.private_cluster,
            # Microsoft: "Using a public fully qualified domain name (FQDN) with a private AKS cluster
            # is not supported with Azure Machine Learning" (how-to-secure-kubernetes-inferencing-
            # environment), and AKS "might still create a public DNS name" unless told not to
            # (learn.microsoft.com/azure/aks/private-clusters, "Disable a public FQDN").
            enable_private_cluster_public_fqdn=False if settings.private_cluster else None,
            authorized_ip_ranges=list(settings.authorized_ip_ranges) or None,
            disable_run_command=settings.disable_run_command,
        ),
        oidc_issuer_profile=aks.ManagedClusterOIDCIssuerProfileArgs(enabled=True),
        security_profile=aks.ManagedClusterSecurityProfileArgs(
            workload_identity=aks.ManagedClusterSecurityProfileWorkloadIdentityArgs(enabled=True),
            defender=aks.ManagedClusterSecurityProfileDefenderArgs(
                log_analytics_workspace_resource_id=logs_id,
                security_monitoring=aks.ManagedClusterSecurityProfileDefenderSecurityMonitoringArgs(enabled=True),
            )
            if settings.defender
            else None,
        ),
        auto_upgrade_profile=aks.ManagedClusterAutoUpgradeProfileArgs(
            upgrade_channel=aks.UpgradeChannel(settings.upgrade_channel),
            node_os_upgrade_channel=aks.NodeOSUpgradeChannel.NODE_IMAGE,
        ),
        addon_profiles={
            # Container insights with Entra ID auth (the stack's Log Analytics may refuse keys);
            # its data collection rule is in container_insights.py
            "omsagent": aks.ManagedClusterAddonProfileArgs(
                enabled=True, config={"logAnalyticsWorkspaceResourceID": logs_id, "useAADAuth": "true"}
            ),
            "azurepolicy": aks.ManagedClusterAddonProfileArgs(enabled=True),
        },
        **owner.common,
        # the autoscaler owns the node counts once the pools exist: a rerun must not reset them
        # `after`: the control plane's role on the subnet, so the cluster never starts without it
        opts=owner.child_opts(stateful=True, ignore_changes=["agentPoolProfiles[*].count"], depends_on=after),
    )
