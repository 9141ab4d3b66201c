"""The workspace's managed virtual network: its isolation mode and firewall (the workspace's
`managed_network` property; the user-defined rules are outbound_rules.py's).

Once a workspace's managed network is on it cannot be turned off again (Azure rejects it): moving a
stack from `managed` back to `none` or `customerVnet` means a new workspace.
"""

from __future__ import annotations

from pulumi_azure_native import machinelearningservices as ml

from components.settings.network import NetworkSettings


def managed_network_args(settings: NetworkSettings) -> ml.ManagedNetworkSettingsArgs | None:
    """The workspace's `managed_network` for mode `managed` (None otherwise: Azure's default, Disabled)."""
    if settings.mode != "managed":
        return None
    managed = settings.managed
    approved_only = managed.isolation_mode == "AllowOnlyApprovedOutbound"
    return ml.ManagedNetworkSettingsArgs(
        isolation_mode=ml.IsolationMode(managed.isolation_mode),
        # the firewall only exists (and bills) when FQDN rules need it
        firewall_sku=ml.FirewallSku(managed.firewall_sku) if approved_only else None,
        # no inline `outbound_rules`: ManagedOutboundRules owns every user-defined rule
    )
