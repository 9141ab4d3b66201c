"""The compute page's table of defaults per tier, rendered from the compute section's tier defaults
(components/settings/compute.py), so a changed cap or size shows up in docs/compute.md by `make docs`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from components.settings.compute import TIER_DEFAULTS

TIERS = ("dev", "staging", "prod")


def _flag(value: Any) -> str:
    return str(value).lower()


def _cluster(tier: dict[str, Any]) -> str:
    return "; ".join(
        f"`{c['name']}`: {c['vmSize']}, {c['priority']}, {c['minNodes']}-{c['maxNodes']} nodes"
        for c in tier["clusters"]
    )


def _pool(pool: dict[str, Any]) -> str:
    return f"{pool['vmSize'].removeprefix('Standard_')} {pool['minCount']}-{pool['maxCount']}"


def _inference(*keys: str, show: Callable[[Any], str] = _flag) -> Callable[[dict[str, Any]], str]:
    return lambda tier: ", ".join(show(tier["inference"][key]) for key in keys)


ROWS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("`clusters`", _cluster),
    ("`maxNodesPerCluster`", lambda t: str(t["maxNodesPerCluster"])),
    ("`maxTotalNodes` (clusters + inference pools)", lambda t: str(t["maxTotalNodes"])),
    ("`allowInstances`", lambda t: _flag(t["allowInstances"])),
    ("`inference.enabled`", _inference("enabled")),
    (
        "`inference.tier`, `privateCluster`, `disableRunCommand`",
        lambda t: ", ".join(
            [
                t["inference"]["tier"],
                _flag(t["inference"]["privateCluster"]),
                _flag(t["inference"]["disableRunCommand"]),
            ]
        ),
    ),
    (
        "`inference.systemPool` / `userPool`",
        lambda t: f"{_pool(t['inference']['systemPool'])} / {_pool(t['inference']['userPool'])}",
    ),
    (
        "`inference.availabilityZones`, `defender`",
        lambda t: f"{' '.join(t['inference']['availabilityZones']) or 'none'}, {_flag(t['inference']['defender'])}",
    ),
    (
        "`inference.internalLoadBalancer`, `inferenceRouterHa`, `allowInsecureConnections`",
        _inference("internalLoadBalancer", "inferenceRouterHa", "allowInsecureConnections"),
    ),
]


def compute_tiers() -> str:
    lines = ["| `ml-platform:compute.`... | " + " | ".join(TIERS) + " |", "|---|---|---|---|"]
    lines += [f"| {label} | " + " | ".join(cell(TIER_DEFAULTS[t]) for t in TIERS) + " |" for label, cell in ROWS]
    return "\n".join(lines)
