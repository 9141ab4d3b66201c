"""The root model: everything one stack configures, and every check that spans two sections.

Each section file validates its own section only; a rule that reads two sections lives here, where
both are known (keys in the messages are relative to the stack root).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .access import AccessSettings
from .base import problem
from .compute import ComputeSettings, is_gpu_size
from .core import CoreFields
from .data import DataSettings
from .diagnostics import DiagnosticsSettings
from .encryption import EncryptionSettings
from .locks import LocksSettings
from .network import NetworkSettings
from .workspace import (
    KeyVaultSettings,
    MonitoringSettings,
    RegistrySettings,
    StorageSettings,
    WorkspaceSettings,
)


class StackSettings(CoreFields):
    workspace: WorkspaceSettings
    monitoring: MonitoringSettings
    key_vault: KeyVaultSettings
    storage: StorageSettings
    registry: RegistrySettings
    compute: ComputeSettings  # always present: every tier has compute defaults
    data: DataSettings = Field(default_factory=DataSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    network: NetworkSettings
    encryption: EncryptionSettings
    diagnostics: DiagnosticsSettings
    locks: LocksSettings

    @model_validator(mode="after")
    def _cross_section_checks(self) -> StackSettings:
        _check_datastore_grants(self)
        _check_workspace_identity(self)
        _check_isolation(self)
        _check_encryption(self)
        _check_inference_egress(self)
        _check_image_build_compute(self)
        _check_lock_scope(self)
        _check_outbound_rule_names(self)
        return self

    def secret_references(self) -> dict[str, str]:
        """Every settings key that names a `secure:` value -> that name (the loader checks each exists)."""
        return {**self.data.secret_references(), **self.compute.inference.secret_references()}


def _check_datastore_grants(settings: StackSettings) -> None:
    """Principals may only be granted data roles on identity-based datastores the stack defines."""
    datastores = settings.data.datastores
    for key, principal in settings.access.principals.items():
        for name in principal.datastores:
            store = datastores.get(name)
            if store is None:
                known = ", ".join(sorted(datastores)) or "none defined"
                raise problem(f"access.principals.{key}.datastores.{name}", f"no datastore '{name}' in data ({known})")
            if not store.identity_based:
                raise problem(
                    f"access.principals.{key}.datastores.{name}",
                    "file-share datastores are reached with their credential, not a data role",
                )


def _check_workspace_identity(settings: StackSettings) -> None:
    """A user-assigned identity gets its roles before the workspace exists, on resources that exist:
    a registry Azure ML would create later would leave it without AcrPull/AcrPush."""
    if settings.workspace.identity == "UserAssigned" and settings.registry.mode != "create":
        raise problem(
            "workspace.identity",
            "UserAssigned needs registry.mode 'create' (the identity's roles are granted up front)",
        )


def _check_isolation(settings: StackSettings) -> None:
    """Private endpoints need a registry that exists now and takes them."""
    network, registry = settings.network, settings.registry
    if network.private_endpoints and registry.mode == "onDemand":
        raise problem(
            "registry.mode", "must be create with private endpoints (a registry Azure ML creates later would be public)"
        )
    if network.private_endpoints and registry.sku != "Premium":
        raise problem("registry.sku", "must be Premium: only Premium registries take private endpoints")


def _check_encryption(settings: StackSettings) -> None:
    """A customer-managed key needs a vault that Azure accepts for it."""
    encryption, vault = settings.encryption, settings.key_vault
    if encryption.customer_managed_key and not vault.purge_protection:
        raise problem(
            "encryption.customerManagedKey",
            "needs keyVault.purgeProtection: true (Azure rejects a workspace key in a vault without it)",
        )
    if encryption.customer_managed_key and encryption.key_type == "RSA-HSM" and vault.sku != "premium":
        raise problem("encryption.keyType", "RSA-HSM needs keyVault.sku: premium")


def _check_image_build_compute(settings: StackSettings) -> None:
    """The image build compute is a CPU cluster of this stack. Microsoft (how-to-secure-workspace-vnet):
    "create an Azure Machine Learning CPU SKU compute cluster [...] Only a CPU SKU is supported"; the
    build fails with ImageBuildComputeNotValid when the named compute cannot build."""
    name = settings.network.image_build_compute_name
    if name is None:
        return
    clusters = {cluster.name: cluster for cluster in settings.compute.clusters}
    why = (
        "storage or the registry is not publicly reachable, so environment images are built on a CPU cluster"
        if settings.network.image_builds_need_compute
        else "environment images are built on it"
    )
    if name not in clusters:
        raise problem(
            "network.imageBuildCompute",
            f"'{name}' is not one of compute.clusters ({', '.join(sorted(clusters))}); {why}",
        )
    if is_gpu_size(clusters[name].vm_size):
        raise problem(
            "network.imageBuildCompute",
            f"'{name}' is a GPU cluster ({clusters[name].vm_size}); {why} (only a CPU SKU is supported)",
        )


def _check_lock_scope(settings: StackSettings) -> None:
    """No lock on the resource group that holds the workspace, where Microsoft says it breaks the stack."""
    if not (settings.locks.enabled and settings.locks.scope == "resourceGroup"):
        return
    reasons = []
    if settings.compute.clusters:
        # lock-resources.md, "Considerations before applying your locks"
        reasons.append(
            "a cannot-delete lock on a resource group that contains Azure Machine Learning workspaces "
            "prevents autoscaling of compute clusters from removing unused nodes (Microsoft, lock-resources)"
        )
    if settings.network.mode == "managed":
        # how-to-managed-network, Limitations
        reasons.append(
            "the managed network wants no scope locks on the Azure ML resources and resource group "
            "(Microsoft, how-to-managed-network)"
        )
    if reasons:
        raise problem("locks.scope", f"resourceGroup: {'; '.join(reasons)}; use 'resources'")


def _check_outbound_rule_names(settings: StackSettings) -> None:
    """The stack names a data account's outbound rules `lake-<key>-<group>` (accounts it creates) and
    `account-<key>-<group>` (existing ones): a user-defined rule must not take one of those names."""
    taken = {
        f"{'lake' if account.created else 'account'}-{key}-{group}"
        for key, account in settings.data.accounts.items()
        for group in ("blob", "file", "dfs")
    }
    for name in settings.network.managed.outbound_rules:
        if name in taken:
            raise problem(
                f"network.managed.outboundRules.{name}", "the stack names a data account's outbound rule so: rename it"
            )


def _check_inference_egress(settings: StackSettings) -> None:
    """Microsoft (learn.microsoft.com/azure/aks/limit-egress-traffic, "Create a DNAT rule"): with a
    0.0.0.0/0 route to a firewall, a public load balancer's replies leave through the firewall, which
    drops them ("asymmetric routing"). The router must then be internal."""
    inference = settings.compute.inference
    public_router = inference.inference_router_service_type == "loadBalancer" and not inference.internal_load_balancer
    if inference.enabled and public_router and settings.network.node_egress == "routeTable":
        raise problem(
            "compute.inference.internalLoadBalancer",
            "must be true when network.vnet.routeTableId routes the cluster through a firewall "
            "(a public router's replies would take the firewall path and be dropped)",
        )
