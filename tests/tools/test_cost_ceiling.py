"""The cost ceiling (tools/plan/cost): golden figures of the shipped stacks recomputed here from the
price table's rows and quantities written by hand, the budget rule at both edges, a planned meter
without a price, and what one more node costs.

The expected figures read prices.json directly and multiply by the quantities each stack file and
its tier's defaults plan (named beside each figure); they do not call the ceiling's code."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import get_args

import pytest
import yaml

from components.settings.compute import InferenceSettings
from components.settings.network import ManagedNetworkSettings
from components.settings.workspace import RegistrySettings
from policies.rules.stack import CPU_VM_SIZES, GPU_VM_SIZES
from tests.planning import Resources, plan
from tools.plan.__main__ import main as plan_main
from tools.plan.cost import refresh
from tools.plan.cost.budget import budget_problems
from tools.plan.cost.ceiling import Ceiling, ceiling, compare
from tools.plan.cost.prices import TABLE, PriceTable, default_table
from tools.plan.cost.refresh import choose
from tools.plan.stackfile import stack_file

ROWS: dict[str, float] = {row["id"]: row["usd"] for row in json.loads(TABLE.read_text())["rows"]}
HOURS = 730  # the pricing calculator's month
DAYS = 730 / 24
WE = "westeurope"


def row(price_id: str) -> float:
    return ROWS[price_id]


def vm_month(size: str, nodes: int) -> float:
    return nodes * row(f"vm/{WE}/{size}") * HOURS


def of(plans: dict[str, Resources], stack: str) -> Ceiling:
    return ceiling(plans[stack].records)


# --- golden figures ------------------------------------------------------------------------


def _expected(stack: str) -> float:
    endpoints = 8 + 5  # staging/prod: 8 private endpoints of the stack + 5 private-endpoint outbound rules
    isolated = (
        endpoints * row(f"private-endpoint/{WE}") * HOURS
        + 7 * row("private-dns-zone/global")  # 7 private DNS zones, one month each
        + row(f"acr/{WE}/Premium") * DAYS  # the tier's Premium registry
        + row(f"firewall/{WE}/Standard") * HOURS  # FQDN rules to the package indexes: the managed firewall
    )
    return {
        # cpu-cluster 2 x DS3_v2 (low priority, priced as dedicated), two DS11_v2 instances, the 1 GB
        # daily log cap, a Basic registry
        "dev": vm_month("Standard_DS3_v2", 2)
        + vm_month("Standard_DS11_v2", 2)
        + 1 * row(f"log-analytics/{WE}/PerGB2018") * DAYS
        + row(f"acr/{WE}/Basic") * DAYS,
        # cpu-cluster 4 x D4ds_v5 (the staging tier's default)
        "staging": vm_month("Standard_D4ds_v5", 4) + isolated,
        # cpu-cluster 8 x D8ds_v5 and gpu-cluster 4 x NC4as_T4_v3 (the stack file); AKS system pool
        # maxCount 3 x D4ds_v5, user pool 6 x D8ds_v5 and the Standard tier (prod defaults)
        "prod": vm_month("Standard_D8ds_v5", 8)
        + vm_month("Standard_NC4as_T4_v3", 4)
        + vm_month("Standard_D4ds_v5", 3)
        + vm_month("Standard_D8ds_v5", 6)
        + row(f"aks-tier/{WE}/Standard") * HOURS
        + isolated,
        # the registry's Premium container registry in each of its two regions
        "shared": row(f"acr/{WE}/Premium") * DAYS + row("acr/northeurope/Premium") * DAYS,
    }[stack]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_golden_ceiling_of_each_environment_stack(stack_plans: dict[str, Resources], stack: str) -> None:
    found = of(stack_plans, stack)
    assert found.total == pytest.approx(_expected(stack), abs=0.01 * len(found.items))  # cents per item
    assert not found.unpriced


def test_golden_ceiling_of_the_shared_stack(shared_plans: dict[str, Resources]) -> None:
    found = of(shared_plans, "shared")
    assert found.total == pytest.approx(_expected("shared"), abs=0.02)


def test_logs_without_a_daily_cap_make_the_ceiling_unbounded(stack_plans: dict[str, Resources]) -> None:
    # dev caps logs at 1 GB a day (tier default); staging and prod have no cap
    assert of(stack_plans, "dev").bounded
    for stack in ("staging", "prod"):
        found = of(stack_plans, stack)
        assert not found.bounded
        assert [g.resource for g in found.unbounded] == ["mlp-monitoring-logs"]
        assert not any(i.price_id.startswith("log-analytics/") for i in found.items)


def test_low_priority_is_priced_as_dedicated_and_says_so(stack_plans: dict[str, Resources]) -> None:
    cluster = next(i for i in of(stack_plans, "dev").items if i.resource == "mlp-compute-cpu-cluster")
    assert cluster.price_id == f"vm/{WE}/Standard_DS3_v2"
    assert "low priority, priced as dedicated" in cluster.note


def test_the_firewall_is_counted_only_with_fqdn_rules(stack_plans: dict[str, Resources]) -> None:
    """Microsoft (how-to-managed-network, Pricing): "The firewall isn't created until you add an
    outbound FQDN rule"."""
    records = stack_plans["staging"].records
    without_fqdn = [r for r in records if r["inputs"].get("properties", {}).get("type") != "FQDN"]
    assert any(i.key.endswith("#firewall") for i in ceiling(records).items)
    assert not any(i.key.endswith("#firewall") for i in ceiling(without_fqdn).items)


