"""Property-based: the shipped stack files, mutated the way people break them (drop, rename and
retype keys, duplicate lines and items, nest wrongly, inject Unicode, quote and unquote scalars),
either plan or stop with one message naming a key path. Never a traceback; never a silent drop:
a dropped or renamed key changes the message or the plan, and a renamed key that plans shows in
the plan under its new name (a key nothing reads would only lose what it held).

Bounded and deterministic (derandomize: the same examples on every run, no example database), so
the suite stays fast and a failure reproduces."""

from __future__ import annotations

import copy
import json
import re
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.settings import SettingsError
from tests.conftest import STACKS
from tools.plan.engine import run_program
from tools.plan.inputs import InputError, checked_inputs
from tools.plan.stackfile import StackConfig, load_stack_config, stack_file
from tools.plan.yaml_v3 import parse


def bounded(examples: int) -> Any:
    """`examples` draws, the same on every run; a plan is up to half a second, so few of them."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


Path_ = tuple[str | int, ...]
# What names a problem: a config key (`ml-platform:compute.clusters[1].maxNodes`, `mlplatform:x`),
# the stack file's `config`, or a place in the file (`Pulumi.x.yaml line 4, column 3`); a key
# itself may hold spaces (a tag name).
KEY = re.compile(
    r"(?:[^\s:]*:.+|ml-platform|config|\S+\.yaml(?: line \d+(?:, column \d+)?)?|(?:config )?key .+|.+ key .+)"
)


@cache
def shipped(stack: str) -> str:
    return stack_file(stack).read_text()


@cache
def baseline(stack: str) -> str:
    return outcome(stack, shipped(stack))


def outcome(stack: str, text: str) -> str:
    """What the plan command would do with the file (short of the policies): the plan's
    resources, or the one message. Any other exception fails the test (a traceback)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"Pulumi.{stack}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            config, _, _ = checked_inputs(stack, path, None)
            return planned(config.project, config.stack, tuple(config.values.items()), config.secret_keys)
        except SettingsError as error:
            return checked_message(error, [p.key for p in error.problems])
        except InputError as error:
            return checked_message(error, [str(error)])


@cache
def planned(project: str, stack: str, values: tuple[tuple[str, str], ...], secret_keys: tuple[str, ...]) -> str:
    """The plan's resources for one config. Many mutations read as the config they started from (a
    quoted string, a comment moved), and the config is all the program reads: each config is planned
    once (that two runs of one config register the same resources is tests/test_stacks.py's)."""
    plan = run_program(StackConfig(project, stack, dict(values), secret_keys))
    return json.dumps(plan.to_json()["resources"], ensure_ascii=False)


def checked_message(error: Exception, keys: list[str]) -> str:
    message = str(error)
    assert keys, message
    for key in keys:
        assert KEY.fullmatch(key), f"{key!r} names no key or place: {message}"
    assert "Traceback" not in message
    return "error: " + message


# --- the document as data, and back to YAML -------------------------------------------------


def document(stack: str) -> dict[str, Any]:
    return copy.deepcopy(parse(shipped(stack)))


def dump(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000)


