"""Plan the real program for a stack, optionally with settings overridden, and query the result."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.settings import SettingsError, validate_settings
from components.settings.tiers import deep_merge
from tools.plan.engine import Plan, run_program
from tools.plan.stackfile import StackConfig, load_stack_config, stack_file

NS = "ml-platform"
# A storage account the stack does not own (data.accounts.<key>.existingId)
EXISTING_ACCOUNT = (
    "/subscriptions/5a5a5a5a-0000-4000-8000-0000000005a1/resourceGroups/rg-shared"
    "/providers/Microsoft.Storage/storageAccounts/stshared"
)


# What a stack of each tier must set beyond the four required keys: the customer-managed key of staging
# and prod needs the tenant's object id of the Azure Cosmos DB app (a stand-in here).
TIER_REQUIRED: dict[str, dict[str, Any]] = {
    tier: {"encryption": {"cosmosDbPrincipalObjectId": "c05d0000-0000-4000-8000-0000000000aa"}}
    for tier in ("staging", "prod")
}
# prod's inference cluster (private, no run command) needs an admin group (compute.inference.adminGroupObjectIds)
AKS_ADMINS = {"compute": {"inference": {"adminGroupObjectIds": ["ad0ad0ad-0000-4000-8000-0000000000aa"]}}}
TIER_REQUIRED["prod"] = deep_merge(TIER_REQUIRED["prod"], AKS_ADMINS)


@cache
def shipped_config(stack: str) -> StackConfig:
    """stacks/Pulumi.<stack>.yaml as the plan tool reads it, read once per test process (the files
    do not change during a run; reading one was a few percent of each plan here). Read-only."""
    return load_stack_config(stack)


def stack_values(stack: str) -> dict[str, Any]:
    """A stack file's ml-platform settings as Python values (keys without the namespace)."""
    config = shipped_config(stack)
    values: dict[str, Any] = {}
    for key, raw in config.values.items():
        namespace, _, name = key.partition(":")
        if namespace == NS and key not in config.secret_keys:  # secure: values are never settings
            values[name] = json.loads(raw) if raw[:1] in "{[" else raw
    return values


def rejected_keys(overrides: dict[str, Any], stack: str = "dev") -> list[str]:
    """The config keys SettingsError names for stack file `stack` with `overrides` merged over it."""
    with pytest.raises(SettingsError) as caught:
        validate_settings(deep_merge(stack_values(stack), overrides), stack)
    return list(dict.fromkeys(caught.value.keys))  # a key with two problems is named once here


def dev_failing_a_mandatory_policy(path: Path) -> Path:
    """Write dev's stack file with the registry left to Azure ML to `path`: STK-09 (a stack-made,
    hardened registry), mandatory in dev, fails; nothing else does."""
    document = yaml.safe_load(stack_file("dev").read_text())
    document["config"]["ml-platform:registry"] = {"mode": "onDemand"}
    document["config"]["ml-platform:workspace"] = {"identity": "SystemAssigned"}  # UserAssigned needs create
    path.write_text(yaml.safe_dump(document))
    return path


def file_share(**fields: Any) -> dict[str, Any]:
    """Data settings with one file-share datastore `team` on the existing account `shared`."""
    store = {"kind": "fileShare", "account": "shared", "container": "team", **fields}
    return {"data": {"accounts": {"shared": {"existingId": EXISTING_ACCOUNT}}, "datastores": {"team": store}}}


# The `secure:` values HTTPS scoring on the inference cluster reads (compute.inference.tls tier defaults)
SCORING_TLS = {
    "inferenceTlsCert": "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n",
    "inferenceTlsKey": "-----BEGIN PRIVATE KEY-----\nMIIEfake\n-----END PRIVATE KEY-----\n",
}


def config_for(
    stack: str = "dev",
    overrides: dict[str, Any] | None = None,
    *,
    base: str | None = None,
    secrets: dict[str, str] | None = None,
) -> StackConfig:
    """The settings of stack file `base` (default: `stack`) deep-merged with `overrides`, the file's
    `secure:` values (as the placeholders the plan tool gives them) and `secrets` (name -> value),
    each marked secret as the engine marks `secure:` values."""
    values = deep_merge(stack_values(base or stack), overrides or {})
    encoded = {f"{NS}:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    file = shipped_config(base or stack)
    held = {key: file.values[key] for key in file.secret_keys}
    held.update({f"{NS}:{name}": value for name, value in (secrets or {}).items()})
    return StackConfig(file.project, stack, {**encoded, **held}, tuple(held))


def plan(
    stack: str = "dev",
    overrides: dict[str, Any] | None = None,
    *,
    base: str | None = None,
    secrets: dict[str, str] | None = None,
) -> Plan:
    return run_program(config_for(stack, overrides, base=base, secrets=secrets))


class Resources:
    """Query helpers over a plan's records."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.records = plan.resources

    def of_type(self, type_suffix: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["type"].endswith(type_suffix)]

    def one(self, type_suffix: str) -> dict[str, Any]:
        found = self.of_type(type_suffix)
        assert len(found) == 1, f"expected one {type_suffix}, found {[r['name'] for r in found]}"
        return found[0]

    def ml_computes(self, compute_type: str) -> dict[str, dict[str, Any]]:
        """Azure ML computes of one type (AmlCompute, ComputeInstance, Kubernetes...) by compute name."""
        return {
            r["inputs"]["computeName"]: r
            for r in self.of_type("machinelearningservices:Compute")
            if r["inputs"]["properties"]["computeType"] == compute_type
        }

    def named(self, name: str) -> dict[str, Any]:
        found = [r for r in self.records if r["name"] == name]
        assert len(found) == 1, f"expected one resource named {name}"
        return found[0]

    def children(self, record: dict[str, Any]) -> Iterator[dict[str, Any]]:
        return (r for r in self.records if r["parent"] == record["urn"])

    def by_urn(self, urn: str) -> dict[str, Any]:
        return next(r for r in self.records if r["urn"] == urn)
