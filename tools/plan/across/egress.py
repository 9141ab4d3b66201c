"""Egress promoted jobs need: every outbound rule of a staging stack's managed network has a rule
to the same destination in each prod stack (jobs promoted from staging must not lose egress).

Rules are compared by destination, never by name (a renamed rule still opens the same egress):

- FQDN: the host name (case-insensitive; a `*.` wildcard is its own destination);
- ServiceTag: the tag, with prod's protocol and ports covering staging's (`*` covers all);
- PrivateEndpoint: the sub-resource (`blob`, `amlregistry`...) and the target resource, the same
  either by ARM id (the shared registry, a shared account) or by what it is in each stack: a
  resource the stack creates (its Pulumi name, the same in every stack: `mlp-data-account-lake`)
  or an existing resource its settings name (`data account 'shared'`, a per-environment account
  that a promoted job reaches under the same datastore); with Spark in staging, Spark in prod.

Both the inline rules (`managedNetwork.outboundRules`) and the `ManagedNetworkSettingsRule`
resources count. With AllowInternetOutbound in prod, FQDN and ServiceTag destinations are
reachable without a rule (Microsoft, how-to-managed-network: "Allow internet outbound" allows all
internet egress; FQDN rules exist only with allow only approved outbound); the strictness checks
report that mode as weaker than staging's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policies.rules.lib.catalog import ML_WORKSPACE

from ..outbound import outbound_rules
from .findings import Note, Violation
from .stacks import PROMOTED_FROM, PROMOTED_TO, PlannedStack

EGRESS = "egress"


@dataclass(frozen=True)
class Destination:
    kind: str  # FQDN, ServiceTag, PrivateEndpoint
    shown: str  # how a violation names it
    keys: frozenset[str]  # same destination when one key is shared (PrivateEndpoint: id or role)
    ports: frozenset[tuple[int, int]] | None = None  # ServiceTag ranges; None: every port
    protocol: str = "*"
    spark: bool = False
    rule: str = ""


def _ports(text: Any) -> frozenset[tuple[int, int]] | None:
    if text is None or str(text).strip() == "*":
        return None
    ranges = set()
    for part in str(text).split(","):
        low, _, high = part.strip().partition("-")
        if low.strip().isdigit():
            ranges.add((int(low), int(high or low)))
    return frozenset(ranges)


def _covers(wide: frozenset[tuple[int, int]] | None, narrow: frozenset[tuple[int, int]] | None) -> bool:
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(any(lo <= n_lo and n_hi <= hi for lo, hi in wide) for n_lo, n_hi in narrow)


def _roles(stack: PlannedStack) -> dict[str, str]:
    """ARM id (lower case) -> what it is in this stack, for the resources it creates or names."""
    roles = {
        str((r.get("outputs") or {}).get("id")).lower(): f"{str(r['type']).rsplit(':', 1)[-1]} {r['name']}"
        for r in stack.resources
        if r.get("custom") and isinstance((r.get("outputs") or {}).get("id"), str)
    }
    roles.update({arm_id.lower(): role for role, arm_id in stack.existing.items()})
    return roles


def _destination(name: str, rule: Mapping[str, Any], roles: Mapping[str, str]) -> Destination | None:
    kind = rule.get("type")
    target = rule.get("destination")
    if kind == "FQDN" and isinstance(target, str):
        return Destination("FQDN", target.lower(), frozenset({target.lower()}), rule=name)
    if not isinstance(target, Mapping):
        return None
    if kind == "ServiceTag":
        tag = str(target.get("serviceTag"))
        protocol = str(target.get("protocol") or "*")
        return Destination(
            "ServiceTag",
            f"service tag {tag}",
            frozenset({tag.lower()}),
            _ports(target.get("portRanges")),
            protocol,
            rule=name,
        )
    if kind == "PrivateEndpoint":
        arm_id = str(target.get("serviceResourceId"))
        sub = str(target.get("subresourceTarget"))
        role = roles.get(arm_id.lower())
        keys = {f"{sub}|{arm_id.lower()}"} | ({f"{sub}|{role}"} if role else set())
        shown = f"{role or arm_id} ({sub})"
        return Destination(
            "PrivateEndpoint", shown, frozenset(keys), spark=target.get("sparkEnabled") is True, rule=name
        )
    return None


def outbound(stack: PlannedStack) -> list[Destination]:
    """Every user-defined outbound rule of the stack's workspaces, as destinations."""
    roles = _roles(stack)
    return [
        destination
        for rule in outbound_rules(stack.resources)
        if (destination := _destination(rule.name, rule.properties, roles))
    ]


def _isolation(stack: PlannedStack) -> set[str]:
    return {
        str((r.get("inputs") or {}).get("managedNetwork", {}).get("isolationMode") or "Disabled")
        for r in stack.resources
        if str(r["type"]) == ML_WORKSPACE
    }


def _reached(need: Destination, have: Sequence[Destination], internet: bool) -> bool:
    if need.kind in ("FQDN", "ServiceTag") and internet:
        return True
    for rule in have:
        if rule.kind != need.kind or not (rule.keys & need.keys):
            continue
        if need.kind == "ServiceTag" and not (
            rule.protocol in ("*", need.protocol) and _covers(rule.ports, need.ports)
        ):
            continue
        if need.spark and not rule.spark:
            continue
        return True
    return False


def compare(stacks: Sequence[PlannedStack]) -> tuple[list[Violation], list[Note]]:
    sources = [s for s in stacks if s.kind != "shared" and s.tier == PROMOTED_FROM]
    targets = [s for s in stacks if s.kind != "shared" and s.tier == PROMOTED_TO]
    if not (sources and targets):
        return [], [Note(EGRESS, f"not compared: it needs a {PROMOTED_FROM} and a {PROMOTED_TO} stack in the run")]
    violations = [v for source in sources for target in targets for v in _missing(source, target)]
    return violations, []


def _missing(source: PlannedStack, target: PlannedStack) -> Iterator[Violation]:
    have = outbound(target)
    internet = _isolation(target) == {"AllowInternetOutbound"}
    for need in outbound(source):
        if not _reached(need, have, internet):
            extra = " with Spark" if need.spark else ""
            yield Violation(
                EGRESS,
                source.name,
                target.name,
                f"{need.kind} {need.shown}",
                f"{source.name}'s outbound rule {need.rule} reaches {need.shown}{extra}; no rule of {target.name} "
                "does: jobs promoted from it would lose that egress (add the rule to "
                f"{target.name}'s network.managed.outboundRules)",
            )
