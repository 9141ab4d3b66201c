"""Property-based: any valid prefix and any stack name give names that obey Azure's rules,
differ between stacks and between names of one stack, and are the same in every process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from hypothesis import example, given
from hypothesis import strategies as st

from components.core.naming import Names
from tools.plan.stackfile import ROOT

prefixes = st.from_regex(r"[a-z][a-z0-9]{1,7}", fullmatch=True)
# Pulumi stack names: letters, digits, hyphens, underscores, dots (up to 100 characters)
stacks = st.from_regex(r"[A-Za-z0-9_.\-]{1,100}", fullmatch=True)
revisions = st.integers(min_value=0, max_value=999)

RULES = {
    "storage_account": r"[a-z0-9]{3,24}",
    "container_registry": r"[a-zA-Z0-9]{5,50}",
    "resource_group": r"[\w\-.()]{0,89}[\w\-()]",
    "workspace": r"[a-zA-Z0-9][a-zA-Z0-9\-]{2,32}",
    "log_analytics": r"[a-zA-Z0-9][a-zA-Z0-9\-]{2,61}[a-zA-Z0-9]",
}


def _key_vault_ok(name: str) -> bool:
    return bool(re.fullmatch(r"[a-zA-Z][a-zA-Z0-9\-]{1,22}[a-zA-Z0-9]", name)) and "--" not in name


@given(prefixes, stacks, revisions)
# random stack names are short: these two make the length cut and a cut right after a hyphen happen
@example(prefix="abcdefgh", stack="s" * 100, revision=999)
@example(prefix="abcdefgh", stack="ab-cd", revision=0)
def test_every_name_obeys_azure_rules(prefix: str, stack: str, revision: int) -> None:
    names = Names("ml-platform", stack, prefix, revision)
    for attribute, rule in RULES.items():
        value = getattr(names, attribute)
        assert re.fullmatch(rule, value), (attribute, value)
    assert _key_vault_ok(names.key_vault), names.key_vault
    assert not names.app_insights.endswith((" ", "."))


GLOBAL = ("storage_account", "key_vault", "container_registry")


@given(prefixes, stacks, stacks)
# the readable parts are equal here, so only the hash can tell the names apart:
@example(prefix="mlp", a="prod-eu", b="prod_eu")  # both read "prodeu"
@example(prefix="mlp", a="prod-eu", b="prod.eu")
@example(prefix="abcdefgh", a="team-analytics-production-" + "1" * 60, b="team-analytics-production-" + "2" * 60)
def test_globally_unique_names_differ_between_stacks(prefix: str, a: str, b: str) -> None:
    if a == b:
        return
    first, second = Names("ml-platform", a, prefix), Names("ml-platform", b, prefix)
    for attribute in GLOBAL:
        assert getattr(first, attribute) != getattr(second, attribute), attribute
    assert first.global_alnum("dllake") != second.global_alnum("dllake")


def test_two_data_lakes_whose_names_cut_to_the_same_text_still_differ() -> None:
    """dl<key><prefix><stack> is cut to fit 24 characters: keys `a` and `aa` read the same then."""
    names = Names("ml-platform", "a" * 40, "aa")
    first, second = names.global_alnum("dla"), names.global_alnum("dlaa")
    assert first[:-8] == second[:-8]  # the readable parts are equal...
    assert first != second  # ...the hash is not


def test_the_hash_is_32_bits_of_hex_and_tells_thousands_of_look_alike_stacks_apart() -> None:
    """Stacks whose readable part is cut to one text differ only in the hash: 8 hex characters,
    2^-32 odds for a pair (docs/settings.md#names), no collision among 5000 such stacks."""
    stacks = [f"team-analytics-production-{i:05d}" for i in range(5000)]
    names = [Names("ml-platform", s, "abcdefgh").storage_account for s in stacks]
    assert len(set(names)) == len(names)
    assert len({n[:-8] for n in names}) == 1
    assert all(re.fullmatch(r"[0-9a-f]{8}", n[-8:]) for n in names)


CASES = [("mlp", "prod", 0), ("mlp", "prod-eu", 3), ("abcdefgh", "s" * 100, 999), ("x1", "_", 0)]
SCRIPT = """
import json, sys
from components.core.naming import Names
cases = json.loads(sys.argv[1])
print(json.dumps([
    [getattr(Names("ml-platform", s, p, r), a) for a in ("storage_account", "key_vault", "container_registry",
     "workspace", "resource_group")] + [Names("ml-platform", s, p, r).global_alnum("dllake")]
    for p, s, r in cases
]))
"""


def names_in_a_new_process(hash_seed: str) -> list[list[str]]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(CASES)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout)


def test_names_are_the_same_in_two_independent_processes() -> None:
    """Two interpreters with different string-hash salts (what Python's own hash() depends on)
    give every name the same: a rerun never renames, so never replaces, a resource."""
    first, second = names_in_a_new_process("1"), names_in_a_new_process("2")
    assert first == second
    assert len({tuple(row) for row in first}) == len(CASES)  # and the cases give different names


@given(prefixes, stacks, st.integers(min_value=1, max_value=999))
def test_revision_moves_names_held_by_soft_deleted_resources(prefix: str, stack: str, revision: int) -> None:
    before, after = Names("ml-platform", stack, prefix, 0), Names("ml-platform", stack, prefix, revision)
    for attribute in ("storage_account", "key_vault", "container_registry", "workspace"):
        assert getattr(before, attribute) != getattr(after, attribute), attribute


def test_names_read_kind_prefix_and_stack_before_the_hash() -> None:
    """The readable part is what an engineer searches the portal for (README: naming)."""
    names, bumped = Names("ml-platform", "prod", "mlp"), Names("ml-platform", "prod", "mlp", 2)
    assert (names.resource_group, names.workspace, names.log_analytics) == (
        "rg-mlp-prod",
        "mlw-mlp-prod",
        "log-mlp-prod",
    )
    assert names.storage_account == f"stmlpprod{names.hash_of('st')}"
    assert names.key_vault == f"kv-mlp-prod-{names.hash_of('kv')}"
    assert names.container_registry == f"crmlpprod{names.hash_of('cr')}"
    assert bumped.workspace == "mlw-mlp-prod-r2"
    assert names.global_alnum("dllake") == f"dllakemlpprod{names.hash_of('dllake')}"