def test_usage_based_resources_are_listed_not_counted(stack_plans: dict[str, Resources]) -> None:
    found = of(stack_plans, "prod")
    listed = {g.resource for g in found.usage_based}
    assert {"mlp-workspace-storage", "mlp-workspace-keyvault", "mlp-data-account-lake"} <= listed
    assert not listed & {i.resource for i in found.items if "Storage" in i.item}


# --- prices: every planned meter and every allowed size has a row ---------------------------


def test_every_meter_of_the_shipped_stacks_has_a_price(
    stack_plans: dict[str, Resources], shared_plans: dict[str, Resources]
) -> None:
    """Fails when a shipped stack plans a SKU (or a resource type) the table cannot price."""
    for plans in (stack_plans, shared_plans):
        for stack, resources in plans.items():
            assert ceiling(resources.records).unpriced == (), stack


def _regions(plans: dict[str, Resources]) -> set[str]:
    return {r["inputs"]["location"] for p in plans.values() for r in p.records if r["type"].endswith("ResourceGroup")}


def test_every_allowed_choice_has_a_price_in_every_shipped_region(stack_plans: dict[str, Resources]) -> None:
    """The policy pack's VM size allow-list (STK-03) and the SKUs the settings allow (registry,
    AKS tier, managed firewall) have a row in each region the environment stacks use."""
    table = default_table()
    regions = _regions(stack_plans)
    registry_skus = get_args(RegistrySettings.model_fields["sku"].annotation)
    aks_tiers = get_args(InferenceSettings.model_fields["tier"].annotation)
    firewall_skus = get_args(ManagedNetworkSettings.model_fields["firewall_sku"].annotation)
    wanted = [
        *(f"vm/{region}/{size}" for size in (*CPU_VM_SIZES, *GPU_VM_SIZES) for region in regions),
        *(f"acr/{region}/{sku}" for sku in registry_skus for region in regions),
        *(f"aks-tier/{region}/{tier}" for tier in aks_tiers for region in regions),
        *(f"firewall/{region}/{sku}" for sku in firewall_skus for region in regions),
    ]
    assert [price_id for price_id in wanted if table.get(price_id) is None] == []


def test_a_planned_sku_without_a_price_is_named_and_fails_a_budget(stack_plans: dict[str, Resources]) -> None:
    table = default_table()
    missing = f"vm/{WE}/Standard_D4ds_v5"
    without = PriceTable(date=table.date, rows={k: v for k, v in table.rows.items() if k != missing})
    found = ceiling(stack_plans["staging"].records, without)
    assert [(g.resource, missing in g.why) for g in found.unpriced] == [("mlp-compute-cpu-cluster", True)]
    assert budget_problems(found, 1_000_000)


def test_a_type_without_a_pricing_rule_is_not_priced_silently() -> None:
    records = [
        {"urn": "urn:x::azure-native:search:Service::s", "name": "s", "type": "azure-native:search:Service"},
    ]
    found = ceiling([{**r, "custom": True, "inputs": {"location": WE}} for r in records])
    assert [g.resource for g in found.unpriced] == ["s"]


def test_the_table_is_dated_and_every_row_has_its_query() -> None:
    document = json.loads(TABLE.read_text())
    assert document["date"]
    assert document["currency"] == "USD"
    for entry in document["rows"]:
        assert entry["usd"] >= 0, entry["id"]
        # the Free AKS tier has no meter; every other row says how the API finds it
        assert entry["query"] or entry["usd"] == 0, entry["id"]
        assert entry["unit"] in {"1 Hour", "1/Day", "1 GB", "1/Month"}, entry["id"]
        # a price is either confirmed by a named source or marked as not yet confirmed, never neither
        assert entry["verified"] in (True, False), entry["id"]
        if entry["verified"]:
            assert entry.get("source"), entry["id"]
        else:
            assert "source" not in entry, entry["id"]


# --- the budget rule ------------------------------------------------------------------------


def test_budget_equal_to_the_ceiling_passes_and_one_dollar_less_fails(stack_plans: dict[str, Resources]) -> None:
    found = of(stack_plans, "dev")
    assert budget_problems(found, found.total) == []
    problems = budget_problems(found, found.total - 1)
    assert len(problems) == 1
    assert "over the budget" in problems[0]
    assert "by $1.00" in problems[0]


