"""Strictness across tiers: a stack is at least as strict as every stack of the tier below it.

What "strict" means comes from the policy pack, not from a list of its own:

1. **Levels.** Each rule's enforcement level in the stricter stack's policy config is not lower
   (disabled < advisory < mandatory) than in the less strict stack's. Where the rule itself
   declares a lower level for the higher tier (`Levels(..., why=...)`: ML-10's caps are advisory
   in prod, on purpose), that declaration is the exception and the rule is not compared for the pair.
2. **Outcomes.** A rule that judged resources of a type in the less strict stack without a
   violation has none on a resource of that type in the stricter stack (each judged with its own
   policy config). A type the less strict stack does not have (prod's inference AKS cluster) was
   never judged there: the per-stack pack alone judges it. Findings about the whole stack compare
   always. Notes (a value unknown at plan time) are not violations. One explicit exception,
   DATA_DEPENDENT: a rule that asks more of a stack because of the data it holds (ML-05, by the
   data-classification tag) is not a measure of strictness: dev's internal data passes ML-05
   with hbiWorkspace off, staging's confidential data does not; the per-stack pack reports it.
3. **Properties** the rules read (PROPERTIES, each row naming its rules): the weakest value of
   each property among a stack's resources is not weaker than the less strict stack's weakest.
   This catches what a rule's threshold lets through (a key vault retention of 7 days passes KV-02
   in prod while staging keeps 30) and what no rule checks (locks). Resources are compared by
   their weakest value, not by name: stacks hold different resources (dev's scratch account).

Rule parameters (caps, allowed modes, retention minimums) are not compared: their direction is
the parameter's own (a larger node cap is looser, a larger retention minimum stricter); the
properties they bound are compared in 3.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policies.rules import ALL_RULES
from policies.rules.lib.catalog import (
    APP_INSIGHTS,
    BLOB_SERVICE,
    KEY_VAULT,
    LOCK_AT_RG,
    LOCK_BY_SCOPE,
    LOG_ANALYTICS,
    ML_COMPUTE,
    ML_WORKSPACE,
    REGISTRY,
    STORAGE_ACCOUNT,
)
from policies.rules.stack import PROTECTED_TYPES

from ..engine import UNKNOWN_MARKER
from .findings import Note, Violation
from .stacks import LEVEL_RANK, PlannedStack

LEVELS = "strictness.level"
OUTCOMES = "strictness.rule"
PROPERTY = "strictness.property"


# Rules whose verdict follows the data a stack holds, not how strict it is: rule id -> why.
DATA_DEPENDENT = {
    "ML-05": "it judges by the data-classification tag: a stack holding more sensitive data is asked for more",
}


def _declared_rank(level: Any) -> int:
    value = str(getattr(level, "value", level))
    return LEVEL_RANK[value] if value in LEVEL_RANK else LEVEL_RANK["mandatory"]  # remediate blocks too


DECLARED = {rule.name: rule for rule in ALL_RULES}


def declared_looser(policy: str, less: PlannedStack, more: PlannedStack) -> bool:
    """Whether the rule itself declares a lower level for `more`'s tier than for `less`'s."""
    levels = DECLARED[policy].levels
    return _declared_rank(levels.of(more.tier)) < _declared_rank(levels.of(less.tier))


def compare_levels(less: PlannedStack, more: PlannedStack) -> Iterator[Violation]:
    for policy, level in less.levels.items():
        higher = more.levels.get(policy, "disabled")
        if LEVEL_RANK[higher] < LEVEL_RANK[level] and not declared_looser(policy, less, more):
            yield Violation(
                LEVELS,
                less.name,
                more.name,
                policy,
                f"{level} in {less.name} ({less.tier}) but {higher} in {more.name} ({more.tier}): "
                f"raise it in {more.name}'s policy config",
            )


def _failures(stack: PlannedStack) -> dict[str, list[tuple[str | None, str | None, str]]]:
    """Policy name -> its violations in the stack: (resource type, resource name, message)."""
    found: dict[str, list[tuple[str | None, str | None, str]]] = {}
    for v in stack.verdicts:
        if v.kind == "violation":
            found.setdefault(v.policy, []).append((v.resource_type, v.resource_name, v.message))
    return found


def compare_outcomes(less: PlannedStack, more: PlannedStack) -> Iterator[Violation]:
    failed_less = _failures(less)
    types_less = {str(r["type"]) for r in less.resources}
    for policy, failures in _failures(more).items():
        if policy in failed_less or less.levels.get(policy, "disabled") == "disabled":
            continue  # it fails there too, or never ran there
        if declared_looser(policy, less, more) or DECLARED[policy].rule_id in DATA_DEPENDENT:
            continue
        for resource_type, resource_name, message in failures:
            if resource_type is not None and resource_type not in types_less:
                continue  # never judged in the less strict stack
            where = f"{resource_name} ({resource_type})" if resource_name else "the stack"
            yield Violation(
                OUTCOMES,
                less.name,
                more.name,
                policy,
                f"passes in {less.name} but fails in {more.name} on {where}: {message}",
            )


# --- properties the rules read ------------------------------------------------------------

Read = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Property:
    """A property the rules read, its ranking (higher: stricter) and the rules that read it."""

    name: str
    types: tuple[str, ...]
    read: Callable[[Mapping[str, Any]], Any]  # a plan record -> the value (Azure's default when absent)
    rank: Callable[[Any], float]
    rules: str


def _get(record: Mapping[str, Any], *path: str) -> Any:
    value: Any = record.get("inputs") or {}
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _ordered(*values: str) -> Callable[[Any], float]:
    return lambda value: float(values.index(value)) if value in values else 0.0


def _network(public: Any, default_action: Any) -> str:
    """Public network access as one value: Disabled, Enabled with a deny-by-default firewall
    (selected networks), or Enabled (every network)."""
    if public == "Disabled":
        return "Disabled"
    return "Enabled, default action Deny" if default_action == "Deny" else "Enabled"


NETWORK_RANK = _ordered("Enabled", "Enabled, default action Deny", "Disabled")


def _true(value: Any) -> float:
    return 1.0 if value is True else 0.0


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


# One row per property. Values as the REST APIs take them (the SDK resources' API versions), Azure's
# default where the record leaves a property out; the rule ids say which pack rules read each one.
PROPERTIES: tuple[Property, ...] = (
    # machinelearningservices 2025-12-01 ManagedNetworkSettings.isolationMode: Disabled (the
    # default), AllowInternetOutbound, AllowOnlyApprovedOutbound (how-to-managed-network)
    Property(
        "workspace managed network isolation mode",
        (ML_WORKSPACE,),
        lambda r: _or(_get(r, "managedNetwork", "isolationMode"), "Disabled"),
        _ordered("Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"),
        "ML-02, STK-07",
    ),
    # Workspace.publicNetworkAccess Enabled|Disabled; left out, the workspace is public (how-to-configure-private-link)
    Property(
        "workspace publicNetworkAccess",
        (ML_WORKSPACE,),
        lambda r: _or(_get(r, "publicNetworkAccess"), "Enabled"),
        _ordered("Enabled", "Disabled"),
        "ML-01",
    ),
    # EncryptionProperty.status Enabled|Disabled: a customer-managed key (concept-customer-managed-keys)
    Property(
        "workspace customer-managed key",
        (ML_WORKSPACE,),
        lambda r: _or(_get(r, "encryption", "status"), "Disabled"),
        _ordered("Disabled", "Enabled"),
        "ML-03",
    ),
    Property("workspace hbiWorkspace", (ML_WORKSPACE,), lambda r: _get(r, "hbiWorkspace") is True, _true, "ML-05"),
    # storage 2024-01-01 publicNetworkAccess and networkRuleSet.defaultAction (Allow is the default)
    Property(
        "storage account network access",
        (STORAGE_ACCOUNT,),
        lambda r: _network(_get(r, "publicNetworkAccess"), _get(r, "networkRuleSet", "defaultAction")),
        NETWORK_RANK,
        "ST-04",
    ),
    # allowSharedKeyAccess: "The default value is null, which is equivalent to true" (storage REST spec)
    Property(
        "storage account shared-key access disabled",
        (STORAGE_ACCOUNT,),
        lambda r: _get(r, "allowSharedKeyAccess") is False,
        _true,
        "ST-01",
    ),
    # BlobServiceProperties.deleteRetentionPolicy: enabled and days (1-365)
    Property(
        "blob soft-delete retention (days)",
        (BLOB_SERVICE,),
        lambda r: (
            _or(_get(r, "deleteRetentionPolicy", "days"), 0)
            if _get(r, "deleteRetentionPolicy", "enabled") is True
            else 0
        ),
        _number,
        "ST-07",
    ),
    # keyvault 2024-11-01 VaultProperties.publicNetworkAccess and networkAcls.defaultAction
    Property(
        "key vault network access",
        (KEY_VAULT,),
        lambda r: _network(
            _get(r, "properties", "publicNetworkAccess"), _get(r, "properties", "networkAcls", "defaultAction")
        ),
        NETWORK_RANK,
        "KV-04",
    ),
    Property(
        "key vault purge protection",
        (KEY_VAULT,),
        lambda r: _get(r, "properties", "enablePurgeProtection") is True,
        _true,
        "KV-01",
    ),
    # softDeleteRetentionInDays: 7 to 90, default 90 (keyvault REST spec; key-vault soft-delete-overview)
    Property(
        "key vault soft-delete retention (days)",
        (KEY_VAULT,),
        lambda r: _or(_get(r, "properties", "softDeleteRetentionInDays"), 90),
        _number,
        "KV-02",
    ),
    # containerregistry publicNetworkAccess and networkRuleSet.defaultAction (Premium only)
    Property(
        "container registry network access",
        (REGISTRY,),
        lambda r: _network(_get(r, "publicNetworkAccess"), _get(r, "networkRuleSet", "defaultAction")),
        NETWORK_RANK,
        "CR-02",
    ),
    Property(
        "Azure ML compute local auth disabled",
        (ML_COMPUTE,),
        lambda r: _get(r, "properties", "disableLocalAuth") is True,
        _true,
        "ML-07, ML-12",
    ),
    # operationalinsights 2023-09-01 retentionInDays: 30 days by default (azure-monitor data-retention-configure)
    Property(
        "Log Analytics retention (days)",
        (LOG_ANALYTICS,),
        lambda r: _or(_get(r, "retentionInDays"), 30),
        _number,
        "MON-02",
    ),
    Property(
        "Log Analytics local auth disabled",
        (LOG_ANALYTICS,),
        lambda r: _get(r, "features", "disableLocalAuth") is True,
        _true,
        "MON-02",
    ),
    Property(
        "Application Insights local auth disabled",
        (APP_INSIGHTS,),
        lambda r: _get(r, "disableLocalAuth") is True,
        _true,
        "MON-01",
    ),
    # Pulumi's protect option on the stateful resources (STK-05's types)
    Property(
        "stateful resources protected (Pulumi protect)",
        PROTECTED_TYPES,
        lambda r: r.get("protect") is True,
        _true,
        "STK-05",
    ),
)

# Locks are the stack's, not a resource's: a stack with no CanNotDelete lock where the tier below
# has some is weaker (docs/protection.md; no rule of the pack checks locks).
LOCK_TYPES = (LOCK_BY_SCOPE, LOCK_AT_RG)
LOCKS = "CanNotDelete locks"


def _known(value: Any) -> bool:
    return value != UNKNOWN_MARKER and not (isinstance(value, str) and UNKNOWN_MARKER in value)


def weakest(stack: PlannedStack, prop: Property) -> tuple[float, Any, str] | None:
    """(rank, value, resource name) of the weakest resource of the property's types, or None."""
    found = []
    for record in stack.resources:
        if str(record["type"]) in prop.types:
            value = prop.read(record)
            if _known(value):
                found.append((prop.rank(value), value, str(record["name"])))
    return min(found, key=lambda item: item[0]) if found else None


