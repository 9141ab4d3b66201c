"""Environment image builds where storage or the registry is private: the workspace's image build
compute (a CPU cluster of the stack) and the package egress the build needs.

Microsoft (how-to-secure-workspace-vnet, ACR step 3): Azure ML's serverless build "works only when the
workspace-dependent resources such as Storage Account or Container Registry aren't under any network
restriction (private endpoints). If you restrict network access to your workspace-dependent
resources, use an image-build-compute instead"; "Only a CPU SKU is supported". how-to-managed-network
("Configure image builds"): the build compute "needs to be able to access the package repositories".
"""

from __future__ import annotations

from typing import Any

import pytest

from components.settings.network import PACKAGE_INDEX_FQDNS
from tests.planning import Resources, plan, rejected_keys

GPU = {"name": "gpu-cluster", "vmSize": "Standard_NC4as_T4_v3", "priority": "Dedicated", "maxNodes": 2}
CPU = {"name": "cpu-cluster", "vmSize": "Standard_D4ds_v5", "priority": "Dedicated", "maxNodes": 2}
BUILD = {"name": "img-build", "vmSize": "Standard_D4ds_v5", "priority": "Dedicated", "maxNodes": 1}


def build_compute(res: Resources) -> Any:
    return res.one("machinelearningservices:Workspace")["inputs"].get("imageBuildCompute")


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_a_private_registry_builds_images_on_cpu_cluster(stack: str, stack_plans: dict[str, Resources]) -> None:
    res = stack_plans[stack]
    assert build_compute(res) == "cpu-cluster"
    cluster = res.ml_computes("AmlCompute")["cpu-cluster"]["inputs"]["properties"]["properties"]
    assert not cluster["vmSize"].startswith("Standard_N")  # a CPU SKU


def test_public_storage_and_registry_keep_the_serverless_build(stack_plans: dict[str, Resources]) -> None:
    assert build_compute(stack_plans["dev"]) is None


@pytest.mark.parametrize(
    ("network", "expected"),
    [
        # a managed network with internet egress and public resources: no restriction
        ({"privateEndpoints": False, "managed": {"isolationMode": "AllowInternetOutbound"}}, None),
        # the same with an IP allow-list: the firewalls deny by default, a restriction
        (
            {
                "privateEndpoints": False,
                "allowedIpRanges": ["20.50.12.0/24"],
                "managed": {"isolationMode": "AllowInternetOutbound"},
            },
            "cpu-cluster",
        ),
        # approved outbound only reaches the registry through private endpoints
        ({"privateEndpoints": False}, "cpu-cluster"),
    ],
)
def test_the_build_compute_follows_every_network_restriction(network: dict[str, Any], expected: str | None) -> None:
    assert build_compute(Resources(plan("staging", {"network": network}))) == expected


def test_a_named_cpu_cluster_builds_instead() -> None:
    res = Resources(
        plan("prod", {"compute": {"clusters": [CPU, BUILD]}, "network": {"imageBuildCompute": "img-build"}})
    )
    assert build_compute(res) == "img-build"


@pytest.mark.parametrize(
    ("clusters", "name"),
    [
        ([CPU, GPU], "gpu-cluster"),  # only a CPU SKU builds images
        ([CPU], "img-build"),  # not a cluster of the stack
        ([{**CPU, "vmSize": "Standard_NC6s_v3"}], None),  # the default, cpu-cluster, on a GPU size
    ],
)
def test_the_build_compute_must_be_a_cpu_cluster_of_the_stack(clusters: list[dict[str, Any]], name: str | None) -> None:
    network = {"imageBuildCompute": name} if name else {}
    keys = rejected_keys({"compute": {"clusters": clusters}, "network": network}, stack="prod")
    assert keys == ["ml-platform:network.imageBuildCompute"]


def fqdn_rules(res: Resources) -> dict[str, dict[str, Any]]:
    return {
        r["inputs"]["ruleName"]: r
        for r in res.of_type("machinelearningservices:ManagedNetworkSettingsRule")
        if r["inputs"]["properties"]["type"] == "FQDN"
    }


def test_staging_reaches_the_package_indexes_microsoft_recommends(stack_plans: dict[str, Resources]) -> None:
    """Recommended FQDN rules for Python packages (how-to-managed-network, recommended-network-outbound):
    anaconda.com, *.anaconda.com, *.anaconda.org, pypi.org; *.pythonhosted.org serves pip's downloads."""
    staging = stack_plans["staging"]
    rules = fqdn_rules(staging)
    assert {r["inputs"]["properties"]["destination"] for r in rules.values()} == {
        "anaconda.com",
        "*.anaconda.com",
        "*.anaconda.org",
        "pypi.org",
        "*.pythonhosted.org",
    }
    assert all(r["inputs"]["properties"]["category"] == "UserDefined" for r in rules.values())
    # the firewall the FQDN rules need is the managed network's (billed once the first FQDN rule exists)
    managed = staging.one("machinelearningservices:Workspace")["inputs"]["managedNetwork"]
    assert (managed["isolationMode"], managed["firewallSku"]) == ("AllowOnlyApprovedOutbound", "Standard")
    # in the one chain of rules: each FQDN rule waits for the rule before it
    every = {r["urn"] for r in staging.of_type("machinelearningservices:ManagedNetworkSettingsRule")}
    waiting = [r for r in rules.values() if set(r["dependencies"]) & every]
    assert len(waiting) >= len(rules) - 1  # only the chain's head waits for no other rule


def test_package_egress_can_be_turned_off_or_on(stack_plans: dict[str, Resources]) -> None:
    # staging and prod reach the package indexes by default (their conda deployments build there)
    assert len(fqdn_rules(stack_plans["prod"])) == len(PACKAGE_INDEX_FQDNS)
    assert len(fqdn_rules(stack_plans["staging"])) == len(PACKAGE_INDEX_FQDNS)
    assert fqdn_rules(Resources(plan("prod", {"network": {"managed": {"packageEgress": "none"}}}))) == {}
    assert fqdn_rules(Resources(plan("staging", {"network": {"managed": {"packageEgress": "none"}}}))) == {}


def test_internet_egress_needs_no_package_rules() -> None:
    network = {
        "privateEndpoints": False,
        "managed": {"isolationMode": "AllowInternetOutbound", "packageEgress": "public"},
    }
    assert fqdn_rules(Resources(plan("staging", {"network": network}))) == {}
