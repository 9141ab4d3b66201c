"""The AKS cluster behind the inference compute: Entra ID + Azure RBAC, no public node IPs, monitored."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import containerservice as aks

from components.core.component import PlatformComponent
from components.settings.compute import InferenceSettings, NodePoolSettings

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


def _network_profile(settings: InferenceSettings) -> aks.ContainerServiceNetworkProfileArgs:
    if settings.network_policy == "cilium":
        # Azure CNI overlay with the Cilium dataplane: pod IPs do not consume subnet addresses
        return aks.ContainerServiceNetworkProfileArgs(
            network_plugin=aks.NetworkPlugin.AZURE,
            network_plugin_mode=aks.NetworkPluginMode.OVERLAY,
            network_dataplane=aks.NetworkDataplane.CILIUM,
            network_policy=aks.NetworkPolicy.CILIUM,
            load_balancer_sku=aks.LoadBalancerSku.STANDARD,
        )
    return aks.ContainerServiceNetworkProfileArgs(
        network_plugin=aks.NetworkPlugin.AZURE,
        network_policy=aks.NetworkPolicy.AZURE,
        load_balancer_sku=aks.LoadBalancerSku.STANDARD,
    )


def cluster_name(owner: PlatformComponent) -> str:
    return owner.ctx.names.scoped("aks", 54)  # also the DNS prefix (1-54)


def inference_cluster(
    owner: PlatformComponent,
    settings: InferenceSettings,
    *,
    logs_id: pulumi.Input[str],
    subnet_id: pulumi.Input[str] | None,
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
        # managed identity: Azure ML does not support service-principal clusters
        identity=aks.ManagedClusterIdentityArgs(type=aks.ResourceIdentityType.SYSTEM_ASSIGNED),
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
        network_profile=_network_profile(settings),
        api_server_access_profile=aks.ManagedClusterAPIServerAccessProfileArgs(
            enable_private_cluster=settings.private_cluster,
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
        opts=owner.child_opts(stateful=True, ignore_changes=["agentPoolProfiles[*].count"]),
    )
