"""Datastores: identity-based on hardened data lakes, file shares only with a secret credential."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.settings import SettingsError
from tests.conftest import STACKS
from tests.planning import Resources, config_for, file_share, stack_values
from tools.plan.engine import run_program
from tools.plan.policy import evaluate
from tools.plan.stackfile import StackConfig

SAS = "sv=2024-11-04&ss=f&srt=sco&sp=rl&sig=NOT-A-REAL-SIGNATURE-0123456789"


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_plans_its_datastores(stack: str, stack_plans: dict[str, Resources]) -> None:
    res = stack_plans[stack]
    planned = {d["inputs"]["name"] for d in res.of_type("machinelearningservices:Datastore")}
    assert planned == set(stack_values(stack)["data"]["datastores"])
    workspace = res.one("machinelearningservices:Workspace")
    for d in res.of_type("machinelearningservices:Datastore"):
        assert d["inputs"]["workspaceName"] == workspace["outputs"]["name"]
        assert workspace["urn"] in d["dependencies"]


@pytest.mark.parametrize("stack", STACKS)
def test_blob_and_adls_datastores_are_identity_based(stack: str, stack_plans: dict[str, Resources]) -> None:
    stores = stack_plans[stack].of_type("machinelearningservices:Datastore")
    assert stores
    for d in stores:
        props = d["inputs"]["properties"]
        assert props["datastoreType"] in {"AzureBlob", "AzureDataLakeGen2"}
        assert props["credentials"] == {"credentialsType": "None"}, d["name"]
        assert props["serviceDataAccessAuthIdentity"] == "None"


def test_none_of_azure_mls_own_datastores_is_registered(stack_plans: dict[str, Resources]) -> None:
    own = {"workspaceblobstore", "workspacefilestore", "workspaceartifactstore", "workspaceworkingdirectory"}
    for res in stack_plans.values():
        assert not own & {d["inputs"]["name"] for d in res.of_type("machinelearningservices:Datastore")}


def test_data_lake_has_the_default_storage_hardening_with_hns(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    lake = res.named("mlp-data-account-lake")["inputs"]
    default = res.named("mlp-workspace-storage")["inputs"]
    # the customer-managed key (prod) covers the workspace's default storage, not data lakes
    differs = {"accountName", "isHnsEnabled", "encryption", "identity"}
    assert {k: v for k, v in lake.items() if k not in differs} == {k: v for k, v in default.items() if k not in differs}
    assert lake["isHnsEnabled"] is True
    assert lake["allowSharedKeyAccess"] is False
    assert lake["publicNetworkAccess"] == "Disabled"
    assert lake["accountName"].startswith("dllakemlpprod")
    assert len(lake["accountName"]) <= 24
    assert res.named("mlp-data-account-lake")["protect"] is True
    blob = res.named("mlp-data-account-lake-blob")["inputs"]
    assert blob["deleteRetentionPolicy"] == {"enabled": True, "days": 30}
    assert blob["isVersioningEnabled"] is False  # unsupported with a hierarchical namespace


def test_flat_data_account_keeps_the_tier_versioning_and_lake_names_differ(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["dev"]
    scratch = res.named("mlp-data-account-scratch")["inputs"]
    assert scratch["isHnsEnabled"] is False
    assert res.named("mlp-data-account-scratch-blob")["inputs"]["isVersioningEnabled"] is False  # dev: off
    names = {a["inputs"]["accountName"] for a in res.of_type("storage:StorageAccount")}
    assert len(names) == 3


def test_containers_are_private_and_only_in_accounts_the_stack_creates(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["staging"]
    containers = res.of_type("storage:BlobContainer")
    assert {(c["inputs"]["accountName"], c["inputs"]["containerName"]) for c in containers} == {
        (res.named("mlp-data-account-lake")["outputs"]["name"], "raw"),
        (res.named("mlp-data-account-lake")["outputs"]["name"], "curated"),
    }
    assert all(c["inputs"]["publicAccess"] == "None" for c in containers)
    raw = next(d for d in res.of_type("machinelearningservices:Datastore") if d["inputs"]["name"] == "raw")
    assert raw["inputs"]["properties"]["filesystem"] == "raw"
    assert res.named("mlp-data-container-lake-raw")["urn"] in raw["dependencies"]


def test_existing_account_is_referenced_by_its_arm_id(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    ref = next(d for d in res.of_type("machinelearningservices:Datastore") if d["inputs"]["name"] == "reference")
    props = ref["inputs"]["properties"]
    assert (props["accountName"], props["containerName"]) == ("stsharedrefprod", "reference")
    assert (props["resourceGroup"], props["subscriptionId"]) == (
        "rg-data-shared-prod",
        "9a9a9a9a-0000-4000-8000-000000000901",
    )
    # nothing is created in an account the stack does not own
    assert all(a["inputs"]["accountName"] != "stsharedrefprod" for a in res.of_type("storage:StorageAccount"))


def share_config(secret: dict[str, str] | None, secret_keys: tuple[str, ...]) -> StackConfig:
    base = config_for("dev", file_share(credential={"type": "sas", "secret": "teamShareSas"}))
    return StackConfig(base.project, base.stack, {**base.values, **(secret or {})}, secret_keys)


def test_file_share_gets_its_sas_as_a_pulumi_secret_never_in_plain_text() -> None:
    plan = run_program(share_config({"ml-platform:teamShareSas": SAS}, ("ml-platform:teamShareSas",)))
    share = next(d for d in plan.resources if d["name"] == "mlp-data-datastore-team")
    props = share["inputs"]["properties"]
    assert props["datastoreType"] == "AzureFile"
    assert props["fileShareName"] == "team"
    assert props["credentials"]["credentialsType"] == "Sas"
    assert props["credentials"]["secrets"] == {"secretsType": "Sas", "sasToken": "[secret]"}
    assert SAS not in json.dumps(plan.to_json())
    assert "sig=" not in json.dumps(plan.to_json())


@pytest.mark.parametrize(
    ("secret", "secret_keys", "key"),
    [
        (None, (), "ml-platform:data.datastores.team.credential.secret"),  # never set
        ({"ml-platform:teamShareSas": SAS}, (), "ml-platform:teamShareSas"),  # set in plain text
    ],
)
def test_file_share_secret_must_exist_as_a_secret(
    secret: dict[str, str] | None, secret_keys: tuple[str, ...], key: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        run_program(share_config(secret, secret_keys))
    assert caught.value.keys == [key]
    assert SAS not in str(caught.value)


def test_datastore_outputs_name_kind_account_and_container(stack_plans: dict[str, Any]) -> None:
    assert stack_plans["dev"].plan.outputs["datastores"] == {
        "raw": {"kind": "adlsGen2", "account": "lake", "container": "raw"},
        "curated": {"kind": "adlsGen2", "account": "lake", "container": "curated"},
        "scratch": {"kind": "blob", "account": "scratch", "container": "scratch"},
    }


def test_data_and_access_resources_pass_the_policy_pack_in_prod(stack_plans: dict[str, Resources]) -> None:
    """Network isolation and diagnostics of the lakes belong to the network feature (STK-07/08)."""
    records = stack_plans["prod"].records
    ours = {r["urn"] for r in records if r["name"].startswith(("mlp-data", "mlp-access", "mlp-workspace-identity"))}
    failing = [
        (v.policy, v.resource_name, v.message)
        for v in evaluate(records, "prod")
        if v.kind == "violation" and v.level == "mandatory" and v.urn in ours
    ]
    blob_services = {
        r["urn"] for r in records if r["name"].startswith("mlp-data-account") and r["name"].endswith("-blob")
    }
    assert blob_services <= ours
    assert [f for f in failing if not f[0].startswith(("stk-07", "stk-08"))] == []


def test_versioning_exception_covers_only_hierarchical_namespace_accounts(stack_plans: dict[str, Resources]) -> None:
    records = json.loads(json.dumps(stack_plans["prod"].records))
    lake = next(r for r in records if r["name"] == "mlp-data-account-lake")
    for view in ("inputs", "outputs"):
        lake[view]["isHnsEnabled"] = False  # a flat account without versioning is still caught
    flagged = {
        v.resource_name for v in evaluate(records, "prod") if v.policy.startswith("st-07") and v.kind == "violation"
    }
    assert flagged == {"mlp-data-account-lake-blob"}
