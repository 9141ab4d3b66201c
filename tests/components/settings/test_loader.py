"""How the engine's config becomes settings: by each setting's declared type, never a silent drop
(a foreign or misspelt namespace, a secret where a section belongs, a dotted key), and every
problem in one message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.settings import SettingsError, StackSettings
from components.settings.loader import read_config, settings_from_config
from tests.planning import stack_values

NS = "ml-platform"


def dev_config(**changes: Any) -> dict[str, str]:
    """The dev stack's config as the engine passes it (objects as JSON), with `changes` laid over."""
    values = {**stack_values("dev"), **changes}
    return {f"{NS}:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items() if v is not None}


def settings(config: dict[str, str], secret: frozenset[str] = frozenset()) -> StackSettings:
    return settings_from_config(config, secret, "dev")


def problems(config: dict[str, str], secret: frozenset[str] = frozenset()) -> dict[str, str]:
    with pytest.raises(SettingsError) as caught:
        settings(config, secret)
    return {p.key: p.message for p in caught.value.problems}


@pytest.mark.parametrize("prefix", ["inf", "nan", "infinity", "e10"])
def test_text_settings_that_look_like_numbers_stay_text(prefix: str) -> None:
    assert settings(dev_config(namePrefix=prefix)).name_prefix == prefix


def test_top_level_values_are_read_by_their_declared_type() -> None:
    config = dev_config(protect="true", naming='{"revision": 3}')
    assert settings(config).protect is True
    assert settings(config).naming.revision == 3
    assert problems(dev_config(protect="sometimes")) == {f"{NS}:protect": "must be true or false, not 'sometimes'"}


def test_a_section_that_is_not_an_object_names_it() -> None:
    found = problems(dev_config(storage="Standard_LRS"))
    assert found == {f"{NS}:storage": "must be a mapping of keys to values (a YAML block), not the text 'Standard_LRS'"}
    assert problems(dev_config(compute=""))[f"{NS}:compute"].endswith("not an empty value")


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("mlplatform:compute", f"did you mean {NS}:compute?"),
        ("ml-platfrom:access", f"did you mean {NS}:access?"),
        ("ml_platform:tags", f"did you mean {NS}:tags?"),
        ("azure:location", f"nothing in this program reads the namespace 'azure' (settings are {NS}:<key>)"),
        ("compute", f"has no namespace: settings are {NS}:<key>"),
    ],
)
def test_a_key_nothing_reads_is_an_error_not_a_skipped_section(key: str, fragment: str) -> None:
    config = {**dev_config(), key: json.dumps({"instances": []})}
    found = problems(config)
    assert list(found) == [key]
    assert fragment in found[key]


def test_the_providers_and_the_engines_namespaces_are_theirs() -> None:
    config = {**dev_config(), "azure-native:location": "westeurope", "pulumi:tags": '{"team": "ml"}'}
    assert settings(config).location == "westeurope"


def test_a_secret_where_a_section_belongs_is_an_error_not_the_tier_defaults() -> None:
    config = dev_config(compute="[secret]")
    found = problems(config, frozenset({f"{NS}:compute"}))
    assert list(found) == [f"{NS}:compute"]
    assert "settings are never secret" in found[f"{NS}:compute"]


def test_a_secret_under_a_name_of_its_own_is_fine() -> None:
    config = {**dev_config(), f"{NS}:teamShareSas": "[secret]"}
    assert settings(config, frozenset({f"{NS}:teamShareSas"})).name_prefix == "mlp"


@pytest.mark.parametrize("key", ["compute.maxTotalNodes", "tags.owner", "compute.clusters[0].maxNodes"])
def test_a_dotted_key_says_to_nest_it(key: str) -> None:
    found = problems({**dev_config(), f"{NS}:{key}": "8"})
    head = key.split(".", maxsplit=1)[0]
    assert found == {
        f"{NS}:{key}": f"a dotted key is not a path in a stack file: nest it under {NS}:{head} "
        f"(`pulumi config set --path '{key}' <value>` writes it nested)"
    }


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"tags": {**stack_values("dev")["tags"], "reviewed": "2025-01-01 00:00:00 +0000 UTC"}}, "tags.reviewed"),
        ({"encryption": {"keyExpiresOn": "2027-01-01 00:00:00 +0000 UTC"}}, "encryption.keyExpiresOn"),
        ({"location": "2025-01-01 00:00:00 +0000 UTC"}, "location"),
    ],
)
def test_an_unquoted_yaml_date_anywhere_names_its_key(changes: dict[str, Any], key: str) -> None:
    found = problems(dev_config(**changes))
    assert f"{NS}:{key}" in found
    assert "YAML reads an unquoted date or time" in found[f"{NS}:{key}"]
    assert "quote it ('20" in found[f"{NS}:{key}"]


def test_a_number_where_text_is_expected_says_to_quote_it() -> None:
    tags = {**stack_values("dev")["tags"], "costCenter": 1000}
    found = problems(dev_config(tags=tags))
    assert found[f"{NS}:tags.costCenter"].startswith("must be text (YAML reads an unquoted 1234")
    assert found[f"{NS}:tags.costCenter"].endswith("not 1000")


def test_reading_and_validation_problems_come_in_one_message() -> None:
    config = {**dev_config(namePrefix="X"), "mlplatform:access": "{}", f"{NS}:compute.maxTotalNodes": "8"}
    assert sorted(problems(config)) == [f"{NS}:compute.maxTotalNodes", f"{NS}:namePrefix", "mlplatform:access"]


def test_read_config_keeps_text_and_decodes_sections() -> None:
    raw, found = read_config({f"{NS}:namePrefix": "0x10", f"{NS}:tags": '{"owner": "a"}'})
    assert (raw, found) == ({"namePrefix": "0x10", "tags": {"owner": "a"}}, [])
