"""Property-based: any valid prefix and any stack name give names that obey Azure's rules."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from components.core.naming import Names

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


@given(prefixes, stacks, stacks)
def test_globally_unique_names_differ_between_stacks(prefix: str, a: str, b: str) -> None:
    if a == b:
        return
    first, second = Names("ml-platform", a, prefix), Names("ml-platform", b, prefix)
    assert first.storage_account != second.storage_account
    assert first.key_vault != second.key_vault
    assert first.container_registry != second.container_registry


@given(prefixes, stacks)
def test_names_are_deterministic(prefix: str, stack: str) -> None:
    assert Names("ml-platform", stack, prefix) == Names("ml-platform", stack, prefix)
    assert Names("ml-platform", stack, prefix).storage_account == Names("ml-platform", stack, prefix).storage_account


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
    assert names.storage_account == f"stmlpprod{names.hash}"
    assert names.key_vault == f"kv-mlp-prod-{names.hash}"
    assert names.container_registry == f"crmlpprod{names.hash}"
    assert bumped.workspace == "mlw-mlp-prod-r2"
    assert names.global_alnum("dllake") == f"dllakemlpprod{names.hash}"
