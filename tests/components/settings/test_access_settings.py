"""Broken data and access settings are rejected before any resource, each naming its config key."""

from __future__ import annotations

from typing import Any

import pytest

from components.settings import validate_settings
from components.settings.tiers import deep_merge
from tests.planning import EXISTING_ACCOUNT, file_share, rejected_keys, stack_values

GROUP = "d5d5d5d5-0000-4000-8000-0000000000aa"
ADMINS = "ad0ad0ad-0000-4000-8000-0000000000bb"


def principal(**fields: Any) -> dict[str, Any]:
    return {"access": {"principals": {"team": {"objectId": GROUP, "type": "Group", **fields}}}}


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_shipped_stacks_are_valid(stack: str) -> None:
    settings = validate_settings(stack_values(stack), stack)
    assert settings.access.principals
    assert settings.data.datastores


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"objectId": "not-a-guid"}, "ml-platform:access.principals.team.objectId"),
        ({"objectId": "d5d5d5d5-0000-4000-8000-00000000zzzz"}, "ml-platform:access.principals.team.objectId"),
        ({"objectId": "00000000-0000-0000-0000-000000000000"}, "ml-platform:access.principals.team.objectId"),
        ({"type": "ManagedIdentity"}, "ml-platform:access.principals.team.type"),
        ({"roles": ["Data Scientist"]}, "ml-platform:access.principals.team.roles[0]"),
        ({"roles": ["Reader", "Owner"]}, "ml-platform:access.principals.team.roles[1]"),
        ({"roles": ["Contributor"]}, "ml-platform:access.principals.team.roles[0]"),
        ({"roles": ["User Access Administrator"]}, "ml-platform:access.principals.team.roles[0]"),
        ({"roles": ["Role Based Access Control Administrator"]}, "ml-platform:access.principals.team.roles[0]"),
        ({"roles": ["AzureML Registry User"]}, "ml-platform:access.principals.team.roles[0]"),
        ({"roles": ["Reader", "Reader"]}, "ml-platform:access.principals.team.roles[1]"),
        (
            {"roles": ["AzureML Data Scientist", "AzureML Compute Operator"]},
            "ml-platform:access.principals.team.roles[1]",
        ),
        (
            {"roles": ["AzureML Compute Operator", "AzureML Data Scientist"]},
            "ml-platform:access.principals.team.roles[0]",
        ),
        ({"datastores": {"raw": "admin"}}, "ml-platform:access.principals.team.datastores.raw"),
        ({"datastores": {"nosuch": "read"}}, "ml-platform:access.principals.team.datastores.nosuch"),
        ({"sharedRegistry": "write"}, "ml-platform:access.principals.team.sharedRegistry"),
        # writing the default storage changes code that runs on compute: only for data scientists
        ({"roles": ["Reader"], "defaultStorage": "write"}, "ml-platform:access.principals.team.defaultStorage"),
        ({"defaultStorage": "write"}, "ml-platform:access.principals.team.defaultStorage"),
        (
            {"roles": ["AzureML Data Scientist"], "defaultStorage": "admin"},
            "ml-platform:access.principals.team.defaultStorage",
        ),
    ],
)
def test_broken_principal_is_rejected_with_its_key(fields: dict[str, Any], key: str) -> None:
    assert key in rejected_keys(principal(**fields))


def test_owner_is_never_grantable_even_to_a_service_principal() -> None:
    keys = rejected_keys(principal(type="ServicePrincipal", roles=["Owner"]))
    assert keys == ["ml-platform:access.principals.team.roles[0]"]


def test_data_scientists_and_compute_admins_must_be_separate_principals() -> None:
    twice = {
        "access": {
            "principals": {
                "team": {"objectId": GROUP, "type": "Group", "roles": ["AzureML Data Scientist"]},
                # the same group again under another key would slip compute past the check
                "admins": {"objectId": GROUP.upper(), "type": "Group", "roles": ["AzureML Compute Operator"]},
            }
        }
    }
    assert "ml-platform:access.principals.admins.objectId" in rejected_keys(twice)
    separate = deep_merge(twice, {"access": {"principals": {"admins": {"objectId": ADMINS}}}})
    validate_settings(deep_merge(stack_values("dev"), separate), "dev")


def test_bad_principal_key_is_named() -> None:
    bad = {"access": {"principals": {"data-scientists": {"objectId": GROUP, "type": "Group"}}}}
    assert "ml-platform:access.principals.data-scientists" in rejected_keys(bad)


def test_file_share_datastores_get_no_data_role() -> None:
    share = file_share(credential={"secret": "s"})
    keys = rejected_keys(deep_merge(share, principal(datastores={"team": "read"})))
    assert keys == ["ml-platform:access.principals.team.datastores.team"]


def datastore(name: str = "extra", **fields: Any) -> dict[str, Any]:
    return {"data": {"datastores": {name: {"kind": "blob", "account": "lake", "container": "extra", **fields}}}}


