"""Every stack rule (and the service rules that need the whole stack): the secure platform
passes, a variant that breaks one thing fails with a message that says what is wrong."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from policy_fixtures import (
    AKS_ID,
    DELETE,
    KV_ID,
    LAW_ID,
    RG,
    RG_ID,
    ROLE_COMPUTE_OPERATOR,
    ROLE_CONTRIBUTOR,
    ROLE_OWNER,
    SA_ID,
    SUB,
    T_AKS,
    T_CMP,
    T_OUTBOUND,
    T_PE,
    T_RA,
    T_RD,
    T_SA,
    T_WS,
    WS_ID,
    Record,
    by_name,
    common,
    find,
    mutate,
    record,
    role_id,
    run_stack,
    secure_platform,
    urn,
    without,
)
from pulumi_policy import StackValidationPolicy

from policies.rules import ALL_POLICIES
from tools.plan.policy import config_path_for, load_config, resolve

Change = Callable[[list[Record]], list[Record]]


def change(name: str, path: str, value: Any) -> Change:
    return lambda records: mutate(records, name, path, value)


def unprotect(name: str) -> Change:
    def apply(records: list[Record]) -> list[Record]:
        changed = copy.deepcopy(records)
        find(changed, name)["protect"] = False
        return changed

    return apply


def add(*extra: Record) -> Change:
    return lambda records: [*copy.deepcopy(records), *extra]


def drop(*names: str) -> Change:
    return lambda records: without(records, *names)


def chain(*changes: Change) -> Change:
    def apply(records: list[Record]) -> list[Record]:
        for step in changes:
            records = step(records)
        return records

    return apply


def assignment(name: str, principal: str, principal_type: str | None, role: str, scope: str = WS_ID) -> Record:
    inputs = {
        "principalId": principal,
        "roleDefinitionId": role_id(role) if not role.startswith("/") else role,
        "scope": scope,
    }
    if principal_type:
        inputs["principalType"] = principal_type
    return record(T_RA, name, inputs, f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}")


def storage_account(name: str, **props: Any) -> Record:
    return record(
        T_SA,
        name,
        common(**{"accountName": name, "kind": "StorageV2", **props}),
        f"{RG_ID}/providers/Microsoft.Storage/storageAccounts/{name}",
    )


def endpoint(name: str, target_id: str, groups: list[str], target_urn: str) -> Record:
    return record(
        T_PE,
        name,
        common(privateLinkServiceConnections=[{"name": name, "privateLinkServiceId": target_id, "groupIds": groups}]),
        f"{RG_ID}/providers/Microsoft.Network/privateEndpoints/{name}",
        refs={"privateLinkServiceConnections": [target_urn]},
    )


def outbound_rule(name: str, target: str = "stlake", rule_type: str = "PrivateEndpoint") -> Record:
    """A managed-network outbound rule created as its own resource (ManagedNetworkSettingsRule)."""
    target_id = f"{RG_ID}/providers/Microsoft.Storage/storageAccounts/{target}"
    return record(
        T_OUTBOUND,
        name,
        {
            "ruleName": name,
            "workspaceName": "mlw-mlp-prod",
            "resourceGroupName": RG,
            "properties": {
                "type": rule_type,
                "category": "UserDefined",
                "destination": {"serviceResourceId": target_id, "subresourceTarget": "blob"},
            },
        },
        f"{WS_ID}/outboundRules/{name}",
        refs={"workspaceName": [urn(T_WS, "mlw-mlp-prod")], "properties": [urn(T_SA, target)]},
    )


def _no_refs(name: str, prop: str) -> Change:
    def apply(records: list[Record]) -> list[Record]:
        changed = copy.deepcopy(records)
        find(changed, name)["propertyDependencies"].pop(prop, None)
        return changed

    return apply


NO_MANAGED_NETWORK = change("mlw-mlp-prod", "managedNetwork.isolationMode", "Disabled")
SA_URN = urn(T_SA, "stmlpprod")


class Case(NamedTuple):
    policy: str
    change: Change | None  # None: the secure platform as is
    fails_with: str | None
    config: dict[str, Any] | None = None
    on: tuple[str, ...] = ()  # resources the findings point at (empty: the stack itself)


CASES = [
    # ML-02: managed network in an allowed mode, or customer VNet + private endpoint
    Case("ml-02-workspace-managed-network-isolated", None, None),
    Case(
        "ml-02-workspace-managed-network-isolated",
        change("mlw-mlp-prod", "managedNetwork.isolationMode", "AllowInternetOutbound"),
        'isolationMode is "AllowInternetOutbound"',
        on=("mlw-mlp-prod",),
    ),
    Case(
        "ml-02-workspace-managed-network-isolated",
        change("mlw-mlp-prod", "managedNetwork.isolationMode", "AllowInternetOutbound"),
        None,
        {"allowedIsolationModes": ["AllowOnlyApprovedOutbound", "AllowInternetOutbound"]},
    ),
    Case("ml-02-workspace-managed-network-isolated", NO_MANAGED_NETWORK, None),  # has pe-mlw
    Case(
        "ml-02-workspace-managed-network-isolated",
        chain(NO_MANAGED_NETWORK, drop("pe-mlw")),
        "'amlworkspace' private endpoint",
        on=("mlw-mlp-prod",),
    ),
    # ML-05: HBI for sensitive data; HBI storage not public
    Case("ml-05-hbi-workspace-for-sensitive-data", None, None),
    Case(
        "ml-05-hbi-workspace-for-sensitive-data",
        change("mlw-mlp-prod", "hbiWorkspace", False),
        'tags.dataClassification is "confidential" (sensitive data); set hbiWorkspace',
        on=("mlw-mlp-prod",),
    ),
    Case(
        "ml-05-hbi-workspace-for-sensitive-data",
        chain(
            change("mlw-mlp-prod", "hbiWorkspace", False), change("mlw-mlp-prod", "tags.dataClassification", "internal")
        ),
        None,
    ),
    Case(
        "ml-05-hbi-workspace-for-sensitive-data",
        chain(
            change("stmlpprod", "publicNetworkAccess", "Enabled"),
            change("stmlpprod", "networkRuleSet.defaultAction", "Allow"),
        ),
        "links storage account stmlpprod, which is public",
        on=("stmlpprod",),
    ),
    # ML-09: subnet unless the workspace's managed network is on
    Case("ml-09-compute-in-vnet-or-managed-network", None, None),
    Case(
        "ml-09-compute-in-vnet-or-managed-network",
        NO_MANAGED_NETWORK,
        "subnet.id is not set and the workspace has no managed network",
        on=("cpu-cluster", "ci-alice"),
    ),
    Case(
        "ml-09-compute-in-vnet-or-managed-network",
        chain(
            NO_MANAGED_NETWORK,
            change("cpu-cluster", "properties.properties.subnet.id", "/s/x"),
            change("ci-alice", "properties.properties.subnet.id", "/s/x"),
        ),
        None,
    ),
    # ST-07: blob soft delete and versioning, on every account
    Case("st-07-blob-soft-delete-and-versioning", None, None),
    Case(
        "st-07-blob-soft-delete-and-versioning",
        change("stmlpprod-blob", "isVersioningEnabled", False),
        "isVersioningEnabled is false",
        on=("stmlpprod-blob",),
    ),
    Case(
        "st-07-blob-soft-delete-and-versioning",
        change("stmlpprod-blob", "deleteRetentionPolicy.days", 3),
        "deleteRetentionPolicy.days is 3; keep at least 7",
        on=("stmlpprod-blob",),
    ),
    Case(
        "st-07-blob-soft-delete-and-versioning",
        drop("stmlpprod-blob"),
        "no BlobServiceProperties for this account",
        on=("stmlpprod",),
    ),
    Case("st-07-blob-soft-delete-and-versioning", add(storage_account("stfiles", kind="FileStorage")), None),
    # ST-09: the workspace's default storage
    Case("st-09-workspace-default-storage-compatible", None, None),
    Case(
        "st-09-workspace-default-storage-compatible",
        change("stmlpprod", "isHnsEnabled", True),
        "isHnsEnabled is true",
        on=("stmlpprod",),
    ),
    Case(
        "st-09-workspace-default-storage-compatible",
        change("stmlpprod", "sku.name", "Premium_LRS"),
        "cannot be premium",
        on=("stmlpprod",),
    ),
    Case(
        "st-09-workspace-default-storage-compatible", add(storage_account("stlake", isHnsEnabled=True)), None
    ),  # not the default storage
    # AKS-01: local accounts, except clusters with the Azure ML extension
    Case("aks-01-local-accounts-disabled", None, None),
    Case(
        "aks-01-local-accounts-disabled",
        drop("azureml-extension"),
        "disableLocalAccounts is false",
        on=("aks-mlp-prod",),
    ),
    Case(
        "aks-01-local-accounts-disabled",
        chain(drop("azureml-extension"), change("aks-mlp-prod", "disableLocalAccounts", True)),
        None,
    ),
    Case(
        "aks-01-local-accounts-disabled",
        change("azureml-extension", "extensionType", "microsoft.flux"),
        "disableLocalAccounts is false",
        on=("aks-mlp-prod",),
    ),
    # STK-01: tags
    Case("stk-01-required-tags", None, None),
    Case(
        "stk-01-required-tags",
        change("kv-mlp-prod", "tags.owner", DELETE),
        "missing required tags: owner",
        on=("kv-mlp-prod",),
    ),
    Case(
        "stk-01-required-tags",
        change("kv-mlp-prod", "tags", DELETE),
        "missing required tags: environment, owner, costCenter, dataClassification",
        on=("kv-mlp-prod",),
    ),
    Case("stk-01-required-tags", change("kv-mlp-prod", "tags.owner", DELETE), None, {"requiredTags": ["environment"]}),
    # STK-02: regions
    Case("stk-02-allowed-locations", None, None),
    Case(
        "stk-02-allowed-locations",
        change("kv-mlp-prod", "location", "eastus"),
        'location "eastus" is not an allowed region',
        on=("kv-mlp-prod",),
    ),
    Case(
        "stk-02-allowed-locations",
        change("kv-mlp-prod", "location", "North Europe"),
        'location "North Europe" differs from its resource group\'s "westeurope"',
        on=("kv-mlp-prod",),
    ),
    Case("stk-02-allowed-locations", change("kv-mlp-prod", "location", "global"), None),
    # STK-03: VM sizes, dev low priority
    Case("stk-03-vm-size-allow-list", None, None),
    Case(
        "stk-03-vm-size-allow-list",
        change("gpu", "vmSize", "Standard_ND96asr_v4"),
        'vmSize is "Standard_ND96asr_v4", which is not in the allowed VM sizes',
        on=("gpu",),
    ),
    Case(
        "stk-03-vm-size-allow-list",
        change("cpu-cluster", "properties.properties.vmSize", "Standard_M128s"),
        "not in the allowed VM sizes",
        on=("cpu-cluster",),
    ),
    Case(
        "stk-03-vm-size-allow-list",
        None,
        'vmPriority is "Dedicated"',
        {"requireLowPriorityClusters": True},
        on=("cpu-cluster",),
    ),
    # STK-04: cost caps (4 + 4 + 2 = 10 nodes)
    Case("stk-04-node-cost-caps", None, None, {"maxTotalNodes": 10}),
    Case("stk-04-node-cost-caps", None, "can reach 10 nodes, over the cap of 9", {"maxTotalNodes": 9}),
    Case(
        "stk-04-node-cost-caps",
        change("gpu", "enableAutoScaling", False),
        "can reach 8 nodes, over the cap of 7",
        {"maxTotalNodes": 7},
    ),  # count 0 instead of 2
    # STK-05: protection
    Case("stk-05-stateful-resources-protected", None, None),
    Case("stk-05-stateful-resources-protected", unprotect("kv-mlp-prod"), "not protected", on=("kv-mlp-prod",)),
    # STK-06: least privilege
    Case("stk-06-least-privilege-role-assignments", None, None),
    Case(
        "stk-06-least-privilege-role-assignments",
        add(assignment("ra-owner", "group-x", "Group", ROLE_OWNER, RG_ID)),
        "a Group principal is granted Owner",
        on=("ra-owner",),
    ),
    Case(
        "stk-06-least-privilege-role-assignments",
        add(assignment("ra-uaa", "alice", "User", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")),
        "a User principal is granted User Access Administrator",
        on=("ra-uaa",),
    ),
    Case(
        "stk-06-least-privilege-role-assignments",
        add(assignment("ra-contrib", "x", None, ROLE_CONTRIBUTOR)),
        "Contributor is assigned without principalType",
        on=("ra-contrib",),
    ),
    Case(
        "stk-06-least-privilege-role-assignments",
        add(assignment("ra-sub", "sp", "ServicePrincipal", "acdd72a7-3385-48ef-bd42-f606fba81ae7", SUB)),
        "is a subscription or wider",
        on=("ra-sub",),
    ),
    Case(
        "stk-06-least-privilege-role-assignments",
        add(assignment("ra-ds-op", "group-data-scientists", "Group", ROLE_COMPUTE_OPERATOR)),
        "holds AzureML Data Scientist and also AzureML Compute Operator",
        on=("ra-ds-op",),
    ),
    Case(
        "stk-06-least-privilege-role-assignments",
        add(
            record(
                T_RD,
                "compute-writer",
                {
                    "roleName": "Compute writer",
                    "permissions": [{"actions": ["Microsoft.MachineLearningServices/workspaces/computes/*"]}],
                },
                f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-0000-0000-0000-000000000001",
            ),
            assignment(
                "ra-ds-custom",
                "group-data-scientists",
                "Group",
                f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-0000-0000-0000-000000000001",
            ),
        ),
        "custom role aaaaaaaa-0000-0000-0000-000000000001",
        on=("ra-ds-custom",),
    ),
    Case(
        "stk-06-least-privilege-role-assignments",
        add(
            record(
                T_RD,
                "compute-reader",
                {
                    "roleName": "Compute reader",
                    "permissions": [
                        {
                            "actions": ["Microsoft.MachineLearningServices/workspaces/computes/*"],
                            "notActions": ["Microsoft.MachineLearningServices/workspaces/computes/write"],
                        }
                    ],
                },
                f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-0000-0000-0000-000000000002",
            ),
            assignment(
                "ra-ds-reader",
                "group-data-scientists",
                "Group",
                f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/aaaaaaaa-0000-0000-0000-000000000002",
            ),
        ),
        None,
    ),
    # STK-07: private endpoints or managed network (approved outbound only)
    Case("stk-07-private-connectivity", None, None),
    Case("stk-07-private-connectivity", NO_MANAGED_NETWORK, "no private endpoint for vault", on=("kv-mlp-prod",)),
    Case(
        "stk-07-private-connectivity",
        chain(
            NO_MANAGED_NETWORK,
            add(
                endpoint("pe-kv", KV_ID, ["vault"], urn("azure-native:keyvault:Vault", "kv-mlp-prod")),
                endpoint("pe-blob", SA_ID, ["blob"], SA_URN),
                endpoint("pe-file", SA_ID, ["file"], SA_URN),
                endpoint(
                    "pe-acr",
                    f"{RG_ID}/providers/Microsoft.ContainerRegistry/registries/crmlpprod",
                    ["registry"],
                    urn("azure-native:containerregistry:Registry", "crmlpprod"),
                ),
            ),
        ),
        None,
    ),
    Case(
        "stk-07-private-connectivity",
        chain(NO_MANAGED_NETWORK, add(endpoint("pe-blob", SA_ID, ["blob"], SA_URN))),
        "no private endpoint for file",
        on=("stmlpprod",),
    ),
    Case(
        "stk-07-private-connectivity",
        add(storage_account("stlake")),
        "no private endpoint for blob, file",
        on=("stlake",),
    ),
    Case(
        "stk-07-private-connectivity",
        chain(
            add(storage_account("stlake")),
            change(
                "mlw-mlp-prod",
                "managedNetwork.outboundRules",
                {
                    "lake": {
                        "type": "PrivateEndpoint",
                        "destination": {
                            "serviceResourceId": f"{RG_ID}/providers/Microsoft.Storage/storageAccounts/stlake",
                            "subresourceTarget": "blob",
                        },
                    }
                },
            ),
        ),
        None,
    ),
    # STK-08: diagnostics to the stack's Log Analytics workspace
    Case("stk-08-diagnostic-settings", None, None),
    Case(
        "stk-08-diagnostic-settings",
        drop("diag-kv-mlp-prod"),
        "no diagnostic setting sends its logs",
        on=("kv-mlp-prod",),
    ),
    Case(
        "stk-08-diagnostic-settings",
        drop("diag-stmlpprod-blob"),
        "no diagnostic setting sends its logs",
        on=("stmlpprod",),
    ),
    Case(
        "stk-08-diagnostic-settings",
        chain(
            change("diag-aks-mlp-prod", "workspaceId", LAW_ID.replace("log-mlp-prod", "elsewhere")),
            _no_refs("diag-aks-mlp-prod", "workspaceId"),
        ),
        "do not send to a Log Analytics workspace of this stack",
        on=("aks-mlp-prod",),
    ),
    Case(
        "stk-08-diagnostic-settings",
        change("diag-crmlpprod", "logs", [{"categoryGroup": "allLogs", "enabled": False}]),
        "enables no log category",
        on=("crmlpprod",),
    ),
    # STK-09: associated resources belong to the stack
    Case("stk-09-workspace-associated-resources-in-stack", None, None),
    Case(
        "stk-09-workspace-associated-resources-in-stack",
        chain(
            change(
                "mlw-mlp-prod", "keyVault", f"{SUB}/resourceGroups/other/providers/Microsoft.KeyVault/vaults/kv-shared"
            ),
            _no_refs("mlw-mlp-prod", "keyVault"),
        ),
        "not a key vault of this stack",
        on=("mlw-mlp-prod",),
    ),
    Case(
        "stk-09-workspace-associated-resources-in-stack",
        change("mlw-mlp-prod", "containerRegistry", DELETE),
        "containerRegistry is not set",
        on=("mlw-mlp-prod",),
    ),
    Case(
        "stk-09-workspace-associated-resources-in-stack",
        change("mlw-mlp-prod", "containerRegistry", DELETE),
        None,
        {"requireContainerRegistry": False},
    ),
    # The platform's form for data lakes: a ManagedNetworkSettingsRule resource of the workspace.
    Case("stk-07-private-connectivity", add(storage_account("stlake"), outbound_rule("lake-blob")), None),
    Case(
        "stk-07-private-connectivity",
        chain(add(storage_account("stlake"), outbound_rule("lake-blob")), NO_MANAGED_NETWORK),
        "no private endpoint for blob, file",
        on=("stlake", "stmlpprod"),
    ),
    Case(
        "stk-07-private-connectivity",
        add(storage_account("stlake"), outbound_rule("lake-fqdn", rule_type="FQDN")),
        "no private endpoint for blob, file",
        on=("stlake",),
    ),
    Case(
        "stk-09-workspace-associated-resources-in-stack",
        chain(change("mlw-mlp-prod", "kind", "Project"), change("mlw-mlp-prod", "keyVault", DELETE)),
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.policy}-{c.fails_with or 'ok'}")
def test_stack_rule(case: Case) -> None:
    records = secure_platform()
    if case.change is not None:
        records = case.change(records)
    found = run_stack(by_name(case.policy), records, case.config)
    if case.fails_with is None:
        assert found == []
        return
    matching = [(m, u) for m, u in found if case.fails_with in m]
    assert matching, found
    expected = {find(records, name)["urn"] for name in case.on} if case.on else {None}
    assert {u for _, u in matching} == expected


def test_every_stack_rule_has_a_passing_and_a_failing_case() -> None:
    stack_rules = {p.name for p in ALL_POLICIES if isinstance(p, StackValidationPolicy)}
    assert stack_rules - {c.policy for c in CASES if c.fails_with is None} == set()
    assert stack_rules - {c.policy for c in CASES if c.fails_with is not None} == set()


def cli_shaped(records: list[Record]) -> list[Record]:
    """What `pulumi up` hands a stack policy: outputs only (azure-native outputs echo the
    inputs, except input-only names such as resourceUri, workspaceName, clusterName)."""
    input_only = {"resourceUri", "workspaceName", "clusterName", "accountName", "resourceGroupName", "resourceName"}
    changed = copy.deepcopy(records)
    for r in changed:
        r["outputs"] = {**{k: v for k, v in r["inputs"].items() if k not in input_only}, **r["outputs"]}
        r["inputs"] = {}
        r["propertyDependencies"] = {}
    return changed


def preview_shaped(records: list[Record]) -> list[Record]:
    """What `pulumi preview` hands a stack policy for a first deployment: no ids yet, and
    references between resources unknown; only the property dependencies tell them apart."""
    references = {
        "storageAccount",
        "keyVault",
        "applicationInsights",
        "containerRegistry",
        "workspaceId",
        "resourceUri",
        "primaryUserAssignedIdentity",
    }
    changed = copy.deepcopy(records)
    for r in changed:
        r["outputs"] = {}
        for key in references & set(r["inputs"]):
            r["inputs"][key] = "[unknown]"
    return changed


@pytest.mark.parametrize("shape", [cli_shaped, preview_shaped])
def test_stack_rules_follow_references_without_input_only_names_or_ids(
    shape: Callable[[list[Record]], list[Record]],
) -> None:
    records = shape(secure_platform())
    prod = resolve(ALL_POLICIES, load_config(config_path_for("prod")))
    for policy in ALL_POLICIES:
        if isinstance(policy, StackValidationPolicy):
            assert run_stack(policy, records, prod[policy.name].config) == [], policy.name


def unknown_rule_target(records: list[Record]) -> list[Record]:
    changed = preview_shaped(records)
    find(changed, "lake-blob")["inputs"]["properties"]["destination"]["serviceResourceId"] = "[unknown]"
    return changed


@pytest.mark.parametrize("shape", [cli_shaped, unknown_rule_target])
def test_an_outbound_rule_resource_is_found_under_its_workspace(
    shape: Callable[[list[Record]], list[Record]],
) -> None:
    # The CLI gives no workspaceName (the rule's id names its workspace); in a first preview
    # the target's id is unknown and only the property dependency tells it.
    records = shape(add(storage_account("stlake"), outbound_rule("lake-blob"))(secure_platform()))
    assert run_stack(by_name("stk-07-private-connectivity"), records) == []


def test_references_still_catch_a_missing_diagnostic_setting_when_shaped_like_the_cli() -> None:
    records = cli_shaped(without(secure_platform(), "diag-kv-mlp-prod"))
    found = run_stack(by_name("stk-08-diagnostic-settings"), records)
    assert found == [("no diagnostic setting sends its logs to Log Analytics", find(records, "kv-mlp-prod")["urn"])]


def test_compute_found_under_its_workspace_by_id_prefix() -> None:
    records = cli_shaped(NO_MANAGED_NETWORK(secure_platform()))
    found = run_stack(by_name("ml-09-compute-in-vnet-or-managed-network"), records)
    assert {u for _, u in found} == {urn(T_CMP, "cpu-cluster"), urn(T_CMP, "ci-alice")}


def test_azureml_extension_exception_found_by_cluster_id_prefix() -> None:
    records = cli_shaped(secure_platform())
    assert run_stack(by_name("aks-01-local-accounts-disabled"), records) == []
    assert find(records, "azureml-extension")["outputs"]["id"].startswith(AKS_ID + "/")
    assert find(records, "aks-mlp-prod")["type"] == T_AKS
    assert find(records, "mlw-mlp-prod")["type"] == T_WS
