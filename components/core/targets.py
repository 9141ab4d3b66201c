"""What a component publishes about its own resources so the shared components can serve them:
private endpoints (and managed-network rules), diagnostic settings, locks.

A component that owns resources lists them as targets; PrivateEndpoints, ManagedOutboundRules,
Diagnostics and Locks take those lists and never look inside the component that made them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.settings.network import PRIVATE_DNS_ZONES


@dataclass(frozen=True)
class PrivateLinkTarget:
    """A resource to reach through private endpoints, one per private-link group id."""

    name: str  # short, unique among targets: used in resource names ("workspace", "lake-raw")
    resource_id: pulumi.Input[str]
    group_ids: tuple[str, ...]  # keys of PRIVATE_DNS_ZONES: amlworkspace, vault, blob, file, dfs, registry

    def __post_init__(self) -> None:
        unknown = set(self.group_ids) - set(PRIVATE_DNS_ZONES)
        if unknown or not self.group_ids:
            raise ValueError(
                f"private link target {self.name}: group ids {sorted(unknown)} not in {sorted(PRIVATE_DNS_ZONES)}"
            )


@dataclass(frozen=True)
class DiagnosticTarget:
    name: str  # short, unique among targets: used in resource names ("workspace", "aks")
    resource_id: pulumi.Input[str]
    logs: bool = True  # a storage account itself has metrics only; its services have the logs
    metrics: bool = True  # an Azure ML registry has logs only (no platform metrics listed for it)
    # Named log categories instead of the tier's category group, for a type Microsoft lists no
    # category groups for (an Azure ML registry): a group the type lacks fails the deployment.
    log_categories: tuple[str, ...] = ()


def storage_diagnostic_targets(
    name: str, account_id: pulumi.Input[str], services: tuple[str, ...] = ("blob",)
) -> list[DiagnosticTarget]:
    """A storage account has metrics only; its logs are its services' (blob, file...)."""
    return [
        DiagnosticTarget(name, account_id, logs=False),
        *(
            DiagnosticTarget(f"{name}-{service}", pulumi.Output.concat(account_id, f"/{service}Services/default"))
            for service in services
        ),
    ]


@dataclass(frozen=True)
class LockTarget:
    name: str
    resource_id: pulumi.Input[str]
