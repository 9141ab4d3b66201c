"""Key Vault rules: vaults, secrets, keys (KV-01..KV-05)."""

from __future__ import annotations

from collections.abc import Iterator

from .lib.catalog import KEY_VAULT, KV_KEY, KV_SECRET
from .lib.props import MISSING, as_list, fmt, same
from .lib.rule import ADVISORY, MANDATORY, Levels, Param, Resource, Tiers, boolean, integer, resource_rule

# --- KV-01 -------------------------------------------------------------------------------


def _purge_protection(r: Resource) -> Iterator[str]:
    yield from r.expect("properties.enablePurgeProtection", True, "note: it can never be turned off again")


KV_01 = resource_rule(
    rule_id="KV-01",
    slug="key-vault-purge-protection",
    summary="Key vaults enable purge protection.",
    sources="CKV_AZURE_110/42, AzP 0b60c0b2, AZU-0016",
    types=[KEY_VAULT],
    check=_purge_protection,
    levels=Levels(
        dev=ADVISORY,
        staging=ADVISORY,
        prod=MANDATORY,
        why="purge protection blocks tearing staging down and re-creating it (the names stay taken)",
    ),
)


# --- KV-02 -------------------------------------------------------------------------------


def _soft_delete(r: Resource) -> Iterator[str]:
    yield from r.expect_not("properties.enableSoftDelete", False)
    minimum = int(r.config["minRetentionDays"])
    days = r.get("properties.softDeleteRetentionInDays")
    if days is not MISSING and days < minimum:
        yield f"properties.softDeleteRetentionInDays is {fmt(days)}; keep at least {minimum}"


KV_02 = resource_rule(
    rule_id="KV-02",
    slug="key-vault-soft-delete-retention",
    summary="Key vaults keep soft delete on with a retention of at least the configured days "
    "(Azure: 7 to 90, default 90).",
    sources="CKV_AZURE_111, AzP 1e66c121",
    types=[KEY_VAULT],
    check=_soft_delete,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
    params=[Param("minRetentionDays", integer("Shortest soft-delete retention, in days.", 7), default=7)],
)


# --- KV-03 -------------------------------------------------------------------------------


def _rbac(r: Resource) -> Iterator[str]:
    yield from r.expect("properties.enableRbacAuthorization", True)
    policies = r.get("properties.accessPolicies")
    if policies is not MISSING and len(as_list(policies)) > 0:
        yield (
            f"properties.accessPolicies has {len(as_list(policies))} entries; grant data "
            "access with RBAC role assignments and pass accessPolicies=[]"
        )


KV_03 = resource_rule(
    rule_id="KV-03",
    slug="key-vault-rbac-authorization",
    summary="Key vaults use RBAC authorization and carry no access policies.",
    sources="AzP 12d4fa5e",
    types=[KEY_VAULT],
    check=_rbac,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- KV-04 -------------------------------------------------------------------------------


def _vault_network(r: Resource) -> Iterator[str]:
    access = r.get("properties.publicNetworkAccess")
    if same(access, "Disabled"):
        return
    action = r.get("properties.networkAcls.defaultAction")
    if not same(action, "Deny"):
        yield (
            f"properties.publicNetworkAccess is {fmt(access)} and "
            f"properties.networkAcls.defaultAction is {fmt(action)}; disable public network "
            "access or deny by default"
        )


KV_04 = resource_rule(
    rule_id="KV-04",
    slug="key-vault-network-restricted",
    summary="Key vaults disable public network access or deny by default.",
    sources="CKV_AZURE_189/109, AzP 405c5871, 55615ac9, AZU-0013",
    types=[KEY_VAULT],
    check=_vault_network,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- KV-05 -------------------------------------------------------------------------------


def _secret_and_key_hygiene(r: Resource) -> Iterator[str]:
    if r.type == KV_SECRET:
        yield from r.expect_set("properties.attributes.expires", "secrets must expire")
        yield from r.expect_set("properties.contentType")
        return
    expires = r.get("properties.attributes.expires")
    rotation_expiry = r.get("properties.rotationPolicy.attributes.expiryTime")
    if expires is MISSING and rotation_expiry is MISSING:
        yield (
            "neither properties.attributes.expires nor "
            "properties.rotationPolicy.attributes.expiryTime is set; keys must expire"
        )
    if r.config["requireHsmKeys"]:
        yield from r.expect_in("properties.kty", ["RSA-HSM", "EC-HSM"], "HSM-backed keys; needs a Premium vault")


KV_05 = resource_rule(
    rule_id="KV-05",
    slug="key-vault-secret-and-key-hygiene",
    summary="Secrets have an expiry and a content type; keys have an expiry and, where the "
    "stack requires it (prod), are HSM-backed.",
    sources="CKV_AZURE_41/114/40/112, AzP 98728c90, 152b15f7",
    types=[KV_SECRET, KV_KEY],
    check=_secret_and_key_hygiene,
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
    params=[
        Param(
            "requireHsmKeys",
            boolean("Keys must be RSA-HSM or EC-HSM."),
            # cost, not posture: HSM keys need a Premium vault, which only prod pays for
            tiers=Tiers(dev=False, staging=False, prod=True),
        )
    ],
)


RULES = [KV_01, KV_02, KV_03, KV_04, KV_05]
