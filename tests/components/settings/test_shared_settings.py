"""A shared stack's settings (`kind: shared`): its own model, the environment sections refused by
name, the registry's regions and network checked before any resource."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from components.core.naming import Names
from components.settings import SettingsError, SharedStackSettings, validate_settings, validate_stack
from components.settings.registry import SharedRegistryRef
from components.settings.tiers import deep_merge
from tests.planning import stack_values

SUBNET = (
    "/subscriptions/5e5e5e5e-0000-4000-8000-00000000005e/resourceGroups/rg-hub/providers/Microsoft.Network"
    "/virtualNetworks/vnet-hub/subnets/snet-endpoints"
)


def rejected(overrides: dict[str, Any]) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        validate_stack(deep_merge(stack_values("shared"), overrides), "shared")
    return caught.value.keys


def test_the_shipped_shared_stack_is_valid_and_takes_its_tiers_protection() -> None:
    settings = validate_stack(stack_values("shared"), "shared")
    assert isinstance(settings, SharedStackSettings)
    assert (settings.tier, settings.protect, settings.locks.enabled) == ("prod", True, True)
    assert settings.regions == ["westeurope", "northeurope"]
    assert settings.network.public_network_access == "Enabled"


def test_every_environment_section_in_a_shared_stack_is_named_with_the_other_problems() -> None:
    keys = rejected({"compute": {}, "access": {"principals": {}}, "mlRegistry": {"replicationLocations": ["mars"]}})
    assert keys == [
        "ml-platform:access",
        "ml-platform:compute",
        "ml-platform:mlRegistry.replicationLocations[0]",
    ]


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"mlRegistry": {"replicationLocations": ["westeurope"]}}, "ml-platform:mlRegistry.replicationLocations[0]"),
        (
            {"mlRegistry": {"replicationLocations": ["northeurope", "northeurope"]}},
            "ml-platform:mlRegistry.replicationLocations[1]",
        ),
        ({"mlRegistry": {"storageAccountType": "Premium_LRS"}}, "ml-platform:mlRegistry.storageAccountType"),
        ({"network": {"privateEndpoints": True}}, "ml-platform:network.subnetId"),
        ({"network": {"subnetId": SUBNET}}, "ml-platform:network.subnetId"),
        ({"network": {"privateEndpoints": True, "subnetId": "/subscriptions/x"}}, "ml-platform:network.subnetId"),
        (
            {"network": {"privateEndpoints": True, "subnetId": SUBNET}},
            "ml-platform:mlRegistry.publishEnvironments",
        ),
        ({"network": {"mode": "managed"}}, "ml-platform:network.mode"),
        ({"locks": {"scope": "resourceGroup"}}, "ml-platform:locks.scope"),
    ],
)
def test_a_broken_shared_setting_is_refused_by_key(overrides: dict[str, Any], key: str) -> None:
    assert key in rejected(overrides)


def test_a_private_registry_that_publishes_no_environments_is_valid() -> None:
    private = {"network": {"privateEndpoints": True, "subnetId": SUBNET}, "mlRegistry": {"publishEnvironments": False}}
    settings = validate_stack(deep_merge(stack_values("shared"), private), "shared")
    assert isinstance(settings, SharedStackSettings)
    assert settings.network.public_network_access == "Disabled"
    assert settings.network.vnet_id == SUBNET.rsplit("/subnets/", 1)[0]


def test_kind_picks_the_model_and_a_typo_is_refused() -> None:
    assert validate_stack(stack_values("dev"), "dev").kind == "environment"
    with pytest.raises(SettingsError) as caught:
        validate_settings(stack_values("shared"), "shared")  # an environment stack is expected here
    assert caught.value.keys == ["ml-platform:kind"]
    with pytest.raises(SettingsError) as caught:
        validate_stack({**stack_values("dev"), "kind": "shard"}, "dev")
    assert "ml-platform:kind" in caught.value.keys


@pytest.mark.parametrize(("prefix", "stack"), [("ab", "s"), ("abcdefgh", "shared-registry-of-the-platform-x")])
def test_registry_names_fit_microsofts_rule_at_both_ends(prefix: str, stack: str) -> None:
    """how-to-manage-registries: 2-32 letters, digits, `-` and `_`, starting with a letter or digit."""
    for revision in (0, 999):
        name = Names("ml-platform", stack, prefix, revision).ml_registry
        assert 2 <= len(name) <= 32, name
        assert name[0].isalnum(), name
        assert not name.endswith("-"), name
        assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_"), name
    assert Names("ml-platform", "shared", "mlp").ml_registry == "mlr-mlp-shared"


_REGISTRY_ID = (
    "/subscriptions/5e5e5e5e-0000-4000-8000-00000000005e/resourceGroups/rg-mlp-shared"
    "/providers/Microsoft.MachineLearningServices/registries/"
)


@pytest.mark.parametrize(("length", "accepted"), [(2, False), (3, True), (32, True), (33, False)])
def test_a_consumed_registry_id_names_a_registry_both_microsofts_page_and_its_spec_allow(
    length: int, accepted: bool
) -> None:
    """how-to-manage-registries allows 2-32 characters; the REST spec's RegistryNameParameter
    (2025-12-01/registries.json, `^[a-zA-Z0-9][a-zA-Z0-9\\-_]{2,32}$`) 3-33: an id ARM could hold is 3-32."""
    registry_id = _REGISTRY_ID + "m" * length
    if accepted:
        assert SharedRegistryRef(id=registry_id).name == "m" * length
    else:
        with pytest.raises(ValidationError, match="not the ARM id of an Azure ML registry"):
            SharedRegistryRef(id=registry_id)
