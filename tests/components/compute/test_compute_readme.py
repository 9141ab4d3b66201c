"""The compute page (docs/compute.md) states what the code does: tier defaults, replacement paths, files."""

from __future__ import annotations

import re

import pytest

from components.compute.ml_compute import (
    AML_COMPUTE_REPLACE_ON,
    ATTACHED_REPLACE_ON,
    COMPUTE_INSTANCE_REPLACE_ON,
    KUBERNETES_REPLACE_ON,
)
from components.settings import validate_settings
from components.settings.compute import TIER_DEFAULTS
from tests.planning import stack_values
from tools.plan.stackfile import ROOT

SECTION = (ROOT / "docs" / "compute.md").read_text()
FLAT = " ".join(SECTION.split())  # prose wraps lines
TIERS = ("dev", "staging", "prod")


def row(first_cell: str) -> list[str]:
    line = next(line for line in SECTION.splitlines() if line.startswith(f"| {first_cell} |"))
    return [cell.strip() for cell in line.strip("|").split("|")][1:]


def test_tier_table_matches_the_tier_defaults() -> None:
    assert row("`maxNodesPerCluster`") == [str(TIER_DEFAULTS[t]["maxNodesPerCluster"]) for t in TIERS]
    assert row("`maxTotalNodes` (clusters + inference pools)") == [
        str(TIER_DEFAULTS[t]["maxTotalNodes"]) for t in TIERS
    ]
    assert row("`allowInstances`") == [str(TIER_DEFAULTS[t]["allowInstances"]).lower() for t in TIERS]
    assert row("`inference.enabled`") == [str(TIER_DEFAULTS[t]["inference"]["enabled"]).lower() for t in TIERS]
    for tier, cell in zip(TIERS, row("`clusters`"), strict=True):
        (c,) = TIER_DEFAULTS[tier]["clusters"]
        assert cell == f"`{c['name']}`: {c['vmSize']}, {c['priority']}, {c['minNodes']}-{c['maxNodes']} nodes"
    keys = ("internalLoadBalancer", "inferenceRouterHa", "allowInsecureConnections")
    for tier, cell in zip(
        TIERS, row("`inference.internalLoadBalancer`, `inferenceRouterHa`, `allowInsecureConnections`"), strict=True
    ):
        inference = TIER_DEFAULTS[tier]["inference"]
        assert cell == ", ".join(str(inference[k]).lower() for k in keys)


@pytest.mark.parametrize(
    ("first_cell", "paths"),
    [
        ("cluster", AML_COMPUTE_REPLACE_ON),
        ("instance", COMPUTE_INSTANCE_REPLACE_ON),
        ("Kubernetes", KUBERNETES_REPLACE_ON),
        ("attached", ATTACHED_REPLACE_ON),
    ],
)
def test_replacement_table_lists_every_replace_on_changes_path(first_cell: str, paths: tuple[str, ...]) -> None:
    (cell,) = row(first_cell)
    listed = re.findall(r"`([\w.]+)`", cell)
    # ".vmPriority" abbreviates "properties.properties.vmPriority"
    expanded = {p if not p.startswith(".") else "properties.properties" + p for p in listed}
    assert expanded == set(paths)


def test_the_dev_instances_and_prod_gpu_cluster_named_are_in_the_stack_files() -> None:
    dev = validate_settings(stack_values("dev"), "dev").compute
    prod = validate_settings(stack_values("prod"), "prod").compute
    for instance in dev.instances:
        assert f"`{instance.name}`" in FLAT
    gpu = next(c for c in prod.clusters if c.name == "gpu-cluster")
    assert f"`gpu-cluster` ({gpu.vm_size}, {gpu.priority}, {gpu.min_nodes}-{gpu.max_nodes}" in FLAT


def test_every_example_file_the_section_names_exists() -> None:
    named = set(re.findall(r"examples/[\w/.-]+\.(?:yml|json)", SECTION))
    assert named
    assert all((ROOT / path).is_file() for path in named), named
