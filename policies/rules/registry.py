"""Container registry rules (CR-01..CR-04)."""

from __future__ import annotations

from collections.abc import Iterator

from .lib.catalog import REGISTRY
from .lib.props import fmt, same
from .lib.rule import ADVISORY, MANDATORY, Levels, Param, Resource, Tiers, boolean, resource_rule

# --- CR-01 -------------------------------------------------------------------------------


def _no_admin_or_anonymous(r: Resource) -> Iterator[str]:
    yield from r.expect(
        "adminUserEnabled", False, "Azure ML pulls with its identity and AcrPull; no shared admin password"
    )
    yield from r.expect("anonymousPullEnabled", False)


CR_01 = resource_rule(
    rule_id="CR-01",
    slug="registry-admin-and-anonymous-pull-disabled",
    summary="Container registries disable the admin user and anonymous pull.",
    sources="CKV_AZURE_137/138, AzP dc921057, 9f2dea28",
    types=[REGISTRY],
    check=_no_admin_or_anonymous,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)


# --- CR-02 -------------------------------------------------------------------------------


def _registry_network(r: Resource) -> Iterator[str]:
    access = r.get("publicNetworkAccess")
    action = r.get("networkRuleSet.defaultAction")
    if not (same(access, "Disabled") or same(action, "Deny")):
        yield (
            f"publicNetworkAccess is {fmt(access)} and networkRuleSet.defaultAction is "
            f"{fmt(action)}; disable public network access or deny by default"
        )
    if r.config["requirePremium"]:
        yield from r.expect("sku.name", "Premium", "private endpoints need Premium")


CR_02 = resource_rule(
    rule_id="CR-02",
    slug="registry-network-restricted-premium",
    summary="Container registries disable public network access or deny by default; where the "
    "stack requires it (prod), the SKU is Premium.",
    sources="CKV_AZURE_139/163, AzP 0fdf0491, bd560fc0",
    types=[REGISTRY],
    check=_registry_network,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
    params=[
        Param(
            "requirePremium",
            boolean("The registry SKU must be Premium."),
            tiers=Tiers(dev=False, staging=True, prod=True),
        )
    ],
)


# --- CR-03 -------------------------------------------------------------------------------


def _no_export_no_arm_tokens(r: Resource) -> Iterator[str]:
    yield from r.expect("policies.exportPolicy.status", "disabled")
    yield from r.expect("policies.azureADAuthenticationAsArmPolicy.status", "disabled")


CR_03 = resource_rule(
    rule_id="CR-03",
    slug="registry-export-and-arm-tokens-disabled",
    summary="Container registries disable artifact export and ARM-audience Entra tokens.",
    sources="AzP 524b0254, 42781ec6",
    types=[REGISTRY],
    check=_no_export_no_arm_tokens,
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
)


# --- CR-04 -------------------------------------------------------------------------------

# Explicit exception to the checklist row ("ACR quarantine, retention, zone redundancy"): quarantine
# is not asked for, and a registry that turns it on is told why. With quarantine on, "all images
# pushed to that registry are put in quarantine by default. Only after the image has been verifed,
# and the quarantine flag removed may a subsequent pull be completed" (Azure/acr
# docs/preview/quarantine/readme.md); Azure ML pushes the environment images it builds and pulls them
# right away, so its builds and deployments stall ("Deployment failed due to timeout while waiting
# for Environment Image to become available", Azure/data-product-analytics#137).
QUARANTINE_EXCEPTION = (
    "Azure ML pulls the images it builds as soon as it pushes them, and a quarantined image cannot be "
    "pulled until a scanner marks it Passed: leave quarantine off on a workspace registry"
)


def _retention_zones_no_quarantine(r: Resource) -> Iterator[str]:
    yield from r.expect("policies.retentionPolicy.status", "enabled")
    yield from r.expect("zoneRedundancy", "Enabled")
    if same(r.get("policies.quarantinePolicy.status"), "enabled"):
        yield f'policies.quarantinePolicy.status is "enabled": {QUARANTINE_EXCEPTION}'


CR_04 = resource_rule(
    rule_id="CR-04",
    slug="registry-retention-zone-redundancy",
    summary="Container registries enable untagged-manifest retention and zone redundancy; quarantine "
    "stays off (explicit exception: Azure ML's image builds cannot pull a quarantined image).",
    sources="CKV_AZURE_166/167/233",
    types=[REGISTRY],
    check=_retention_zones_no_quarantine,
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
)


RULES = [CR_01, CR_02, CR_03, CR_04]
