"""The inference cluster, the Azure ML v2 way: AKS + Microsoft.AzureML.Kubernetes + Kubernetes compute."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.azure_roles import ROLE_GUIDS
from tests.planning import Resources, config_for, plan
from tools.plan.engine import run_program

AKS = "containerservice:ManagedCluster"
EXTENSION = "kubernetesconfiguration:Extension"
COMPUTE = "machinelearningservices:Compute"
SUBNETS_PROGRAM = Path(__file__).parents[1] / "programs" / "compute_in_subnets.py"


def kubernetes_compute(res: Resources) -> dict[str, Any]:
    (found,) = res.ml_computes("Kubernetes").values()
    return found


@pytest.fixture(scope="module")
def dev_inference() -> Resources:
    """Dev with the inference cluster switched on: the dev/staging tier's open defaults."""
    return Resources(plan("dev", {"compute": {"inference": {"enabled": True}}}))


def test_only_prod_has_an_inference_cluster_by_default(stack_plans: dict[str, Resources]) -> None:
    for stack in ("dev", "staging"):
        res = stack_plans[stack]
        assert res.of_type(AKS) == res.of_type(EXTENSION) == []
        assert res.of_type("mlplatform:index:Inference") == []
        assert res.plan.outputs["inferenceClusterName"] is None
    prod = stack_plans["prod"]
    assert len(prod.of_type(AKS)) == len(prod.of_type(EXTENSION)) == 1
    assert prod.plan.outputs["inferenceClusterName"] == prod.one(AKS)["outputs"]["name"]


def test_no_stack_uses_the_legacy_aks_compute_type(stack_plans: dict[str, Resources], dev_inference: Resources) -> None:
    for res in [*stack_plans.values(), dev_inference]:
        assert "AKS" not in {r["inputs"]["properties"]["computeType"] for r in res.of_type(COMPUTE)}


