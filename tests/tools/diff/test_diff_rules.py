"""The diff's rules on small hand-made records: what is compared, how a move shows, what the gate
flags and how an acknowledgement counts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.planning import Resources
from tools.plan.diff.compare import diff_records
from tools.plan.diff.creation_time import CREATION_TIME
from tools.plan.diff.gate import annotate, judge
from tools.plan.diff.paths import covers, flatten
from tools.plan.engine import UNKNOWN_MARKER
from tools.plan.stackfile import SECRET_PLACEHOLDER

STORAGE = "azure-native:storage:StorageAccount"
LOCK = "azure-native:authorization:ManagementLockByScope"
GRANT = "azure-native:authorization:RoleAssignment"


def record(
    name: str, type_: str = "azure-native:network:VirtualNetwork", parent: str = "p", **fields: Any
) -> dict[str, Any]:
    return {
        "urn": f"urn:pulumi:s::proj::{parent}${type_}::{name}",
        "name": name,
        "type": type_,
        "parent": None,
        "custom": True,
        "inputs": {},
        "protect": False,
        "dependencies": [],
        "replaceOnChanges": [],
        "ignoreChanges": [],
        "aliases": [],
        **fields,
    }


def one(base: list[dict[str, Any]], head: list[dict[str, Any]]) -> list[dict[str, Any]]:
    entries = diff_records(base, head)
    annotate(entries, base, head)
    return entries


def test_paths_are_dotted_and_indexed_and_patterns_cover_what_is_below() -> None:
    assert flatten({"a": {"b": [1, {"c": 2}]}, "e": {}, "t": {"k.x": "v"}}) == {
        "a.b[0]": 1,
        "a.b[1].c": 2,
        "e": {},
        't["k.x"]': "v",
    }
    assert covers("agentPoolProfiles[*].count", "agentPoolProfiles[1].count")
    assert not covers("agentPoolProfiles[*].count", "agentPoolProfiles[1].countMax")
    assert covers("properties", "properties.properties.vmSize")
    assert not covers("properties", "propertiesX")
    assert covers("*", "anything")


def test_unknown_values_and_ignored_paths_are_not_changes() -> None:
    old = record("vnet", inputs={"a": 1, "b": UNKNOWN_MARKER, "tags": {"x": "1"}})
    new = record("vnet", inputs={"a": 1, "b": "now known", "tags": {"x": "2"}}, ignoreChanges=["tags"])
    (entry,) = one([old], [new])
    assert entry["op"] == "same"
    assert entry["changed"] == []
    assert entry["unknown"] == ["b"]


def test_a_changed_secret_is_invisible_but_a_removed_one_shows() -> None:
    old = record("vnet", inputs={"password": SECRET_PLACEHOLDER, "other": SECRET_PLACEHOLDER})
    new = record("vnet", inputs={"password": SECRET_PLACEHOLDER})
    (entry,) = one([old], [new])
    assert entry["changed"] == ["other"]


def test_an_added_input_updates_and_a_creation_time_one_replaces() -> None:
    old = record("st", STORAGE, inputs={"accountName": "st1", "isHnsEnabled": False, "location": "westeurope"})
    updated = record("st", STORAGE, inputs={**old["inputs"], "minimumTlsVersion": "TLS1_2"})
    (entry,) = one([old], [updated])
    assert (entry["op"], entry["changed"], entry["reasons"]) == ("update", ["minimumTlsVersion"], [])
    for path, value in (("isHnsEnabled", True), ("location", "northeurope")):
        (entry,) = one([old], [record("st", STORAGE, inputs={**old["inputs"], path: value})])
        assert entry["op"] == "replace"
        assert [(r["kind"], r["path"]) for r in entry["reasons"]] == [("creationTime", path)]


VAULT = "azure-native:keyvault:Vault"
ACR = "azure-native:containerregistry:Registry"
AKS = "azure-native:containerservice:ManagedCluster"
WORKSPACE = "azure-native:machinelearningservices:Workspace"


@pytest.mark.parametrize(
    ("type_", "before", "after", "op"),
    [
        # fixed at creation
        (
            VAULT,
            {"properties": {"softDeleteRetentionInDays": 90}},
            {"properties": {"softDeleteRetentionInDays": 30}},
            "replace",
        ),
        (ACR, {"zoneRedundancy": "Disabled"}, {"zoneRedundancy": "Enabled"}, "replace"),
        (
            AKS,
            {"agentPoolProfiles": [{"availabilityZones": ["1"]}]},
            {"agentPoolProfiles": [{"availabilityZones": ["1", "2"]}]},
            "replace",
        ),
        # one-way: purge protection only turns on
        (VAULT, {"properties": {"enablePurgeProtection": True}}, {"properties": {}}, "replace"),
        (VAULT, {"properties": {}}, {"properties": {"enablePurgeProtection": True}}, "update"),
        # storage SKUs: LRS <-> GRS in place; to or from ZRS/Premium not
        (STORAGE, {"sku": {"name": "Standard_LRS"}}, {"sku": {"name": "Standard_GRS"}}, "update"),
        (STORAGE, {"sku": {"name": "Standard_LRS"}}, {"sku": {"name": "Standard_ZRS"}}, "replace"),
        (STORAGE, {"sku": {"name": "Premium_LRS"}}, {"sku": {"name": "Standard_LRS"}}, "replace"),
        # the managed network only moves to a stricter mode
        (
            WORKSPACE,
            {"managedNetwork": {"isolationMode": "AllowInternetOutbound"}},
            {"managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"}},
            "update",
        ),
        (
            WORKSPACE,
            {"managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"}},
            {"managedNetwork": {"isolationMode": "AllowInternetOutbound"}},
            "replace",
        ),
        (
            WORKSPACE,
            {"managedNetwork": {"isolationMode": "AllowInternetOutbound"}},
            {"managedNetwork": {"isolationMode": "Disabled"}},
            "replace",
        ),
    ],
)
def test_what_azure_refuses_in_place_replaces_and_what_it_allows_updates(
    type_: str, before: dict[str, Any], after: dict[str, Any], op: str
) -> None:
    (entry,) = one([record("r", type_, inputs=before)], [record("r", type_, inputs=after)])
    assert entry["op"] == op, entry
    assert [r["kind"] for r in entry["reasons"]] == (["creationTime"] if op == "replace" else [])


def test_every_creation_time_row_names_a_microsoft_source() -> None:
    assert CREATION_TIME
    for row in CREATION_TIME:
        assert row.source.startswith(("https://learn.microsoft.com/", "Azure/azure-rest-api-specs specification/")), row
        locator, _, says = row.source.partition(": ")
        assert locator, row
        assert says, f"{row.path}: name the page or spec file, then what it says"


def test_every_creation_time_row_names_an_input_a_shipped_stack_sets(stack_plans: dict[str, Resources]) -> None:
    """A row whose path no planned resource has (a typo, a renamed input) would never fire."""
    for row in CREATION_TIME:
        records = [r for plan in stack_plans.values() for r in plan.records if row.type in ("*", r["type"])]
        assert any(covers(row.path, path) for r in records for path in flatten(r["inputs"])), row


def test_an_alias_keeps_a_moved_resource_and_a_move_without_one_is_delete_and_create() -> None:
    old = record("st", STORAGE, parent="a", inputs={"accountName": "st1"})
    aliased = record("st", STORAGE, parent="b", inputs={"accountName": "st1"}, aliases=[old["urn"]])
    (entry,) = one([old], [aliased])
    assert (entry["op"], entry["aliasOf"], entry["flags"]) == ("same", old["urn"], [])

    moved = record("st", STORAGE, parent="b", inputs={"accountName": "st1"})
    created, deleted = one([old], [moved])
    assert (created["op"], deleted["op"]) == ("create", "delete")
    assert created["reasons"][0]["kind"] == deleted["reasons"][0]["kind"] == "urn"
    assert created["reasons"][0]["path"] == "parent"
    assert [f["kind"] for f in deleted["flags"]] == ["stateful-delete"]


def test_protect_removed_lock_removed_and_protected_delete_are_destructive() -> None:
    protected = record("st", STORAGE, inputs={"accountName": "st1"}, protect=True)
    (entry,) = one([protected], [{**protected, "protect": False}])
    assert [(f["kind"], f["level"]) for f in entry["flags"]] == [("protect-removed", "destructive")]

    lock = record("lock", LOCK, protect=True)
    (entry,) = one([lock], [])
    assert {f["kind"] for f in entry["flags"]} == {"lock-removed", "protected-delete"}


def test_grant_removed_and_public_access_opened_are_warnings() -> None:
    grant = record("grant", GRANT)
    (entry,) = one([grant], [])
    assert [(f["kind"], f["level"]) for f in entry["flags"]] == [("grant-removed", "warning")]

    closed = {
        "publicNetworkAccess": "Disabled",
        "networkRuleSet": {"defaultAction": "Deny"},
        "allowBlobPublicAccess": False,
    }
    old = record("st", STORAGE, inputs=closed)
    new = record("st", STORAGE, inputs={"publicNetworkAccess": "Enabled", "networkRuleSet": {"defaultAction": "Deny"}})
    (entry,) = one([old], [new])
    details = sorted(f["detail"].split(":")[0] for f in entry["flags"])
    assert details == ["allowBlobPublicAccess", "publicNetworkAccess"]  # removed counts: Azure's default is open
    assert {f["level"] for f in entry["flags"]} == {"warning"}
    (entry,) = one([old], [old])
    assert entry["flags"] == []


def test_each_destructive_change_needs_its_own_acknowledgement() -> None:
    entries = one([record("a", STORAGE), record("b", STORAGE), record("grant", GRANT)], [])
    verdict = judge(entries, ["a"], label=False)
    assert [e["name"] for e in verdict.blocking] == ["b"]
    assert verdict.failed
    assert judge(entries, ["a", "b"], label=False).failed is False
    assert judge(entries, [], label=True).failed is False
    stale = judge(entries, ["a", "b", "grant"], label=False)  # a warning is not acknowledged: no name of it
    assert stale.stale == ["grant"]
    assert stale.failed
