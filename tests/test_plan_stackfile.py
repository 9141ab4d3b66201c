"""Stack files are read as the Pulumi CLI reads them (gopkg.in/yaml.v3, LoadProjectStackBytes):
the values it would pass, and one message naming the key or line where it would refuse the file
or silently lose part of it."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from components.settings import SettingsError
from tools.plan.stackfile import StackConfig, load_stack_config
from tools.plan.yaml_v3 import GoTime, YamlError, parse, resolve_plain

HEAD = "config:\n  ml-platform:tier: dev\n"


def read(tmp_path: Path, text: str | bytes) -> StackConfig:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return load_stack_config("t", path)


def refused(tmp_path: Path, text: str | bytes) -> list[tuple[str, str]]:
    with pytest.raises(SettingsError) as caught:
        read(tmp_path, text)
    return [(p.key, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("False", False),
        ("yes", "yes"),  # YAML 1.1 booleans are strings for yaml.v3 (PyYAML: True)
        ("off", "off"),
        ("~", None),
        ("null", None),
        ("0x10", 16),
        ("0o10", 8),
        ("010", 8),  # Go's ParseInt(s, 0, 64): a leading 0 is octal
        ("08", 8.0),  # no octal, but a YAML-style float
        ("1_000", 1000),
        ("-0b11", -3),
        ("+5", 5),
        ("1e3", 1000.0),  # PyYAML: the string "1e3"
        ("1.5", 1.5),
        (".5", 0.5),
        ("inf", "inf"),
        ("nan", "nan"),
        ("Infinity", "Infinity"),
        ("12:30", "12:30"),  # PyYAML: the base-60 integer 750
        ("0b2", "0b2"),
        ("2025-02-30", "2025-02-30"),  # no such day: Go's time.Parse refuses it, so it stays text
        ("2025-01-01", GoTime("2025-01-01 00:00:00 +0000 UTC")),
        ("2025-1-2T3:04:05Z", GoTime("2025-01-02 03:04:05 +0000 UTC")),
        ("2025-01-02 10:00:00.250", GoTime("2025-01-02 10:00:00.25 +0000 UTC")),
        ("2025-01-02T10:00:00+02:00", GoTime("2025-01-02 10:00:00 +0200 +0200")),
    ],
)
def test_plain_scalars_resolve_as_in_yaml_v3(text: str, value: Any) -> None:
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_special_floats_and_quoted_scalars() -> None:
    assert math.isinf(parse("a: .inf")["a"])
    assert math.isnan(parse("a: .NaN")["a"])
    assert parse("a: '0x10'\nb: \"2025-01-01\"\nc: !!str 1e3") == {"a": "0x10", "b": "2025-01-01", "c": "1e3"}


def test_top_level_values_reach_the_program_as_the_cli_passes_them(tmp_path: Path) -> None:
    config = read(
        tmp_path,
        HEAD + "  ml-platform:namePrefix: inf\n  ml-platform:a: 0x10\n  ml-platform:b: 1e3\n"
        "  ml-platform:c: true\n  ml-platform:d:\n  ml-platform:e: 2025-01-01\n"
        "  ml-platform:tags: {owner: 1e3, z: 1, a: [yes, 2025-01-01]}\n",
    )
    assert config.values == {
        "ml-platform:tier": "dev",
        "ml-platform:namePrefix": "inf",
        "ml-platform:a": "16",
        "ml-platform:b": "1000",
        "ml-platform:c": "true",
        "ml-platform:d": "",
        "ml-platform:e": "2025-01-01 00:00:00 +0000 UTC",
        # objects as Go's encoding/json writes them: keys sorted, 1e3 as 1000
        "ml-platform:tags": '{"a":["yes","2025-01-01 00:00:00 +0000 UTC"],"owner":1000,"z":1}',
    }


def test_a_bare_key_takes_the_project_namespace_and_the_old_form_is_read(tmp_path: Path) -> None:
    config = read(tmp_path, "config:\n  tier: dev\n  ml-platform:config:location: westeurope\n")
    assert config.values == {"ml-platform:tier": "dev", "ml-platform:location": "westeurope"}


def test_a_utf8_byte_order_mark_is_stripped_like_the_cli_does(tmp_path: Path) -> None:
    assert read(tmp_path, b"\xef\xbb\xbf" + HEAD.encode()).values == {"ml-platform:tier": "dev"}


def test_an_empty_file_or_config_is_no_config(tmp_path: Path) -> None:
    assert read(tmp_path, "").values == {}
    assert read(tmp_path, "config:\n").values == {}


def test_a_secure_value_or_an_object_holding_one_is_a_secret(tmp_path: Path) -> None:
    config = read(tmp_path, HEAD + "  ml-platform:sas: {secure: AAAB}\n  ml-platform:tags: {owner: {secure: AAAC}}\n")
    assert config.secret_keys == ("ml-platform:sas", "ml-platform:tags")
    assert "AAAB" not in json.dumps(config.values)


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        (HEAD + "  ml-platform:tier: prod\n", "ml-platform:tier", "is given twice (lines 2 and 3)"),
        (
            HEAD + "  ml-platform:compute:\n    clusters:\n      - name: a\n        name: b\n",
            "ml-platform:compute.clusters[0].name",
            "is given twice (lines 5 and 6)",
        ),
        (HEAD + "  'ml-platform:tier': prod\n", "ml-platform:tier", "is given twice"),  # quoted or not: one key
        (HEAD + "  tier: prod\n", "ml-platform:tier", "is given twice (as 'ml-platform:tier' and as 'tier')"),
        ("config:\n\tml-platform:tier: dev\n", "Pulumi.t.yaml line 2, column 1", "a tab character"),
        (HEAD + "  ml-platform:tags: {owner: [a, b}\n", "Pulumi.t.yaml line 3, column 34", "invalid YAML"),
        (HEAD + "  ml-platform:namePrefix: 'mlp\n", "Pulumi.t.yaml line 4, column 1", "invalid YAML"),
        (HEAD.encode() + b"  ml-platform:location: westeur\xf6pe\n", "Pulumi.t.yaml line 3", "byte 0xF6 is not UTF-8"),
        ("- config\n", "Pulumi.t.yaml", "must be a mapping with a `config:` key, not a list"),
        ("just text\n", "Pulumi.t.yaml", "not the text 'just text'"),
        ("config: [a]\n", "config", "must be a mapping of config keys to values, not a list"),
        (HEAD + "ml-platform:compute:\n  maxTotalNodes: 8\n", "ml-platform:compute", "is not a key of a stack file"),
        (HEAD + "---\nconfig: {}\n", "Pulumi.t.yaml line 4", "a second YAML document"),
        (HEAD + "  ml-platform:a:b: 1\n", "ml-platform:a:b", "of the form `<namespace>:<name>`"),
        (HEAD + "  ml-platform:n: .inf\n", "ml-platform:n", "JSON cannot carry"),
        (HEAD + "  ml-platform:c: {sizes: [1, .nan]}\n", "ml-platform:c.sizes[1]", "JSON cannot carry"),
        (HEAD + "  ml-platform:tags: {1: one}\n", "ml-platform:tags key '1' (the number 1)", "keys are strings"),
        (HEAD + "  7: seven\n", "config key '7' (the number 7)", "config keys are strings"),
        ("config: &a\n  x: *a\n", "Pulumi.t.yaml line 1", "an alias refers to the node that contains it"),
    ],
)
def test_what_the_cli_refuses_or_would_lose_is_one_message_naming_the_key_or_line(
    tmp_path: Path, text: str | bytes, key: str, fragment: str
) -> None:
    problems = refused(tmp_path, text)
    assert len(problems) == 1, problems
    assert problems[0][0] == key
    assert fragment in problems[0][1]


def test_yaml_errors_carry_the_line() -> None:
    with pytest.raises(YamlError) as caught:
        parse("a: 1\nb: [\n")
    assert caught.value.line == 3


def test_a_section_without_the_namespace_is_planned_as_the_cli_would(tmp_path: Path) -> None:
    """`compute:` in a stack file is `ml-platform:compute` to the CLI: its instances are planned,
    not dropped (the plan read it as a key of no namespace and lost them)."""
    from tests.planning import Resources
    from tools.plan.engine import run_program

    text = (
        HEAD + "  ml-platform:location: westeurope\n  namePrefix: mlp\n"
        "  tags: {owner: team, costCenter: CC-1, dataClassification: internal}\n"
        "  compute:\n    instances:\n"
        "      - {name: ci-alice, vmSize: Standard_DS11_v2,\n"
        "         assignedUserObjectId: a11ce000-0000-4000-8000-000000000001}\n"
    )
    instances = Resources(run_program(read(tmp_path, text))).ml_computes("ComputeInstance")
    assert list(instances) == ["ci-alice"]
