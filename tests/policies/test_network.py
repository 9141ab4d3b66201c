"""Network rule: private endpoints, or a managed network in approved-outbound mode (STK-07).

Each rule: a compliant case passes, a non-compliant case fails and says why (rule_cases.py);
its checklist row and the SDK names it reads are listed here too."""

from __future__ import annotations

import pytest

from tests.policies.policy_fixtures import (
    KV_ID,
    MLREG_ID,
    NO_MANAGED_NETWORK,
    RG_ID,
    SA_ID,
    T_MLREG,
    T_PE,
    T_SA,
    Record,
    add,
    assignment,
    chain,
    change,
    common,
    ml_registry,
    outbound_rule,
    record,
    storage_account,
    urn,
)
from tests.policies.rule_cases import Case, StackCase, case_id

# The policy checklist's rows for these rules (shared/reference/policy-checklist.md): the
# sources each rule must cite, exactly as listed.
CHECKLIST = {
    "STK-07": "custom stack rule",
    "STK-10": "custom stack rule",
}


# (SDK module, input class, the wire names these rules read), checked against the installed SDK.
READ = [
    ("machinelearningservices", "RegistryArgs", {"publicNetworkAccess"}),
    ("authorization", "RoleAssignmentArgs", {"scope"}),
    ("machinelearningservices", "PrivateEndpointDestinationArgs", {"serviceResourceId", "subresourceTarget"}),
    ("network", "PrivateEndpointArgs", {"privateLinkServiceConnections", "manualPrivateLinkServiceConnections"}),
    ("network", "PrivateLinkServiceConnectionArgs", {"privateLinkServiceId", "groupIds"}),
]


def endpoint(name: str, target_id: str, groups: list[str], target_urn: str) -> Record:
    return record(
        T_PE,
        name,
        common(privateLinkServiceConnections=[{"name": name, "privateLinkServiceId": target_id, "groupIds": groups}]),
        f"{RG_ID}/providers/Microsoft.Network/privateEndpoints/{name}",
        refs={"privateLinkServiceConnections": [target_urn]},
    )


SA_URN = urn(T_SA, "stmlpprod")


CASES: list[Case] = [
    # STK-07: private endpoints or managed network (approved outbound only)
    StackCase("stk-07-private-connectivity", None, None),
    StackCase("stk-07-private-connectivity", NO_MANAGED_NETWORK, "no private endpoint for vault", on=("kv-mlp-prod",)),
    # a managed network that lets anything out is no private connectivity (only approved outbound is)
    StackCase(
        "stk-07-private-connectivity",
        change("mlw-mlp-prod", "managedNetwork.isolationMode", "AllowInternetOutbound"),
        "no private endpoint for vault",
        on=("kv-mlp-prod",),
    ),
    StackCase(
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
    StackCase(
        "stk-07-private-connectivity",
        chain(NO_MANAGED_NETWORK, add(endpoint("pe-blob", SA_ID, ["blob"], SA_URN))),
        "no private endpoint for file",
        on=("stmlpprod",),
    ),
    StackCase(
        "stk-07-private-connectivity",
        add(storage_account("stlake")),
        "no private endpoint for blob, file",
        on=("stlake",),
    ),
    StackCase(
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
    # The platform's form for data lakes: a ManagedNetworkSettingsRule resource of the workspace.
    StackCase("stk-07-private-connectivity", add(storage_account("stlake"), outbound_rule("lake-blob")), None),
    StackCase(
        "stk-07-private-connectivity",
        chain(add(storage_account("stlake"), outbound_rule("lake-blob")), NO_MANAGED_NETWORK),
        "no private endpoint for blob, file",
        on=("stlake", "stmlpprod"),
    ),
    StackCase(
        "stk-07-private-connectivity",
        add(storage_account("stlake"), outbound_rule("lake-fqdn", rule_type="FQDN")),
        "no private endpoint for blob, file",
        on=("stlake",),
    ),
]


def registry_rule(name: str = "mlregistry-amlregistry", group: str = "amlregistry") -> Record:
    """The consuming workspace's private-endpoint rule to the shared registry."""
    rule = outbound_rule(name)
    rule["inputs"]["properties"]["destination"] = {"serviceResourceId": MLREG_ID, "subresourceTarget": group}
    rule["propertyDependencies"] = {"workspaceName": rule["propertyDependencies"]["workspaceName"]}
    return rule


# Reader (acdd72a7-...) on the shared registry, as the access settings grant `sharedRegistry: read`
READS_REGISTRY = assignment(
    "ra-registry-reader",
    "d5d5d5d5-0000-4000-8000-0000000000aa",
    "Group",
    "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    MLREG_ID,
)

CASES += [
    # STK-10: a workspace that uses a registry (its stack grants roles there) reaches it privately
    StackCase("stk-10-registry-private-access", None, None),
    StackCase("stk-10-registry-private-access", add(READS_REGISTRY, registry_rule()), None),
    StackCase(
        "stk-10-registry-private-access",
        add(READS_REGISTRY),
        "no private-endpoint rule (amlregistry) to it",
        on=("mlw-mlp-prod",),
    ),
    # a rule to another sub-resource of the registry does not count
    StackCase(
        "stk-10-registry-private-access",
        add(READS_REGISTRY, registry_rule(group="blob")),
        "no private-endpoint rule (amlregistry) to it",
        on=("mlw-mlp-prod",),
    ),
    # internet outbound: the rule is not the only path (ML-02 judges the isolation mode itself)
    StackCase(
        "stk-10-registry-private-access",
        chain(add(READS_REGISTRY), change("mlw-mlp-prod", "managedNetwork.isolationMode", "AllowInternetOutbound")),
        None,
    ),
    # a closed registry (a shared stack's) needs its private endpoint
    StackCase("stk-10-registry-private-access", add(ml_registry(publicNetworkAccess="Enabled")), None),
    StackCase(
        "stk-10-registry-private-access",
        add(ml_registry(publicNetworkAccess="Disabled")),
        "no private endpoint (amlregistry) reaches it",
        on=("mlr-mlp-shared",),
    ),
    StackCase(
        "stk-10-registry-private-access",
        add(
            ml_registry(publicNetworkAccess="Disabled"),
            endpoint(
                "pe-mlreg",
                f"{RG_ID}/providers/Microsoft.MachineLearningServices/registries/mlr-mlp-shared",
                ["amlregistry"],
                urn(T_MLREG, "mlr-mlp-shared"),
            ),
        ),
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule(case: Case) -> None:
    case.check()