def test_no_budget_never_fails(stack_plans: dict[str, Resources]) -> None:
    assert budget_problems(of(stack_plans, "prod"), None) == []


def test_an_unbounded_ceiling_fails_any_budget(stack_plans: dict[str, Resources]) -> None:
    problems = budget_problems(of(stack_plans, "staging"), 10_000_000)
    assert any("dailyQuotaGb" in p for p in problems)


def test_the_plan_exits_1_when_the_ceiling_is_over_the_budget(
    stack_plans: dict[str, Resources], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    total = of(stack_plans, "dev").total
    document = yaml.safe_load(stack_file("dev").read_text())
    document["config"]["ml-platform:budget"] = {"monthly": total - 1}
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(yaml.safe_dump(document))
    assert plan_main(["--stack", "dev", "--stack-file", str(path), "--out", str(tmp_path), "--quiet"]) == 1
    assert "ml-platform:budget.monthly" in capsys.readouterr().err
    cost = json.loads((tmp_path / "dev" / "cost.json").read_text())
    assert cost["budget"]["ok"] is False
    assert cost["total"] == total
    assert "not an estimate" in cost["statement"]
    assert "Cost ceiling" in (tmp_path / "dev" / "summary.md").read_text()


# --- the change a pull request makes ---------------------------------------------------------


@pytest.fixture(scope="module")
def dev_with_a_third_node() -> Resources:
    # dev's cpu-cluster comes from its tier (2 x DS3_v2, low priority); the list replaces the tier's
    cluster = {"name": "cpu-cluster", "vmSize": "Standard_DS3_v2", "priority": "LowPriority", "maxNodes": 3}
    return Resources(plan("dev", {"compute": {"clusters": [cluster]}}))


def test_one_more_node_adds_exactly_its_price_for_730_hours(
    stack_plans: dict[str, Resources], dev_with_a_third_node: Resources
) -> None:
    base, head = of(stack_plans, "dev"), ceiling(dev_with_a_third_node.records)
    change = compare(base, head)
    assert change.delta == pytest.approx(row(f"vm/{WE}/Standard_DS3_v2") * HOURS, abs=0.01)
    assert [(c.resource, c.delta) for c in change.items] == [
        ("mlp-compute-cpu-cluster", pytest.approx(row(f"vm/{WE}/Standard_DS3_v2") * HOURS, abs=0.01))
    ]


def test_compare_names_added_and_removed_items(stack_plans: dict[str, Resources]) -> None:
    base = of(stack_plans, "dev")
    gone = base.items[0]
    head = replace(base, items=base.items[1:])
    change = compare(base, head)
    assert [(c.key, c.base, c.head) for c in change.items] == [(gone.key, gone.monthly, 0.0)]
    assert compare(head, base).items[0].head == gone.monthly


def test_refresh_takes_the_one_linux_pay_as_you_go_price_and_refuses_an_ambiguous_query() -> None:
    """refresh.choose, offline (the tests never query the API)."""
    row_ = {"pick": {"exclude": ["Windows", "Spot", "Low Priority"]}}
    linux = {"retailPrice": 0.3, "meterName": "D4ds v5", "productName": "Virtual Machines Ddsv5 Series"}
    items = [
        linux,
        {"retailPrice": 0.5, "meterName": "D4ds v5", "productName": "Virtual Machines Ddsv5 Series Windows"},
        {"retailPrice": 0.05, "meterName": "D4ds v5 Spot", "productName": "Virtual Machines Ddsv5 Series"},
        {"retailPrice": 0.06, "meterName": "D4ds v5 Low Priority", "productName": "Virtual Machines Ddsv5 Series"},
    ]
    assert choose(row_, items) is linux
    assert choose({}, items) is None  # four prices: the query does not pin one down


def test_a_refreshed_row_names_the_api_as_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    """refresh.refreshed with the API replaced by one item: the row it confirms carries its source."""
    item = {"retailPrice": 0.5, "meterName": "Standard Gateway", "productName": "NAT Gateway", "meterId": "m"}
    monkeypatch.setattr(refresh, "fetch", lambda query: [item])
    document = {"rows": [{"id": "x", "usd": 0.1, "query": "q", "verified": False, "checked": "not found"}]}
    new, problems = refresh.refreshed(document, "2030-01-02")
    assert problems == []
    [row_] = new["rows"]
    assert (row_["usd"], row_["verified"], "checked" in row_) == (0.5, True, False)
    assert "Azure Retail Prices API, 2030-01-02" in row_["source"]
    monkeypatch.setattr(refresh, "fetch", lambda query: [])
    kept, problems = refresh.refreshed(document, "2030-01-02")
    assert kept["rows"] == document["rows"]  # no price found: left as it was
    assert len(problems) == 1
