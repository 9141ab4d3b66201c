"""Values Azure refuses are refused offline, and values Azure takes are taken: each bound at both
edges, with Microsoft's source beside it (the same source is named in the settings module)."""

from __future__ import annotations

from typing import Any

import pytest

from components.settings import SettingsError, StackSettings, validate_settings
from components.settings.tiers import deep_merge
from tests.planning import rejected_keys, stack_values

ALICE = "a11ce000-0000-4000-8000-000000000001"
INSTANCE = {"name": "ci-alice", "vmSize": "Standard_DS11_v2", "assignedUserObjectId": ALICE}
NIL_GUID = "00000000-0000-0000-0000-000000000000"


def accepted(overrides: dict[str, Any], stack: str = "dev") -> StackSettings:
    return validate_settings(deep_merge(stack_values(stack), overrides), stack)


def instance(**fields: Any) -> dict[str, Any]:
    return {"compute": {"instances": [{**INSTANCE, **fields}]}}


def service_tag(ports: str) -> dict[str, Any]:
    rule = {"type": "ServiceTag", "serviceTag": "AzureMonitor", "portRanges": ports}
    return {"network": {"managed": {"outboundRules": {"monitor": rule}}}}


# --- bounds, both edges --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("idle", "ok"),
    # REST API IdleShutdownSetting.idleTimeBeforeShutdown: "Minimum is 15 min, maximum is 3 days."
    [("PT15M", True), ("PT14M59S", False), ("PT900S", True), ("P3D", True), ("PT72H", True), ("P3DT1S", False)],
)
def test_instance_idle_shutdown_is_15_minutes_to_3_days(idle: str, ok: bool) -> None:
    overrides = instance(idleTimeBeforeShutdown=idle)
    if ok:
        assert accepted(overrides).compute.instances[0].idle_time_before_shutdown == idle
    else:
        assert rejected_keys(overrides) == ["ml-platform:compute.instances[0].idleTimeBeforeShutdown"]


@pytest.mark.parametrize(
    ("days", "ok"),
    # Key Vault REST API softDeleteRetentionInDays: "It accepts >=7 and <=90."
    [(7, True), (6, False), (90, True), (91, False)],
)
def test_key_vault_soft_delete_retention_is_7_to_90_days(days: int, ok: bool) -> None:
    overrides = {"keyVault": {"softDeleteRetentionDays": days}}
    if ok:
        assert accepted(overrides).key_vault.soft_delete_retention_days == days
    else:
        assert rejected_keys(overrides) == ["ml-platform:keyVault.softDeleteRetentionDays"]


@pytest.mark.parametrize(
    ("days", "ok"),
    # Azure Monitor data-retention-configure / cost-logs: workspace retention 30 to 730 days
    [(30, True), (29, False), (730, True), (731, False)],
)
def test_log_analytics_retention_is_30_to_730_days(days: int, ok: bool) -> None:
    overrides = {"monitoring": {"logRetentionDays": days}}
    if ok:
        assert accepted(overrides).monitoring.log_retention_days == days
    else:
        assert rejected_keys(overrides) == ["ml-platform:monitoring.logRetentionDays"]


@pytest.mark.parametrize(
    ("name", "ok"),
    # Microsoft.MachineLearningServices naming rules: computes at most 16; the REST API's
    # computeName pattern: a letter and then 2-23 more, so at least 3
    [("aks", True), ("ak", False), ("a" * 16, True), ("a" * 17, False), ("aks-1", False), ("1ks", False)],
)
def test_kubernetes_compute_names_are_3_to_16_characters(name: str, ok: bool) -> None:
    overrides = {"compute": {"inference": {"computeName": name}}}
    if ok:
        assert accepted(overrides, "prod").compute.inference.compute_name == name
    else:
        assert rejected_keys(overrides, "prod") == ["ml-platform:compute.inference.computeName"]


@pytest.mark.parametrize(("low", "high", "ok"), [(3, 3, True), (1, 1, True), (4, 3, False)])
def test_node_pools_may_have_min_count_equal_to_max_count(low: int, high: int, ok: bool) -> None:
    """AKS autoscaling takes minCount <= maxCount (a fixed-size pool when equal)."""
    overrides = {"compute": {"inference": {"userPool": {"minCount": low, "maxCount": high}}}}
    if ok:
        pool = accepted(overrides, "prod").compute.inference.user_pool
        assert (pool.min_count, pool.max_count) == (low, high)
    else:
        assert rejected_keys(overrides, "prod") == ["ml-platform:compute.inference.userPool.maxCount"]


