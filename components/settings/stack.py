"""The root model: everything one stack configures, and every check that spans two sections.

Each section file validates its own section only; a rule that reads two sections lives here, where
both are known (keys in the messages are relative to the stack root).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from .access import AccessSettings
from .base import cross_checks, problem
from .compute import ComputeSettings, is_gpu_size
from .core import CoreFields
from .data import DataSettings
from .diagnostics import DiagnosticsSettings
from .encryption import EncryptionSettings
from .locks import LocksSettings
from .network import NetworkSettings, OutboundRule
from .registry import SHARED_REGISTRY_RULE, SHARED_REGISTRY_SERVICE_TAGS, SharedRegistryRef
from .workspace import (
    KeyVaultSettings,
    MonitoringSettings,
    RegistrySettings,
    StorageSettings,
    WorkspaceSettings,
)

ROLE_PROPAGATION_SECONDS = 600
MIN_ROLE_WAIT_SECONDS, MAX_ROLE_WAIT_SECONDS = 60, 1800


class StackSettings(CoreFields):
    kind: Literal["environment"] = Field(  # pyright: ignore[reportIncompatibleVariableOverride]
        default="environment",
        description="`environment` (a workspace and everything around it) or `shared` (docs/registry.md).",
    )
    workspace: WorkspaceSettings
    monitoring: MonitoringSettings
    key_vault: KeyVaultSettings
    storage: StorageSettings
    registry: RegistrySettings
    compute: ComputeSettings  # always present: every tier has compute defaults
    data: DataSettings = Field(default_factory=DataSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    network: NetworkSettings
    shared_registry: SharedRegistryRef | None = Field(
        default=None,
        description="The shared stack's Azure ML registry this stack consumes (docs/registry.md).",
    )
    encryption: EncryptionSettings
    diagnostics: DiagnosticsSettings
    locks: LocksSettings
    # Microsoft (role-based-access-control/troubleshooting): "it can take up to 10 minutes for
    # changes to take effect"; Key Vault's rbac-guide says the same of its data-plane roles. Up to
    # 30 minutes for a tenant that sees slower propagation; under a minute is no wait worth having.
    role_assignment_wait_seconds: int = Field(
        default=ROLE_PROPAGATION_SECONDS,
        ge=MIN_ROLE_WAIT_SECONDS,
        le=MAX_ROLE_WAIT_SECONDS,
        description=(
            "Seconds `pulumi up` waits, once, after the Key Vault data-plane and workspace-identity role "
            "assignments and before what uses them (the customer key, the storage account and the workspace): "
            "role assignments take up to 10 minutes to take effect (Microsoft). Waits again only when a grant "
            "is replaced."
        ),
    )

    @cross_checks
    def _cross_section_checks(self) -> Iterator[ValueError]:
        yield from _check_datastore_grants(self)
        yield from _check_workspace_identity(self)
        yield from _check_isolation(self)
        yield from _check_encryption(self)
        yield from _check_inference_egress(self)
        yield from _check_image_build_compute(self)
        yield from _check_lock_scope(self)
        yield from _check_outbound_rule_names(self)
        yield from _check_registry_access(self)

    @property
    def registry_publishers(self) -> list[str]:
        """The principal keys that publish to the shared registry (`sharedRegistry: publish`)."""
        return [key for key, p in self.access.principals.items() if p.shared_registry == "publish"]

    @property
    def storage_registry_rules(self) -> tuple[str, ...]:
        """Registries the default storage lets in as resource instances. Microsoft
        (how-to-registry-network-isolation, "Share assets from workspace to registry"): "it isn't
        possible to share an asset from secure workspace to a [...] registry if the storage account
        containing the asset has public access disabled. To enable asset sharing [...] Set Public
        network access to Enabled from selected virtual networks and IP addresses [...] Resource
        instances [...] Microsoft.MachineLearningServices/registries". Only where this stack
        publishes and its storage is not public."""
        if self.shared_registry is None or not self.registry_publishers:
            return ()
        access = self.network.access
        closed = access.resources == "Disabled" or bool(access.ip_ranges)
        return (self.shared_registry.id,) if closed else ()

    @property
    def default_storage_public_access(self) -> Literal["Enabled", "Disabled"]:
        """The default storage's public network access: the network's decision, except that a
        resource-instance rule needs "Enabled from selected virtual networks" (default action Deny)."""
        return "Enabled" if self.storage_registry_rules else self.network.access.resources

    def registry_service_tag_rules(self) -> dict[str, OutboundRule]:
        """The ServiceTag rules to the shared registry's storage and container registry in this
        stack's region (SHARED_REGISTRY_SERVICE_TAGS): only where the managed network allows only
        approved outbound (with internet outbound both are reachable already)."""
        managed = self.network.managed
        if (
            self.shared_registry is None
            or self.network.mode != "managed"
            or managed.isolation_mode != "AllowOnlyApprovedOutbound"
        ):
            return {}
        return {
            name: OutboundRule(type="ServiceTag", service_tag=f"{tag}.{self.location}", port_ranges="443")
            for name, tag in SHARED_REGISTRY_SERVICE_TAGS.items()
        }

    def secret_references(self) -> dict[str, str]:
        """Every settings key that names a `secure:` value -> that name (the loader checks each exists)."""
        return {**self.data.secret_references(), **self.compute.inference.secret_references()}


def _check_datastore_grants(settings: StackSettings) -> Iterator[ValueError]:
    """Principals may only be granted data roles on identity-based datastores the stack defines."""
    datastores = settings.data.datastores
    for key, principal in settings.access.principals.items():
        for name in principal.datastores:
            store = datastores.get(name)
            if store is None:
                known = ", ".join(sorted(datastores)) or "none defined"
                yield problem(f"access.principals.{key}.datastores.{name}", f"no datastore '{name}' in data ({known})")
            elif not store.identity_based:
                yield problem(
                    f"access.principals.{key}.datastores.{name}",
                    "file-share datastores are reached with their credential, not a data role",
                )


def _check_workspace_identity(settings: StackSettings) -> Iterator[ValueError]:
    """A user-assigned identity gets its roles before the workspace exists, on resources that exist:
    a registry Azure ML would create later would leave it without AcrPull/AcrPush."""
    if settings.workspace.identity == "UserAssigned" and settings.registry.mode != "create":
        yield problem(
            "workspace.identity",
            "UserAssigned needs registry.mode 'create' (the identity's roles are granted up front)",
        )


def _check_isolation(settings: StackSettings) -> Iterator[ValueError]:
    """Private endpoints need a registry that exists now and takes them."""
    network, registry = settings.network, settings.registry
    if network.private_endpoints and registry.mode == "onDemand":
        yield problem(
            "registry.mode", "must be create with private endpoints (a registry Azure ML creates later would be public)"
        )
    if network.private_endpoints and registry.sku != "Premium":
        yield problem("registry.sku", "must be Premium: only Premium registries take private endpoints")


def _check_encryption(settings: StackSettings) -> Iterator[ValueError]:
    """A customer-managed key needs a vault that Azure accepts for it."""
    encryption, vault = settings.encryption, settings.key_vault
    if encryption.customer_managed_key and not vault.purge_protection:
        yield problem(
            "encryption.customerManagedKey",
            "needs keyVault.purgeProtection: true (Azure rejects a workspace key in a vault without it)",
        )
    if encryption.customer_managed_key and encryption.key_type == "RSA-HSM" and vault.sku != "premium":
        yield problem("encryption.keyType", "RSA-HSM needs keyVault.sku: premium")


def _check_image_build_compute(settings: StackSettings) -> Iterator[ValueError]:
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
        yield problem(
            "network.imageBuildCompute",
            f"'{name}' is not one of compute.clusters ({', '.join(sorted(clusters))}); {why}",
        )
    elif is_gpu_size(clusters[name].vm_size):
        yield problem(
            "network.imageBuildCompute",
            f"'{name}' is a GPU cluster ({clusters[name].vm_size}); {why} (only a CPU SKU is supported)",
        )


def _check_lock_scope(settings: StackSettings) -> Iterator[ValueError]:
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
        yield problem("locks.scope", f"resourceGroup: {'; '.join(reasons)}; use 'resources'")


def _check_outbound_rule_names(settings: StackSettings) -> Iterator[ValueError]:
    """The stack names a data account's outbound rules `lake-<key>-<group>` (accounts it creates) and
    `account-<key>-<group>` (existing ones), and the shared registry's `mlregistry-amlregistry`: a
    user-defined rule must not take one of those names."""
    taken = {
        f"{'lake' if account.created else 'account'}-{key}-{group}"
        for key, account in settings.data.accounts.items()
        for group in ("blob", "file", "dfs")
    }
    if settings.shared_registry is not None:
        taken |= {SHARED_REGISTRY_RULE, *SHARED_REGISTRY_SERVICE_TAGS}
    for name in settings.network.managed.outbound_rules:
        if name in taken:
            yield problem(
                f"network.managed.outboundRules.{name}", "the stack names a data account's outbound rule so: rename it"
            )


def _check_registry_access(settings: StackSettings) -> Iterator[ValueError]:
    """Roles on the shared registry need the registry, and go one way: prod only consumes (models are
    published from staging, docs/registry.md)."""
    for key, principal in settings.access.principals.items():
        if principal.shared_registry is None:
            continue
        where = f"access.principals.{key}.sharedRegistry"
        if settings.shared_registry is None:
            yield problem(where, "no ml-platform:sharedRegistry.id to grant it on: set the shared stack's registryId")
        elif principal.shared_registry == "publish" and settings.tier == "prod":
            yield problem(
                where, "'publish' in a prod-tier stack: prod only consumes the shared registry (publish from staging)"
            )


def _check_inference_egress(settings: StackSettings) -> Iterator[ValueError]:
    """Microsoft (learn.microsoft.com/azure/aks/limit-egress-traffic, "Create a DNAT rule"): with a
    0.0.0.0/0 route to a firewall, a public load balancer's replies leave through the firewall, which
    drops them ("asymmetric routing"). The router must then be internal."""
    inference = settings.compute.inference
    public_router = inference.inference_router_service_type == "loadBalancer" and not inference.internal_load_balancer
    if inference.enabled and public_router and settings.network.node_egress == "routeTable":
        yield problem(
            "compute.inference.internalLoadBalancer",
            "must be true when network.vnet.routeTableId routes the cluster through a firewall "
            "(a public router's replies would take the firewall path and be dropped)",
        )
