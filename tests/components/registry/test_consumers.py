"""The environment stacks consume the shared registry: roles in the right direction, a
private-endpoint outbound rule in the managed network's chain, the storage firewall where a stack
publishes, and what each stack exports of it for a check across stacks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.core.roles import BUILTIN_ROLES
from components.settings import validate_settings
from components.settings.tiers import deep_merge
from tests.conftest import SHARED_STACKS, STACKS
from tests.planning import NS, Resources, plan, rejected_keys, stack_values
from tools.plan.engine import run_program
from tools.plan.stackfile import StackConfig, load_stack_config

ROLE_NAMES = {guid: name for name, guid in BUILTIN_ROLES.items()}


def config_from(values: dict[str, Any], stack: str) -> StackConfig:
    """A stack's config from settings values (keys without the namespace), as the engine passes them."""
    file = load_stack_config(stack)
    encoded = {f"{NS}:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    held = {key: file.values[key] for key in file.secret_keys}
    return StackConfig(file.project, stack, {**encoded, **held}, tuple(held))


RULE = "mlregistry-amlregistry"


def registry_id(stack: str) -> str:
    settings = validate_settings(stack_values(stack), stack)
    assert settings.shared_registry is not None
    return settings.shared_registry.id


def registry_roles(res: Resources, stack: str) -> dict[str, str]:
    """principal key -> the role it holds on the shared registry (from the plan's assignments)."""
    settings = validate_settings(stack_values(stack), stack)
    keys = {p.object_id: key for key, p in settings.access.principals.items()}
    return {
        keys[a["inputs"]["principalId"]]: ROLE_NAMES[a["inputs"]["roleDefinitionId"].rsplit("/", 1)[-1]]
        for a in res.of_type("authorization:RoleAssignment")
        if a["inputs"]["scope"] == registry_id(stack)
    }


def test_roles_go_one_way_staging_publishes_prod_and_dev_only_read(stack_plans: dict[str, Resources]) -> None:
    assert registry_roles(stack_plans["staging"], "staging") == {
        "deployPipeline": "AzureML Registry User",  # creates assets (az ml model share)
        "dataScientists": "Reader",
    }
    assert registry_roles(stack_plans["prod"], "prod") == {"deployPipeline": "Reader", "dataScientists": "Reader"}
    assert registry_roles(stack_plans["dev"], "dev") == {"dataScientists": "Reader"}


def test_every_environment_stack_consumes_the_shared_stacks_registry(
    stack_plans: dict[str, Resources], shared_plans: dict[str, Resources]
) -> None:
    """The one shared registry, by name and resource group (the subscription is a placeholder in the
    stack files and the mock's own in the shared stack's plan)."""
    (shared,) = (shared_plans[s].plan.outputs for s in SHARED_STACKS)
    for stack in STACKS:
        consumed = stack_plans[stack].plan.outputs["sharedRegistry"]
        assert (consumed["name"], consumed["resourceGroupName"]) == (
            shared["registryName"],
            shared["resourceGroupName"],
        ), stack
        assert consumed["principals"] == {
            key: {"access": access, "role": role}
            for key, role in registry_roles(stack_plans[stack], stack).items()
            for access in ["publish" if role == "AzureML Registry User" else "read"]
        }, stack


def rules(res: Resources) -> list[dict[str, Any]]:
    return res.of_type("machinelearningservices:ManagedNetworkSettingsRule")


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_isolated_workspaces_reach_the_registry_by_a_private_endpoint_rule_in_the_chain(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    res = stack_plans[stack]
    chain = rules(res)
    (rule,) = [r for r in chain if r["inputs"]["ruleName"] == RULE]
    assert rule["inputs"]["properties"] == {
        "category": "UserDefined",
        "type": "PrivateEndpoint",
        "destination": {
            "serviceResourceId": registry_id(stack),
            "subresourceTarget": "amlregistry",
            "sparkEnabled": False,
        },
    }
    # one rule write at a time: it waits for a rule before it, or another waits for it
    others = {r["urn"] for r in chain if r is not rule}
    waits = bool(set(rule["dependencies"]) & others)
    waited = any(rule["urn"] in r["dependencies"] for r in chain)
    assert waits or waited
    assert res.plan.outputs["sharedRegistry"]["outboundRule"] == RULE


SERVICE_TAG_RULES = {"mlregistry-storage": "Storage", "mlregistry-acr": "AzureContainerRegistry"}


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_isolated_workspaces_reach_the_registrys_storage_and_acr_by_service_tags_of_their_region(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    """how-to-registry-network-isolation: outbound to a public registry needs `Storage.<region>` and
    `AzureContainerRegistry.<region>` (model files, environment images), which the `amlregistry`
    endpoint does not cover and approved-outbound-only mode does not allow by itself."""
    res = stack_plans[stack]
    chain = rules(res)
    location = res.one("machinelearningservices:Workspace")["inputs"]["location"]
    found = {
        r["inputs"]["ruleName"]: r["inputs"]["properties"]
        for r in chain
        if r["inputs"]["ruleName"] in SERVICE_TAG_RULES
    }
    assert found == {
        name: {
            "category": "UserDefined",
            "type": "ServiceTag",
            "destination": {
                "serviceTag": f"{tag}.{location}",
                "protocol": "TCP",
                "portRanges": "443",
                "action": "Allow",
            },
        }
        for name, tag in SERVICE_TAG_RULES.items()
    }
    # in the one chain: every rule but the first waits for the rule before it
    for rule in (r for r in chain if r["inputs"]["ruleName"] in SERVICE_TAG_RULES):
        others = {r["urn"] for r in chain if r is not rule}
        assert set(rule["dependencies"]) & others or any(rule["urn"] in r["dependencies"] for r in chain)


def test_with_internet_outbound_the_registry_needs_no_service_tag_rule() -> None:
    res = Resources(plan("staging", {"network": {"managed": {"isolationMode": "AllowInternetOutbound"}}}))
    names = {r["inputs"]["ruleName"] for r in rules(res)}
    assert RULE in names
    assert names.isdisjoint(SERVICE_TAG_RULES)


def test_dev_has_no_managed_network_and_so_no_rule(stack_plans: dict[str, Resources]) -> None:
    assert rules(stack_plans["dev"]) == []
    assert stack_plans["dev"].plan.outputs["sharedRegistry"]["outboundRule"] is None


def storage(res: Resources) -> dict[str, Any]:
    return res.named("mlp-workspace-storage")["inputs"]


def test_only_a_publishing_stack_lets_the_registry_through_its_storage_firewall(
    stack_plans: dict[str, Resources],
) -> None:
    staging = storage(stack_plans["staging"])
    assert staging["publicNetworkAccess"] == "Enabled"  # "Enabled from selected virtual networks"
    assert staging["networkRuleSet"]["defaultAction"] == "Deny"
    assert [r["resourceId"] for r in staging["networkRuleSet"]["resourceAccessRules"]] == [registry_id("staging")]
    prod = storage(stack_plans["prod"])
    assert prod["publicNetworkAccess"] == "Disabled"
    assert "resourceAccessRules" not in prod["networkRuleSet"]
    dev = storage(stack_plans["dev"])  # public: nothing to let through
    assert "resourceAccessRules" not in dev["networkRuleSet"]
    assert stack_plans["staging"].plan.outputs["sharedRegistry"]["storageResourceRule"] is True
    assert stack_plans["prod"].plan.outputs["sharedRegistry"]["storageResourceRule"] is False


def test_without_a_publisher_staging_keeps_its_storage_closed() -> None:
    readers = {"access": {"principals": {"deployPipeline": {"sharedRegistry": "read"}}}}
    res = Resources(plan("staging", readers))
    assert storage(res)["publicNetworkAccess"] == "Disabled"
    assert "resourceAccessRules" not in storage(res)["networkRuleSet"]


def test_a_stack_without_the_registry_grants_nothing_there_and_adds_no_rule() -> None:
    values = stack_values("staging")
    values.pop("sharedRegistry")
    for principal in values["access"]["principals"].values():
        principal.pop("sharedRegistry", None)
    res = Resources(run_program(config_from(values, "staging")))
    assert [r for r in rules(res) if r["inputs"]["ruleName"] in {RULE, *SERVICE_TAG_RULES}] == []
    assert not [
        a
        for a in res.of_type("authorization:RoleAssignment")
        if "MachineLearningServices/registries/" in a["inputs"]["scope"]
    ]
    assert storage(res)["publicNetworkAccess"] == "Disabled"
    assert res.plan.outputs["sharedRegistry"] is None


@pytest.mark.parametrize(
    ("overrides", "stack", "key"),
    [
        # prod only consumes
        (
            {"access": {"principals": {"deployPipeline": {"sharedRegistry": "publish"}}}},
            "prod",
            "ml-platform:access.principals.deployPipeline.sharedRegistry",
        ),
        # a user-defined rule may not take the registry rule's name
        (
            {"network": {"managed": {"outboundRules": {RULE: {"type": "FQDN", "destination": "pypi.org"}}}}},
            "staging",
            f"ml-platform:network.managed.outboundRules.{RULE}",
        ),
        (
            {
                "network": {
                    "managed": {"outboundRules": {"mlregistry-acr": {"type": "FQDN", "destination": "pypi.org"}}}
                }
            },
            "staging",
            "ml-platform:network.managed.outboundRules.mlregistry-acr",
        ),
        ({"sharedRegistry": {"id": "mlr-mlp-shared"}}, "dev", "ml-platform:sharedRegistry.id"),
        ({"sharedRegistry": {"id": "x", "name": "y"}}, "dev", "ml-platform:sharedRegistry.name"),
    ],
)
def test_registry_settings_that_go_the_wrong_way_are_refused_by_key(
    overrides: dict[str, Any], stack: str, key: str
) -> None:
    assert key in rejected_keys(overrides, stack)


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_dev_and_staging_may_publish(stack: str) -> None:
    overrides = {"access": {"principals": {"dataScientists": {"sharedRegistry": "publish"}}}}
    assert validate_settings(deep_merge(stack_values(stack), overrides), stack).registry_publishers == [
        "dataScientists",
        *(["deployPipeline"] if stack == "staging" else []),
    ]