@pytest.mark.parametrize(
    ("ports", "ok"),
    # azure-ai-ml ServiceTagDestination: "a comma-separated list of single ports and/or range of
    # ports, such as "80,1024-65535"" (its example: "80, 8080-8089")
    [
        ("443", True),
        ("80, 8080-8089", True),
        ("1-65535", True),
        ("*", True),
        ("65536", False),
        ("0", False),
        ("443-80", False),
        ("80,,443", False),
        ("١٤٤٣", False),
    ],
)
def test_service_tag_ports_are_1_to_65535(ports: str, ok: bool) -> None:
    overrides = service_tag(ports)
    if ok:
        assert accepted(overrides, "prod").network.managed.outbound_rules["monitor"].port_ranges == ports
    else:
        assert rejected_keys(overrides, "prod") == ["ml-platform:network.managed.outboundRules.monitor.portRanges"]


# --- values Azure refuses -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranges", "ok"),
    [
        (["203.0.113.0/24"], True),
        (["203.0.113.7"], True),
        (["255.255.255.255/32"], True),
        (["256.0.113.0/24"], False),  # octet over 255
        (["203.0.113.0/33"], False),  # prefix over /32
        (["203.0.113.999"], False),
        (["٢٠٣.0.113.0/24"], False),  # Unicode digits
    ],
)
def test_aks_authorized_ranges_are_ipv4_addresses_or_cidrs(ranges: list[str], ok: bool) -> None:
    # a public API server (private clusters take no ranges: below)
    overrides = {"compute": {"inference": {"privateCluster": False, "authorizedIpRanges": ranges}}}
    if ok:
        assert accepted(overrides, "prod").compute.inference.authorized_ip_ranges == ranges
    else:
        assert rejected_keys(overrides, "prod") == ["ml-platform:compute.inference.authorizedIpRanges[0]"]


def test_a_private_aks_cluster_takes_no_authorized_ranges() -> None:
    """Microsoft (api-server-authorized-ip-ranges): "You can't use this feature with private clusters.\""""
    ranges = {"authorizedIpRanges": ["203.0.113.0/24"]}
    assert rejected_keys({"compute": {"inference": {"privateCluster": True, **ranges}}}, "prod") == [
        "ml-platform:compute.inference.authorizedIpRanges"
    ]
    assert accepted({"compute": {"inference": {"privateCluster": True}}}, "prod").compute.inference.private_cluster


@pytest.mark.parametrize(
    ("where", "overrides"),
    [
        ("compute.instances[0].assignedUserObjectId", instance(assignedUserObjectId=NIL_GUID)),
        (
            "compute.inference.adminGroupObjectIds[0]",
            {"compute": {"inference": {"adminGroupObjectIds": [NIL_GUID]}}},
        ),
        (
            "access.principals.team.objectId",
            {"access": {"principals": {"team": {"objectId": NIL_GUID, "type": "Group", "roles": ["Reader"]}}}},
        ),
    ],
)
def test_the_all_zero_guid_is_no_object_id_anywhere(where: str, overrides: dict[str, Any]) -> None:
    stack = "prod" if "inference" in where else "dev"
    assert rejected_keys(overrides, stack) == [f"ml-platform:{where}"]


def test_a_real_object_id_with_zeros_in_it_is_one() -> None:
    assert accepted(instance(assignedUserObjectId="10000000-0000-0000-0000-000000000000")).compute.instances


@pytest.mark.parametrize(
    ("where", "overrides"),
    [
        ("compute.instances[0].idleTimeBeforeShutdown", instance(idleTimeBeforeShutdown="PT١٥M")),
        (
            "compute.clusters[0].idleTimeBeforeScaleDown",
            {
                "compute": {
                    "clusters": [
                        {
                            "name": "cpu-cluster",
                            "vmSize": "Standard_DS3_v2",
                            "priority": "LowPriority",
                            "maxNodes": 2,
                            "idleTimeBeforeScaleDown": "PT١٢٠S",
                        }
                    ]
                }
            },
        ),
        ("encryption.rotateAfter", {"encryption": {"rotateAfter": "P٣٦٥D"}}),
        ("encryption.rotateAfter", {"encryption": {"rotateAfter": "P365D\n"}}),
    ],
)
def test_durations_take_ascii_digits_only(where: str, overrides: dict[str, Any]) -> None:
    stack = "prod" if where.startswith("encryption") else "dev"
    assert rejected_keys(overrides, stack) == [f"ml-platform:{where}"]


def test_every_problem_of_one_check_is_listed() -> None:
    """Two clusters over a lowered cap name both; one message carries them all."""
    clusters = [
        {"name": "cpu-cluster", "vmSize": "Standard_DS3_v2", "priority": "LowPriority", "maxNodes": 3},
        {"name": "big", "vmSize": "Standard_DS3_v2", "priority": "LowPriority", "maxNodes": 3},
    ]
    with pytest.raises(SettingsError) as caught:
        accepted({"compute": {"clusters": clusters, "maxNodesPerCluster": 2}})
    assert caught.value.keys == ["ml-platform:compute.clusters[0].maxNodes", "ml-platform:compute.clusters[1].maxNodes"]
    assert str(caught.value).startswith("stack 'dev' has 2 configuration problem(s):")
