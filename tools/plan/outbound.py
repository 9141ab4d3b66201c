"""A workspace's user-defined outbound rules as a plan records them, read in one place for the
journeys, the rules across environments and the cost ceiling.

A rule is either its own resource, `ManagedNetworkSettingsRule` (`ruleName`, `properties`,
`workspaceName`: what the program writes, components/network/outbound_rules.py), or inline on the
workspace, `managedNetwork.outboundRules` (rule name -> rule). Both are the managed network's
outbound rules to Azure ML (workspaceRP.json, ManagedNetworkSettings.outboundRules and the
outboundRules child resource; Microsoft Learn, how-to-managed-network); a hand-written or older
plan may hold the inline form. Not read: the V2 managed network's own child
(`OutboundRule`, managedNetworks/default/outboundRules, ManagedNetworkKind V2), which the program
does not use (components/network/outbound_rules.py writes V1 rules).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from policies.rules.lib.catalog import ML_OUTBOUND_RULE, ML_WORKSPACE

Record = Mapping[str, Any]


@dataclass(frozen=True)
class OutboundRule:
    name: str
    properties: Mapping[str, Any]  # type, destination, category...
    workspace: str | None  # the workspace's name (`workspaceName`)
    record: Record  # the record that carries it: the rule resource, or the workspace for an inline rule
    inline: bool


def _inputs(record: Record) -> Mapping[str, Any]:
    inputs = record.get("inputs")
    return inputs if isinstance(inputs, Mapping) else {}


def outbound_rules(records: Iterable[Record]) -> list[OutboundRule]:
    """Every rule resource in the plan's order, then each workspace's inline rules in its order.
    A rule resource without properties counts (with none); an inline entry that is not a mapping
    does not (it is no rule)."""
    records = list(records)
    found = [
        OutboundRule(
            str(_inputs(r).get("ruleName") or r.get("name")),
            properties if isinstance(properties := _inputs(r).get("properties"), Mapping) else {},
            _inputs(r).get("workspaceName"),
            r,
            inline=False,
        )
        for r in records
        if r.get("type") == ML_OUTBOUND_RULE
    ]
    for workspace in (r for r in records if r.get("type") == ML_WORKSPACE):
        network = _inputs(workspace).get("managedNetwork")
        inline = network.get("outboundRules") if isinstance(network, Mapping) else None
        if isinstance(inline, Mapping):
            name = _inputs(workspace).get("workspaceName")
            found += [
                OutboundRule(str(key), rule, name, workspace, inline=True)
                for key, rule in inline.items()
                if isinstance(rule, Mapping)
            ]
    return found