@pytest.mark.parametrize(
    "name", ["workspaceblobstore", "workspacefilestore", "workspaceartifactstore", "workspaceworkingdirectory"]
)
def test_azure_ml_own_datastores_are_never_recreated(name: str) -> None:
    assert rejected_keys(datastore(name)) == [f"ml-platform:data.datastores.{name}"]


@pytest.mark.parametrize("name", ["Raw", "raw-data", "raw.data", "x" * 256])
def test_datastore_names_are_lowercase_letters_digits_underscores(name: str) -> None:
    assert f"ml-platform:data.datastores.{name}" in rejected_keys(datastore(name))


def test_datastore_on_an_account_the_stack_does_not_define_names_the_key() -> None:
    assert rejected_keys(datastore(account="lakes")) == ["ml-platform:data.datastores.extra.account"]


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        (datastore(container="Bad_Name"), "ml-platform:data.datastores.extra.container"),
        (datastore(container="a--b"), "ml-platform:data.datastores.extra.container"),
        (datastore(kind="s3"), "ml-platform:data.datastores.extra.kind"),
        (datastore(kind="adlsGen2", account="scratch"), "ml-platform:data.datastores.extra.kind"),
        (datastore(kind="fileShare", credential={"secret": "s"}), "ml-platform:data.datastores.extra.kind"),
        (datastore(kind="fileShare"), "ml-platform:data.datastores.extra.credential"),
        (datastore(credential={"secret": "key"}), "ml-platform:data.datastores.extra.credential"),
        (datastore(computeAccess="admin"), "ml-platform:data.datastores.extra.computeAccess"),
        ({"data": {"accounts": {"Lake-2": {}}}}, "ml-platform:data.accounts.Lake-2"),
        (
            {"data": {"accounts": {"ext": {"existingId": "/subscriptions/x"}}}},
            "ml-platform:data.accounts.ext.existingId",
        ),
        (
            {"data": {"accounts": {"ext": {"existingId": EXISTING_ACCOUNT, "sku": "Standard_GRS"}}}},
            "ml-platform:data.accounts.ext.sku",
        ),
        ({"data": {"accounts": {"lake": {"sku": "Premium_LRS"}}}}, "ml-platform:data.accounts.lake.sku"),
        # the stack approves the endpoints of the accounts it creates itself
        (
            {"data": {"accounts": {"lake": {"endpointApproval": "grant"}}}},
            "ml-platform:data.accounts.lake.endpointApproval",
        ),
        (
            {"data": {"accounts": {"ext": {"existingId": EXISTING_ACCOUNT, "endpointApproval": "maybe"}}}},
            "ml-platform:data.accounts.ext.endpointApproval",
        ),
    ],
)
def test_broken_datastore_or_account_is_rejected_with_its_key(overrides: dict[str, Any], key: str) -> None:
    assert key in rejected_keys(overrides)


def test_file_share_on_an_existing_account_needs_a_secret_name_not_a_value() -> None:
    share = file_share(credential={"secret": "sv=2024-01-01&sig=abc"})
    assert rejected_keys(share) == ["ml-platform:data.datastores.team.credential.secret"]
    share["data"]["datastores"]["team"]["credential"]["secret"] = "teamShareSas"
    settings = validate_settings(deep_merge(stack_values("dev"), share), "dev")
    assert settings.data.secret_references() == {"data.datastores.team.credential.secret": "teamShareSas"}


def test_compute_gets_no_data_role_on_a_file_share() -> None:
    share = file_share(computeAccess="read", credential={"secret": "teamShareSas"})
    assert rejected_keys(share) == ["ml-platform:data.datastores.team.computeAccess"]


def test_user_assigned_workspace_identity_needs_a_registry_the_stack_creates() -> None:
    overrides = {"workspace": {"identity": "UserAssigned"}, "registry": {"mode": "onDemand"}}
    assert rejected_keys(overrides, "dev") == ["ml-platform:workspace.identity"]
    # prod also has private endpoints, which need a registry now: both problems, in one message
    assert rejected_keys(overrides, "prod") == ["ml-platform:registry.mode", "ml-platform:workspace.identity"]


@pytest.mark.parametrize(
    ("fields", "level"),
    [
        ({"roles": ["AzureML Data Scientist"]}, "write"),  # the default for who submits jobs
        ({"roles": ["AzureML Data Scientist"], "defaultStorage": "read"}, "read"),
        ({"roles": ["AzureML Data Scientist"], "defaultStorage": "none"}, None),
        ({"roles": ["Reader"]}, None),  # no grant unless asked for
        ({"roles": ["Reader"], "defaultStorage": "read"}, "read"),
        ({"roles": ["AzureML Compute Operator"]}, None),
    ],
)
def test_default_storage_level_defaults_to_write_for_data_scientists_only(
    fields: dict[str, Any], level: str | None
) -> None:
    settings = validate_settings(deep_merge(stack_values("dev"), principal(**fields)), "dev")
    assert settings.access.principals["team"].default_storage_level == level