def _locks(stack: PlannedStack) -> int:
    return sum(1 for r in stack.resources if str(r["type"]) in LOCK_TYPES and _get(r, "level") == "CanNotDelete")


def compare_properties(less: PlannedStack, more: PlannedStack) -> Iterator[Violation]:
    for prop in PROPERTIES:
        low, high = weakest(less, prop), weakest(more, prop)
        if low is None or high is None:
            continue  # one of them has no such resource: nothing to compare
        if high[0] < low[0]:
            yield Violation(
                PROPERTY,
                less.name,
                more.name,
                prop.name,
                f"{more.name} has {high[1]!r} on {high[2]}, weaker than {low[1]!r}, the weakest in {less.name} "
                f"(on {low[2]}; read by {prop.rules})",
            )
    if _locks(less) and not _locks(more):
        yield Violation(
            PROPERTY,
            less.name,
            more.name,
            LOCKS,
            f"{less.name} has {_locks(less)} CanNotDelete lock(s), {more.name} none (locks.enabled)",
        )


def exceptions(pairs: Sequence[tuple[PlannedStack, PlannedStack]]) -> list[Note]:
    """The rules not compared for a pair because they declare a lower level in the higher tier."""
    notes = []
    for less, more in pairs:
        for policy in sorted(less.levels):
            if policy in DECLARED and declared_looser(policy, less, more):
                rule = DECLARED[policy]
                why = f": {rule.levels.why}" if rule.levels.why else ""
                notes.append(
                    Note(
                        LEVELS,
                        f"{policy} not compared between {less.name} and {more.name}: the rule declares "
                        f"it less strict in {more.tier}{why}",
                    )
                )
    notes += [
        Note(OUTCOMES, f"{rule.name}: outcomes not compared, {DATA_DEPENDENT[rule.rule_id]}")
        for rule in ALL_RULES
        if rule.rule_id in DATA_DEPENDENT and pairs
    ]
    return notes


def compare(less: PlannedStack, more: PlannedStack) -> list[Violation]:
    return [*compare_levels(less, more), *compare_outcomes(less, more), *compare_properties(less, more)]
