"""tools/plan/compat.py fences the private Pulumi APIs the offline plan uses. It was checked
against the pinned SDK versions: a version bump, a stale virtualenv or a vanished name must stop
the tests until someone re-checks it."""

from __future__ import annotations

import ast
import contextvars
import importlib
import inspect
from importlib.metadata import version
from pathlib import Path

import pulumi
import pytest

ROOT = Path(__file__).resolve().parents[1]
COMPAT = ROOT / "tools" / "plan" / "compat.py"
SDKS = ("pulumi", "pulumi-policy")
REQUIREMENTS = (ROOT / "requirements.txt", ROOT / "policies" / "requirements.txt")
# Modules of the SDKs that are not their public API (the names the compat module exists for).
PRIVATE_MODULES = {
    "pulumi.runtime.mocks",
    "pulumi.runtime.settings",
    "pulumi.runtime.stack",
    "pulumi.runtime.sync_await",
    "pulumi_policy.policy",
    "pulumi_policy.proxy",
}


def checked_against() -> dict[str, str]:
    """CHECKED_AGAINST read from the source, so this test runs even if compat no longer imports."""
    for node in ast.parse(COMPAT.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "CHECKED_AGAINST" for t in node.targets):
            return ast.literal_eval(node.value)  # type: ignore[no-any-return]
    raise AssertionError("tools/plan/compat.py defines no CHECKED_AGAINST")


def pins() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in REQUIREMENTS:
        for line in path.read_text().splitlines():
            name, pinned, ver = line.split("#", 1)[0].strip().partition("==")
            if pinned and name in SDKS:
                found.setdefault(name, set()).add(ver)
    return found


def imports_from(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from <module> import <name>` in a file."""
    return [
        (node.module, alias.name)
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    ]


def test_the_compat_module_names_the_versions_the_requirements_pin() -> None:
    assert set(checked_against()) == set(SDKS)
    assert pins() == {name: {ver} for name, ver in checked_against().items()}, (
        "the SDK pins changed: re-check every name in tools/plan/compat.py against the new versions, "
        "then update CHECKED_AGAINST"
    )


def test_the_installed_sdks_are_the_versions_compat_was_checked_against() -> None:
    installed = {name: version(name) for name in SDKS}
    assert installed == checked_against(), "the virtualenv is stale: run `make venv`"


def test_every_fenced_name_still_exists() -> None:
    fenced = [(m, n) for m, n in imports_from(COMPAT) if m.split(".")[0] in ("pulumi", "pulumi_policy")]
    assert {m for m, _ in fenced} >= PRIVATE_MODULES - {"pulumi.runtime.settings"}
    for module, name in fenced:
        assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone"
    assert isinstance(importlib.import_module("pulumi.runtime.settings").ROOT, contextvars.ContextVar)
    # the alias patch replaces a plain function taking (opts1, opts2), called on the class and on instances
    merge = inspect.getattr_static(pulumi.ResourceOptions, "merge")
    assert inspect.isfunction(merge)
    assert list(inspect.signature(merge).parameters) == ["opts1", "opts2"]


def python_files() -> list[Path]:
    # the venvs are not ours; the pack runs standalone: it fences its own
    skip = {".venv", ".venv-examples", ".venv-pipeline", "build", "policies"}
    return [p for p in ROOT.rglob("*.py") if p.relative_to(ROOT).parts[0] not in skip and p != COMPAT]


def test_nothing_else_imports_the_private_apis() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {module}.{name}"
        for path in python_files()
        for module, name in imports_from(path)
        if module in PRIVATE_MODULES or (module.split(".")[0] in ("pulumi", "pulumi_policy") and name.startswith("_"))
    ]
    assert offenders == [], "import these from tools/plan/compat.py"


def sdk_alias() -> pulumi.Alias:
    return pulumi.Alias(type_="azure-native:storage/v20230101:StorageAccount")


def test_the_alias_patch_drops_sdk_type_aliases_only_and_is_undone() -> None:
    from tools.plan.compat import without_sdk_type_aliases

    original = inspect.getattr_static(pulumi.ResourceOptions, "merge")
    program_alias = pulumi.Alias(name="old-name")
    with without_sdk_type_aliases():
        dropped = pulumi.ResourceOptions.merge(None, pulumi.ResourceOptions(aliases=[sdk_alias(), sdk_alias()]))
        kept = pulumi.ResourceOptions.merge(None, pulumi.ResourceOptions(aliases=[program_alias]))
        as_method = pulumi.ResourceOptions(protect=True).merge(pulumi.ResourceOptions(aliases=[sdk_alias()]))
    assert not dropped.aliases
    assert kept.aliases == [program_alias]
    assert (as_method.protect, as_method.aliases) == (True, None)
    assert inspect.getattr_static(pulumi.ResourceOptions, "merge") is original
    assert pulumi.ResourceOptions.merge(None, pulumi.ResourceOptions(aliases=[sdk_alias()])).aliases


def test_the_alias_patch_is_undone_when_the_program_fails() -> None:
    from tools.plan.compat import without_sdk_type_aliases

    original = inspect.getattr_static(pulumi.ResourceOptions, "merge")
    with pytest.raises(RuntimeError), without_sdk_type_aliases():
        raise RuntimeError("program failed")
    assert inspect.getattr_static(pulumi.ResourceOptions, "merge") is original