def paths(value: Any, where: Path_ = ()) -> Iterator[Path_]:
    """Every key and list item below `value` (the config's own keys included)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*where, key)
            yield from paths(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*where, index)
            yield from paths(item, (*where, index))


def config_paths(stack: str) -> list[Path_]:
    return [("config", *p) for p in paths(document(stack)["config"])]


def parent(doc: Any, where: Path_) -> Any:
    for step in where[:-1]:
        doc = doc[step]
    return doc


def dropped(doc: dict[str, Any], where: Path_) -> dict[str, Any]:
    del parent(doc, where)[where[-1]]
    return doc


def renamed(doc: dict[str, Any], where: Path_, name: str) -> dict[str, Any]:
    holder = parent(doc, where)
    holder[name] = holder.pop(where[-1])
    return doc


def replaced(doc: dict[str, Any], where: Path_, value: Any) -> dict[str, Any]:
    parent(doc, where)[where[-1]] = value
    return doc


def test_the_shipped_files_survive_the_round_trip_through_yaml(tmp_path: Path) -> None:
    """The structural mutations dump the document again: unmutated, the CLI reads the same config."""
    for stack in STACKS:
        again = tmp_path / f"Pulumi.{stack}.yaml"
        again.write_text(dump(document(stack)))
        assert load_stack_config(stack, again) == load_stack_config(stack)
        assert not baseline(stack).startswith("error:"), baseline(stack)


# --- the properties ---------------------------------------------------------------------------

stacks = st.sampled_from(STACKS)
WEIRD_NAMES = st.sampled_from(["x", "Owner", "costcenter", "maxnodes", "tіer", "name ", "a.b", "1", "\u200bkey"])
VALUES = st.sampled_from([0, -1, 1.5, 10**20, True, None, "", "text", "0x10", [], {}, ["a"], {"k": "v"}])
UNICODE = st.sampled_from(["é", "\u200b", "\u202e", "١٢", "🙂", "Ａ", "\u0301", "\t"])
PLAIN = st.sampled_from(["0x10", "1e3", "inf", "nan", "yes", "no", "~", "2025-01-01", "010", ".inf", "1_000", "'"])


@bounded(12)
@given(stacks, st.data())
def test_a_dropped_key_plans_differently_or_is_named(stack: str, data: st.DataObject) -> None:
    where = data.draw(st.sampled_from(config_paths(stack)))
    result = outcome(stack, dump(dropped(document(stack), where)))
    assert result != baseline(stack), f"dropping {where} changed nothing"


@bounded(16)
@given(stacks, st.data(), WEIRD_NAMES)
def test_a_renamed_key_plans_differently_or_is_named(stack: str, data: st.DataObject, name: str) -> None:
    keys = [p for p in config_paths(stack) if isinstance(p[-1], str) and p[-1] != name]
    where = data.draw(st.sampled_from(keys))
    result = outcome(stack, dump(renamed(document(stack), where, name)))
    if not result.startswith("error:"):
        # taken as another key of its own (a tag, a datastore...): it shows in the plan, or it was lost
        assert result != baseline(stack), f"renaming {where} to {name!r} changed nothing"
        assert name in result, f"{where} renamed to {name!r} vanished from the plan"


@pytest.mark.parametrize("stack", STACKS)
def test_every_config_key_with_a_misspelt_namespace_is_named(stack: str) -> None:
    """Each key of each shipped file under `mlplatform:` and `ml-platfrom:`: the one message names
    it (nothing reads those namespaces, so their sections would fall back to the tier defaults)."""
    for where in [p for p in config_paths(stack) if len(p) == 2]:
        key = str(where[-1])
        for typo in (key.replace("ml-platform:", "mlplatform:"), key.replace("ml-platform:", "ml-platfrom:")):
            result = outcome(stack, dump(renamed(document(stack), where, typo)))
            assert f"  - {typo}: nothing in this program reads the namespace" in result, result


@bounded(12)
@given(stacks, st.data(), VALUES)
def test_a_retyped_value_plans_or_is_named(stack: str, data: st.DataObject, value: Any) -> None:
    where = data.draw(st.sampled_from(config_paths(stack)))
    outcome(stack, dump(replaced(document(stack), where, value)))


@bounded(10)
@given(stacks, st.data(), UNICODE)
def test_unicode_in_a_value_or_key_plans_or_is_named(stack: str, data: st.DataObject, extra: str) -> None:
    doc = document(stack)
    where = data.draw(st.sampled_from(config_paths(stack)))
    value = parent(doc, where)[where[-1]]
    if isinstance(value, str):
        replaced(doc, where, data.draw(st.sampled_from([value + extra, extra + value, extra])))
    elif isinstance(where[-1], str):
        renamed(doc, where, where[-1] + extra)
    outcome(stack, dump(doc))


def lines(stack: str) -> list[str]:
    return shipped(stack).splitlines()


@bounded(12)
@given(stacks, st.data())
def test_a_duplicated_line_or_item_plans_or_is_named(stack: str, data: st.DataObject) -> None:
    text = lines(stack)
    if data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(text) - 1))
        mutated = "\n".join([*text[: index + 1], text[index], *text[index + 1 :]])
    else:
        doc = document(stack)
        items = [p for p in config_paths(stack) if isinstance(p[-1], int)]
        where = data.draw(st.sampled_from(items))
        holder = parent(doc, where)
        holder.insert(where[-1], copy.deepcopy(holder[where[-1]]))
        mutated = dump(doc)
    outcome(stack, mutated + "\n")


@bounded(10)
@given(stacks, st.data(), st.sampled_from([-4, -2, 2, 4]), st.sampled_from([" ", "\t"]))
def test_a_line_nested_wrongly_plans_or_is_named(stack: str, data: st.DataObject, shift: int, pad: str) -> None:
    text = lines(stack)
    index = data.draw(st.integers(1, len(text) - 1))
    line = text[index]
    moved = line[-shift:] if shift < 0 and line.startswith(" " * -shift) else pad * max(shift, 0) + line.lstrip(" ")
    outcome(stack, "\n".join([*text[:index], moved, *text[index + 1 :]]) + "\n")


SCALAR_LINE = re.compile(r"^(?P<head>\s*(?:- )?[\w.:-]+: )(?P<value>[^{}\[\]#\n]+?)\s*(?P<comment>#.*)?$")


@bounded(8)
@given(stacks, st.data(), PLAIN)
def test_quoting_or_unquoting_a_scalar_plans_or_is_named(stack: str, data: st.DataObject, plain: str) -> None:
    text = lines(stack)
    scalars = [i for i, line in enumerate(text) if SCALAR_LINE.match(line)]
    index = data.draw(st.sampled_from(scalars))
    match = SCALAR_LINE.match(text[index])
    assert match is not None
    value = match["value"]
    choice = data.draw(st.sampled_from(["quote", "double", "unquote", "plain"]))
    new = {"quote": f"'{value}'", "double": f'"{value}"', "unquote": value.strip("'\""), "plain": plain}[choice]
    text[index] = match["head"] + new
    outcome(stack, "\n".join(text) + "\n")