def test_prod_aks_cluster_is_entra_integrated_closed_and_monitored(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    aks = res.one(AKS)
    inputs = aks["inputs"]
    # a managed identity (no service principal), user-assigned so that its subnet role comes first
    control_plane = res.named("mlp-compute-inference-aks-identity")["outputs"]["id"]
    assert inputs["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [control_plane]}
    assert "servicePrincipalProfile" not in inputs
    assert inputs["aadProfile"]["managed"] is True
    assert inputs["aadProfile"]["enableAzureRBAC"] is True
    assert inputs["enableRBAC"] is True
    # the Azure ML extension needs local accounts: explicitly false, not left to a default
    assert inputs["disableLocalAccounts"] is False
    assert inputs["sku"] == {"name": "Base", "tier": "Standard"}
    assert inputs["oidcIssuerProfile"] == {"enabled": True}
    assert inputs["securityProfile"]["workloadIdentity"] == {"enabled": True}
    assert inputs["autoUpgradeProfile"] == {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"}
    assert inputs["networkProfile"]["networkPolicy"] == "cilium"
    assert inputs["networkProfile"]["networkDataplane"] == "cilium"
    # Microsoft: a public FQDN on a private cluster is not supported with Azure ML
    assert inputs["apiServerAccessProfile"] == {
        "enablePrivateCluster": True,
        "enablePrivateClusterPublicFQDN": False,
        "disableRunCommand": True,
    }
    logs = res.one("operationalinsights:Workspace")["outputs"]["id"]
    assert inputs["addonProfiles"]["omsagent"] == {
        "enabled": True,
        "config": {"logAnalyticsWorkspaceResourceID": logs, "useAADAuth": "true"},
    }
    assert inputs["addonProfiles"]["azurepolicy"] == {"enabled": True}
    assert inputs["securityProfile"]["defender"]["logAnalyticsWorkspaceResourceId"] == logs
    assert aks["protect"] is True
    assert aks["parent"] == res.one("mlplatform:index:Inference")["urn"]


def test_prod_node_pools_system_and_autoscaling_user_without_public_ips(stack_plans: dict[str, Resources]) -> None:
    pools = {p["name"]: p for p in stack_plans["prod"].one(AKS)["inputs"]["agentPoolProfiles"]}
    assert set(pools) == {"system", "user"}
    assert pools["system"]["mode"] == "System"
    assert pools["user"]["mode"] == "User"
    assert (pools["user"]["enableAutoScaling"], pools["user"]["minCount"], pools["user"]["maxCount"]) == (True, 2, 6)
    assert pools["user"]["vmSize"] == "Standard_D8ds_v5"
    for pool in pools.values():
        assert pool["enableNodePublicIP"] is False
        assert pool["enableEncryptionAtHost"] is True
        assert pool["securityProfile"] == {"sshAccess": "Disabled"}
        assert pool["availabilityZones"] == ["1", "2", "3"]
        # the network feature's aks subnet: the nodes reach the private workspace's endpoint
        assert pool["vnetSubnetID"] == stack_plans["prod"].named("mlp-network-snet-aks")["outputs"]["id"]


def test_container_insights_data_flows_to_the_stacks_log_analytics(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    rule = res.one("monitor:DataCollectionRule")
    association = res.one("monitor:DataCollectionRuleAssociation")
    logs = res.one("operationalinsights:Workspace")["outputs"]["id"]
    assert rule["inputs"]["destinations"]["logAnalytics"] == [{"name": "ciworkspace", "workspaceResourceId": logs}]
    assert rule["inputs"]["dataFlows"] == [
        {"streams": ["Microsoft-ContainerInsights-Group-Default"], "destinations": ["ciworkspace"]}
    ]
    assert association["inputs"]["resourceUri"] == res.one(AKS)["outputs"]["id"]
    assert association["inputs"]["dataCollectionRuleId"] == rule["outputs"]["id"]


def test_prod_extension_is_installed_on_the_cluster(stack_plans: dict[str, Resources]) -> None:
    """What it is and where it goes; its settings: test_extension.py."""
    res = stack_plans["prod"]
    extension = res.one(EXTENSION)
    inputs = extension["inputs"]
    assert inputs["extensionType"] == "Microsoft.AzureML.Kubernetes"
    assert inputs["clusterRp"] == "Microsoft.ContainerService"
    assert inputs["clusterResourceName"] == "managedClusters"
    assert inputs["clusterName"] == res.one(AKS)["outputs"]["name"]
    assert inputs["identity"] == {"type": "SystemAssigned"}
    assert inputs["scope"] == {"cluster": {"releaseNamespace": "azureml"}}
    assert res.one(AKS)["urn"] in extension["dependencies"]


def test_kubernetes_compute_points_at_the_cluster_after_the_extension(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    compute = kubernetes_compute(res)
    inputs = compute["inputs"]
    assert inputs["computeName"] == "aks-inference"
    assert inputs["workspaceName"] == res.one("machinelearningservices:Workspace")["outputs"]["name"]
    props = inputs["properties"]
    assert props["resourceId"] == res.one(AKS)["outputs"]["id"]
    assert props["disableLocalAuth"] is True
    # instance types are objects in the cluster (test_instance_types.py), not compute properties
    assert props["properties"] == {"namespace": "default"}
    identity = res.named("mlp-compute-identity")["outputs"]["id"]
    assert inputs["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [identity]}
    assert res.one(EXTENSION)["urn"] in compute["dependencies"]
    assert compute["deleteBeforeReplace"] is True
    assert {"properties.resourceId", "properties.properties"} <= set(compute["replaceOnChanges"])
    assert "aks-inference" in res.plan.outputs["computeNames"]


def test_kubelet_identity_pulls_from_the_stacks_registry(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    kubelet = res.one(AKS)["outputs"]["identityProfile"]["kubeletidentity"]["objectId"]
    pulls = [r for r in res.of_type("authorization:RoleAssignment") if r["inputs"]["principalId"] == kubelet]
    assert len(pulls) == 1
    assert pulls[0]["inputs"]["roleDefinitionId"].endswith(ROLE_GUIDS["AcrPull"])
    assert pulls[0]["inputs"]["scope"] == res.one("containerregistry:Registry")["outputs"]["id"]
    assert pulls[0]["inputs"]["principalType"] == "ServicePrincipal"


def test_dev_tier_inference_is_open_http_on_a_free_public_cluster(dev_inference: Resources) -> None:
    aks = dev_inference.one(AKS)["inputs"]
    assert aks["sku"]["tier"] == "Free"
    assert aks["apiServerAccessProfile"] == {"enablePrivateCluster": False, "disableRunCommand": False}
    assert "defender" not in aks["securityProfile"]
    assert aks["disableLocalAccounts"] is False
    extension = dev_inference.one(EXTENSION)["inputs"]
    settings = extension["configurationSettings"]
    assert settings["allowInsecureConnections"] == "True"
    assert settings["inferenceRouterHA"] == "False"
    assert "internalLoadBalancerProvider" not in settings
    assert "sslCname" not in settings
    assert "configurationProtectedSettings" not in extension  # no certificate over plain HTTP


def test_inference_settings_reach_the_cluster_extension_and_compute() -> None:
    overrides = {
        "compute": {
            "inference": {
                "computeName": "scoring",
                "namespace": "models",
                "networkPolicy": "azure",
                "privateCluster": False,
                "authorizedIpRanges": ["203.0.113.0/24"],
                "adminGroupObjectIds": ["c0ffee00-0000-4000-8000-000000000003"],
                "kubernetesVersion": "1.33",
                "upgradeChannel": "stable",
                "userPool": {"vmSize": "Standard_NC6s_v3", "minCount": 1, "maxCount": 2},
                "instanceTypes": [
                    {"name": "cpu-small", "cpu": "500m", "memory": "2Gi"},
                    {"name": "gpu", "cpu": "4", "memory": "16Gi", "gpu": 1, "nodeSelector": {"agentpool": "user"}},
                ],
                "defaultInstanceType": "gpu",
                "sslCname": "scoring.ml.contoso.com",
                "enableTraining": True,
            }
        }
    }
    res = Resources(plan("prod", overrides))
    aks = res.one(AKS)["inputs"]
    assert aks["apiServerAccessProfile"]["enablePrivateCluster"] is False
    assert "enablePrivateClusterPublicFQDN" not in aks["apiServerAccessProfile"]  # only private clusters
    assert aks["networkProfile"]["networkPolicy"] == "azure"
    assert "networkPluginMode" not in aks["networkProfile"]
    assert aks["apiServerAccessProfile"]["authorizedIPRanges"] == ["203.0.113.0/24"]
    assert aks["aadProfile"]["adminGroupObjectIDs"] == ["c0ffee00-0000-4000-8000-000000000003"]
    assert aks["kubernetesVersion"] == "1.33"
    assert aks["autoUpgradeProfile"]["upgradeChannel"] == "stable"
    settings = res.one(EXTENSION)["inputs"]["configurationSettings"]
    assert settings["installNvidiaDevicePlugin"] == "True"  # a GPU user pool
    assert settings["enableTraining"] == "True"
    assert settings["sslCname"] == "scoring.ml.contoso.com"
    compute = kubernetes_compute(res)["inputs"]
    assert compute["computeName"] == "scoring"
    assert compute["properties"]["properties"] == {"namespace": "models"}


def test_aks_node_pools_use_the_network_features_aks_subnet_when_it_sets_it() -> None:
    res = Resources(run_program(config_for("prod"), program=SUBNETS_PROGRAM))
    pools = res.one(AKS)["inputs"]["agentPoolProfiles"]
    assert [p["vnetSubnetID"].rsplit("/", 1)[-1] for p in pools] == ["aks", "aks"]


def test_a_rerun_leaves_the_autoscaled_node_counts_to_the_autoscaler(stack_plans: dict[str, Resources]) -> None:
    assert stack_plans["prod"].one(AKS)["ignoreChanges"] == ["agentPoolProfiles[*].count"]
