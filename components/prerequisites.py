"""What a subscription and the deploying identity need before a stack's first `pulumi up`, as data.

A `pulumi preview` cannot see resource provider registration, subscription features or the
deployer's rights, and the mock engine cannot either: a missing one fails the first real `up`.
This module says, for a given StackSettings, which providers and features must be registered and
which rights the deployer needs on which scope, each with its reason and Microsoft source. It
registers no resource and loads no azure-native module (only the settings models), so a preflight
tool (and the docs generator, tools/prerequisites_table.py) can import and call it outside a Pulumi
program. docs/deploying.md#prerequisites is generated from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from components.settings.stack import StackSettings

# Microsoft: "Before you use a resource provider, make sure your Azure subscription is registered for
# the resource provider" (azure-resource-manager/management/resource-providers-and-types).
REGISTRATION = "azure-resource-manager/management/resource-providers-and-types"


@dataclass(frozen=True)
class ProviderNeed:
    """A resource provider (or a feature of one) the subscription must have registered."""

    namespace: str  # Microsoft.MachineLearningServices
    feature: str | None  # EncryptionAtHost for `az feature register`; None for the provider itself
    when: str  # when a stack needs it, readably
    reason: str
    source: str
    applies: Callable[[StackSettings], bool]

    @property
    def name(self) -> str:
        return f"{self.namespace}/{self.feature}" if self.feature else self.namespace

    @property
    def register(self) -> str:
        """The command that registers it."""
        if self.feature:
            return f"az feature register --namespace {self.namespace} --name {self.feature}"
        return f"az provider register --namespace {self.namespace}"


@dataclass(frozen=True)
class Permission:
    """Actions the deploying identity needs on a scope."""

    actions: tuple[str, ...]
    scope: str  # "resource group", "subscription", or the ARM id of a resource the stack does not own
    roles: str  # built-in roles that carry the actions
    reason: str
    source: str


def _always(_: StackSettings) -> bool:
    return True


def _inference(settings: StackSettings) -> bool:
    return settings.compute.inference.enabled


def _classic_cmk(settings: StackSettings) -> bool:
    return settings.encryption.customer_managed_key and not settings.encryption.service_side


CMK = "machine-learning/how-to-setup-customer-managed-keys (prerequisites: resource providers)"

PROVIDERS: tuple[ProviderNeed, ...] = (
    ProviderNeed(
        "Microsoft.MachineLearningServices",
        None,
        "always",
        "the workspace, its computes, datastores and rules",
        CMK,
        _always,
    ),
    ProviderNeed("Microsoft.Storage", None, "always", "the default storage and the data lakes", CMK, _always),
    ProviderNeed(
        "Microsoft.KeyVault", None, "always", "the workspace's key vault (and the customer key)", CMK, _always
    ),
    ProviderNeed(
        "Microsoft.ContainerRegistry",
        None,
        "`registry.mode: create`",
        "the workspace's container registry",
        REGISTRATION,
        lambda s: s.registry.mode == "create",
    ),
    ProviderNeed("Microsoft.OperationalInsights", None, "always", "the Log Analytics workspace", REGISTRATION, _always),
    ProviderNeed(
        "Microsoft.Insights",
        None,
        "always",
        "workspace-based Application Insights, diagnostic settings, the AKS data collection rule",
        REGISTRATION,
        _always,
    ),
    ProviderNeed(
        "Microsoft.ManagedIdentity",
        None,
        "always",
        "the workspace, compute and customer-key identities",
        REGISTRATION,
        _always,
    ),
    ProviderNeed(
        "Microsoft.Network",
        None,
        "`network.mode` managed or customerVnet, or private endpoints",
        "the managed network's private endpoints (\"used by the workspace when creating private endpoints for the "
        'managed virtual network"); the VNet, private endpoints and private DNS zones',
        "machine-learning/how-to-managed-network (prerequisites)",
        lambda s: s.network.mode != "none" or s.network.uses_vnet,
    ),
    ProviderNeed(
        "Microsoft.DocumentDB",
        None,
        "a customer-managed key that is not `serviceSide`",
        "Azure ML keeps the workspace's metadata in a Cosmos DB of your subscription; registering it also creates "
        "the Azure Cosmos DB app the key is granted to",
        CMK,
        _classic_cmk,
    ),
    ProviderNeed(
        "Microsoft.Search",
        None,
        "a customer-managed key that is not `serviceSide`",
        "Azure ML's AI Search service for the encrypted workspace",
        CMK,
        _classic_cmk,
    ),
    ProviderNeed(
        "Microsoft.ContainerService",
        None,
        "`compute.inference.enabled`",
        "the AKS inference cluster",
        "governance/policy/concepts/policy-for-kubernetes (install the add-on: register the providers)",
        _inference,
    ),
    ProviderNeed(
        "Microsoft.KubernetesConfiguration",
        None,
        "`compute.inference.enabled`",
        "the Azure ML cluster extension",
        'machine-learning/how-to-deploy-kubernetes-extension ("you need to register the KubernetesConfiguration '
        'service provider")',
        _inference,
    ),
    ProviderNeed(
        "Microsoft.PolicyInsights",
        None,
        "`compute.inference.enabled`",
        "the AKS Azure Policy add-on (always on)",
        "governance/policy/concepts/policy-for-kubernetes",
        _inference,
    ),
    ProviderNeed(
        "Microsoft.Security",
        None,
        "`compute.inference.defender`",
        "Microsoft Defender for Containers on the AKS cluster (the subscription's Containers plan)",
        "defender-for-cloud/defender-for-containers-enable (not re-read here)",
        lambda s: s.compute.inference.enabled and s.compute.inference.defender,
    ),
    ProviderNeed(
        "Microsoft.Compute",
        "EncryptionAtHost",
        "`compute.inference.encryptionAtHost` (AKS node pools)",
        '"You must enable the feature for your subscription before you use the EncryptionAtHost property"; then '
        "`az provider register --namespace Microsoft.Compute` propagates it",
        "virtual-machines/linux/disks-enable-host-based-encryption-cli",
        lambda s: s.compute.inference.enabled and s.compute.inference.encryption_at_host,
    ),
)

LOCKS = 'azure-resource-manager/management/lock-resources ("Who can create or delete locks")'
ROLE_ASSIGNMENTS = 'key-vault/general/rbac-guide ("To manage role assignments, you must have ...")'


def required_providers(settings: StackSettings) -> list[ProviderNeed]:
    """The providers and features a stack needs registered, providers first."""
    needed = [p for p in PROVIDERS if p.applies(settings)]
    return [p for p in needed if p.feature is None] + [p for p in needed if p.feature is not None]


def foreign_grant_scopes(settings: StackSettings) -> list[str]:
    """Resources the stack does not own but assigns roles on: existing storage accounts (data roles on
    their containers, the endpoint approver), the shared Azure ML registry (Reader, AzureML Registry User)."""
    scopes: list[str] = []
    for key, account in settings.data.accounts.items():
        if account.existing_id is None:
            continue
        stores = [s for s in settings.data.datastores.values() if s.account == key and s.identity_based]
        approves = settings.network.mode == "managed" and account.endpoint_approval == "grant"
        if stores or approves:
            scopes.append(account.existing_id)
    registry = settings.shared_registry
    if registry is not None and any(p.shared_registry for p in settings.access.principals.values()):
        scopes.append(registry.id)
    return scopes


def deployer_permissions(settings: StackSettings) -> list[Permission]:
    """What the identity that runs `pulumi up` needs, by scope."""
    group = "subscription" if settings.resource_group.create else "resource group"
    needs = [
        Permission(
            ("*",),
            group,
            "Contributor (or Owner)",
            "create the resource group and every resource of the stack"
            if settings.resource_group.create
            else "create every resource of the stack in the existing group",
            REGISTRATION,
        ),
        Permission(
            ("Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete"),
            group,
            "Owner, User Access Administrator or Role Based Access Control Administrator",
            "the role assignments of the stack's identities and of access.principals"
            + (
                ", and Key Vault Crypto Officer for the deployer itself"
                if settings.encryption.customer_managed_key
                else ""
            ),
            ROLE_ASSIGNMENTS,
        ),
    ]
    if settings.locks.enabled:
        needs.append(
            Permission(
                ("Microsoft.Authorization/locks/*",),
                group,
                "Owner or User Access Administrator (or a custom role)",
                "the CanNotDelete locks (locks.enabled); Role Based Access Control Administrator cannot create them",
                LOCKS,
            )
        )
    if settings.network.mode == "managed":
        needs.append(
            Permission(
                (
                    "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections/read",
                    "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections/write",
                ),
                group,
                "Contributor (or Owner)",
                "the managed network creates private endpoints",
                "machine-learning/how-to-managed-network (prerequisites)",
            )
        )
    for scope in foreign_grant_scopes(settings):
        needs.append(
            Permission(
                ("Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete"),
                scope,
                "Owner, User Access Administrator or Role Based Access Control Administrator there",
                "role assignments on a resource the stack does not own",
                ROLE_ASSIGNMENTS,
            )
        )
    if settings.network.mode == "managed":
        for key, account in settings.data.accounts.items():
            if account.existing_id and account.endpoint_approval == "grant":
                needs.append(
                    Permission(
                        ("Microsoft.Storage/storageAccounts/privateEndpointConnectionsApproval/action",),
                        account.existing_id,
                        "Owner or Storage Account Contributor there",
                        f'data.accounts.{key}.endpointApproval grant: "the user identity that initiates the creation '
                        'of the private endpoint, must have permissions to approve" it',
                        "machine-learning/how-to-managed-network (Approval of private endpoints)",
                    )
                )
    return needs
