"""Stack settings: defaults per tier, overrides, and how Pulumi config strings are decoded."""

from __future__ import annotations

import pytest

from components.settings import SettingsError, validate_settings
from components.settings.loader import read_config
from components.settings.tiers import deep_merge
from tests.planning import TIER_REQUIRED

MINIMAL = {
    "location": "westeurope",
    "namePrefix": "mlp",
    "tags": {"owner": "team", "costCenter": "CC-1", "dataClassification": "internal"},
}


def settings(tier: str, **overrides: object):
    return validate_settings(deep_merge({**MINIMAL, "tier": tier, **TIER_REQUIRED.get(tier, {})}, overrides), tier)


@pytest.mark.parametrize(
    ("tier", "protect", "public", "hbi", "storage_sku", "purge", "kv_days", "log_days", "registry"),
    [
        ("dev", False, "Enabled", False, "Standard_LRS", False, 7, 30, "create"),
        ("staging", False, "Disabled", False, "Standard_ZRS", True, 30, 90, "create"),
        ("prod", True, "Disabled", True, "Standard_GZRS", True, 90, 365, "create"),
    ],
)
def test_tier_defaults(
    tier: str,
    protect: bool,
    public: str,
    hbi: bool,
    storage_sku: str,
    purge: bool,
    kv_days: int,
    log_days: int,
    registry: str,
) -> None:
    s = settings(tier)
    assert s.protect is protect
    assert s.network.access.workspace == public
    assert s.workspace.hbi_workspace is hbi
    assert s.storage.sku == storage_sku
    assert s.key_vault.purge_protection is purge
    assert s.key_vault.soft_delete_retention_days == kv_days
    assert s.monitoring.log_retention_days == log_days
    assert s.registry.mode == registry


def test_stack_values_override_tier_defaults_key_by_key() -> None:
    s = settings("prod", storage={"sku": "Standard_RAGZRS"}, protect=False)
    assert s.storage.sku == "Standard_RAGZRS"
    assert s.storage.versioning is True  # the rest of the section keeps prod's defaults
    assert s.protect is False


def test_extra_tags_pass_through_and_environment_comes_from_the_stack() -> None:
    s = settings("dev", tags={"project": "churn"})
    assert s.tags.as_dict(environment="dev-eu") == {
        "environment": "dev-eu",
        "owner": "team",
        "costCenter": "CC-1",
        "dataClassification": "internal",
        "project": "churn",
    }


def test_settings_are_immutable() -> None:
    s = settings("dev")
    with pytest.raises(ValueError, match="frozen"):
        s.storage.sku = "Standard_GRS"  # type: ignore[misc]


def test_pulumi_config_strings_are_decoded_by_the_settings_type() -> None:
    raw, problems = read_config(
        {
            "ml-platform:tier": "dev",
            "ml-platform:protect": "true",
            "ml-platform:tags": '{"owner": "a"}',
            "ml-platform:naming": '{"revision": 2}',
            "azure-native:location": "westeurope",  # the provider's namespace: read by the provider
        }
    )
    # sections arrive as JSON; every other value is text the model reads by its type
    assert raw == {"tier": "dev", "protect": "true", "tags": {"owner": "a"}, "naming": {"revision": 2}}
    assert problems == []
    assert settings("dev", protect=raw["protect"]).protect is True


def test_the_older_engine_key_form_is_read_too() -> None:
    assert read_config({"ml-platform:config:tier": "prod"}) == ({"tier": "prod"}, [])


def test_malformed_json_in_config_names_the_key() -> None:
    raw, problems = read_config({"ml-platform:compute": '{"clusters": [}'})
    assert raw == {}
    assert [p.key for p in problems] == ["ml-platform:compute"]


def test_unknown_tier_still_reports_the_other_problems() -> None:
    with pytest.raises(SettingsError) as caught:
        validate_settings({**MINIMAL, "tier": "qa", "storage": {"sku": "Premium_LRS"}}, "qa")
    assert {"ml-platform:tier", "ml-platform:storage.sku"} <= set(caught.value.keys)


@pytest.mark.parametrize(
    ("prefix", "valid"),
    [("ab", True), ("a1234567", True), ("a", False), ("a12345678", False), ("1ab", False), ("a-b", False)],
)
def test_name_prefix_is_2_to_8_lowercase_letters_and_digits_starting_with_a_letter(prefix: str, valid: bool) -> None:
    if valid:
        assert settings("dev", namePrefix=prefix).name_prefix == prefix
        return
    with pytest.raises(SettingsError) as caught:
        settings("dev", namePrefix=prefix)
    assert caught.value.keys == ["ml-platform:namePrefix"]


@pytest.mark.parametrize(
    ("name", "value", "valid"),
    [("n" * 512, "v", True), ("n" * 513, "v", False), ("team", "v" * 256, True), ("team", "v" * 257, False)],
    ids=["name-512", "name-513", "value-256", "value-257"],
)
def test_extra_tags_are_held_to_azures_lengths(name: str, value: str, valid: bool) -> None:
    """Azure: tag names up to 512 characters, values up to 256."""
    if valid:
        assert settings("dev", tags={name: value}).tags.as_dict("dev")[name] == value
        return
    with pytest.raises(SettingsError) as caught:
        settings("dev", tags={name: value})
    assert caught.value.keys == [f"ml-platform:tags.{name}"]
