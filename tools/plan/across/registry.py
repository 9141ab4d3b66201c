"""The shared Azure ML registry across stacks: one registry, used in the right direction.

Per stack the project already checks the rest: `publish` in a prod-tier stack and a principal
with `sharedRegistry` but no registry id exit 2 (components/settings/access.py, registry.py);
STK-10 wants the private-endpoint outbound rule of an approved-only workspace and the private
endpoint of a closed registry; ML-14 reports a public registry. Only the set of stacks shows:

- **same**: every environment stack names the same registry (`sharedRegistry.id`, ARM ids compared
  case-insensitively), and a planned shared stack's registry is that one. The shared stack's own
  id comes from the mock engine, whose subscription is a placeholder (tools/plan/mocks.py): its
  resource group and name are compared, the subscription only once deployed.
- **direction** (docs/registry.md: staging publishes, prod reads): a stack that publishes
  (AzureML Registry User) has a stack of a higher tier in the run that reads the registry, and a
  prod stack that reads has a staging stack in the run that publishes to it (else prod deploys
  from a registry nothing is promoted to). A tier not planned is not compared.
- **reach**: a closed registry (the shared stack's `registryPublicNetworkAccess: Disabled`) is
  reachable only through a private endpoint, so every consuming stack has its outbound rule
  (how-to-registry-network-isolation; dev's workspace without a managed network has none).

Each stack's export `sharedRegistry` (id, principals with access and role, outbound rule) and the
shared stack's exports (`registryId`, `registryPublicNetworkAccess`) are what is compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from components.settings.registry import ML_REGISTRY_ID

from ..mocks import SUBSCRIPTION_ID
from .findings import Note, Violation
from .stacks import PROMOTED_FROM, PROMOTED_TO, PlannedStack

SAME = "registry.same"
DIRECTION = "registry.direction"
REACH = "registry.reach"


def _consumed(stack: PlannedStack) -> Mapping[str, Any] | None:
    shared = stack.outputs.get("sharedRegistry")
    return shared if isinstance(shared, Mapping) and shared.get("id") else None


def _accesses(stack: PlannedStack) -> set[str]:
    shared = _consumed(stack) or {}
    return {str(p.get("access")) for p in (shared.get("principals") or {}).values() if isinstance(p, Mapping)}


def _same(planned_id: str, named_id: str) -> bool:
    """Whether a shared stack's planned registry id is the one a consumer names (both read as the
    settings read a registry id, components/settings/registry.py)."""
    planned, named = ML_REGISTRY_ID.fullmatch(planned_id), ML_REGISTRY_ID.fullmatch(named_id)
    if not (planned and named):
        return planned_id.lower() == named_id.lower()
    subscription_known = planned["subscription"] != SUBSCRIPTION_ID
    return (
        planned["group"].lower() == named["group"].lower()
        and planned["name"].lower() == named["name"].lower()
        and (not subscription_known or planned["subscription"].lower() == named["subscription"].lower())
    )


def compare(stacks: Sequence[PlannedStack]) -> tuple[list[Violation], list[Note]]:
    consumers = [s for s in stacks if s.kind != "shared" and _consumed(s)]
    shared = [s for s in stacks if s.kind == "shared" and isinstance(s.outputs.get("registryId"), str)]
    violations: list[Violation] = []
    notes: list[Note] = []
    if not consumers:
        return [], [Note(SAME, "no environment stack of the run consumes a shared registry")]

    first = consumers[0]
    first_id = str((_consumed(first) or {})["id"])
    for other in consumers[1:]:
        other_id = str((_consumed(other) or {})["id"])
        if other_id.lower() != first_id.lower():
            violations.append(
                Violation(
                    SAME,
                    first.name,
                    other.name,
                    "sharedRegistry.id",
                    f"{first.name} uses {first_id}, {other.name} {other_id}: promotion between them "
                    "goes through one registry (set the same ml-platform:sharedRegistry.id)",
                )
            )
    for registry in shared:
        registry_id = str(registry.outputs["registryId"])
        for consumer in consumers:
            named = str((_consumed(consumer) or {})["id"])
            if not _same(registry_id, named):
                violations.append(
                    Violation(
                        SAME,
                        registry.name,
                        consumer.name,
                        "sharedRegistry.id",
                        f"{registry.name} creates {registry_id}, {consumer.name} names {named}",
                    )
                )
        if registry.outputs.get("registryPublicNetworkAccess") == "Disabled":
            for consumer in consumers:
                if not (_consumed(consumer) or {}).get("outboundRule"):
                    violations.append(
                        Violation(
                            REACH,
                            registry.name,
                            consumer.name,
                            "sharedRegistry.outboundRule",
                            f"{registry.name}'s registry is closed to the internet, and {consumer.name} has no "
                            "private-endpoint outbound rule to it (a managed network adds one): its jobs cannot "
                            "reach the registry",
                        )
                    )

    publishers = {s.name for s in consumers if "publish" in _accesses(s)}
    readers = {s.name for s in consumers if "read" in _accesses(s)}
    for publisher in (s for s in consumers if s.name in publishers):
        higher = [s.name for s in consumers if s.rank > publisher.rank]
        if higher and not readers.intersection(higher):
            violations.append(
                Violation(
                    DIRECTION,
                    publisher.name,
                    ", ".join(higher),
                    "sharedRegistry: read",
                    f"{publisher.name} publishes to the registry but no stack of a higher tier reads it "
                    f"({', '.join(higher)}): give their deploy principal sharedRegistry: read",
                )
            )
    sources = [s.name for s in consumers if s.tier == PROMOTED_FROM]
    for reader in (s for s in consumers if s.name in readers and s.tier == PROMOTED_TO):
        if sources and not publishers.intersection(sources):
            violations.append(
                Violation(
                    DIRECTION,
                    ", ".join(sources),
                    reader.name,
                    "sharedRegistry: publish",
                    f"{reader.name} deploys from the registry but no {PROMOTED_FROM} stack of the run publishes "
                    f"to it ({', '.join(sources)}): give the deploy principal there sharedRegistry: publish",
                )
            )
    return violations, notes
