"""Run the real Pulumi program in-process under Pulumi's mock engine and record every registration."""

from __future__ import annotations

import asyncio
import os
import runpy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import get_root_resource, set_all_config

from .compat import MockMonitor, reset_root_resource, run_pulumi_func, sync_await, without_sdk_type_aliases
from .mocks import PlanMocks
from .stackfile import ROOT, SECRET_PLACEHOLDER, StackConfig
from .tree import children_by_parent

# Pulumi's wire signatures for values that are not plain data.
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_REF = "5cf8f73096256a8f31e491e813e4eb8e"
_OUTPUT = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# How plan records write a value unknown at plan time (secrets: SECRET_PLACEHOLDER).
UNKNOWN_MARKER = "[unknown]"


@dataclass
class Plan:
    project: str
    stack: str
    resources: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"project": self.project, "stack": self.stack, "resources": self.resources, "outputs": self.outputs}


def plain(value: Any) -> Any:
    """Wire value -> JSON: secrets masked, unknowns marked, resource references as their URN."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET:
            return SECRET_PLACEHOLDER
        if sig == _RESOURCE_REF:
            return value.get("urn")
        if sig == _OUTPUT:
            if value.get("secret"):
                return SECRET_PLACEHOLDER
            return plain(value["value"]) if "value" in value else UNKNOWN_MARKER
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value == _UNKNOWN:
        return UNKNOWN_MARKER
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf Structs carry every number as a double
    return value


class RecordingMonitor(MockMonitor):
    """The mock monitor, keeping what `pulumi preview` would show: options and dependencies too."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.records: list[dict[str, Any]] = []
        self.outputs_by_urn: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        self.records.append(
            {
                "urn": response.urn,
                "type": request.type,
                "name": request.name,
                "parent": request.parent or None,
                "custom": bool(request.custom),
                "inputs": plain(json_format.MessageToDict(request.object)),
                "outputs": plain(json_format.MessageToDict(response.object)) if request.custom else {},
                "protect": bool(request.protect),
                "dependencies": sorted(set(request.dependencies)),
                "propertyDependencies": {
                    key: sorted(set(deps.urns)) for key, deps in sorted(request.propertyDependencies.items())
                },
                "provider": request.provider or None,
                "deleteBeforeReplace": bool(request.deleteBeforeReplace),
                "replaceOnChanges": list(request.replaceOnChanges),
                "ignoreChanges": list(request.ignoreChanges),
                "retainOnDelete": bool(request.retainOnDelete),
                "aliases": [a for a in request.aliasURNs],
            }
        )
        return response


@contextmanager
def _in_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def run_program(
    config: StackConfig, program: Path = ROOT / "__main__.py", monitor: RecordingMonitor | None = None
) -> Plan:
    """Run the program for one stack; a SettingsError propagates before any resource is registered.

    Each call is a fresh mock engine, so one process can plan several stacks (python -m tools.plan
    --stack a --stack b): a new event loop, mocks, monitor and runtime settings (set_mocks), a new
    root stack resource, the stack's own config in place of the last one's, and the alias patch
    undone; afterwards the root and the config are cleared again. tests/test_plan_many.py checks
    that each stack's files are byte-identical to its solo plan's."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        monitor = monitor or RecordingMonitor(PlanMocks())
        reset_root_resource()
        set_all_config(dict(config.values), list(config.secret_keys))
        pulumi.runtime.set_mocks(
            PlanMocks(), project=config.project, stack=config.stack, preview=False, monitor=monitor
        )
        resolved: dict[str, Any] = {}

        async def program_then_outputs() -> None:
            runpy.run_path(str(program), run_name="__main__")
            root = get_root_resource()
            outputs = getattr(root, "outputs", {}) or {}
            for key, value in outputs.items():
                resolved[key] = await _resolve(value)

        with _in_directory(program.parent), without_sdk_type_aliases():
            sync_await(run_pulumi_func(program_then_outputs))
        # the root stack is recorded like every resource (set_mocks registers it), so it is the tree's root
        return Plan(config.project, config.stack, tree_order(monitor.records), resolved)
    finally:
        reset_root_resource()
        set_all_config({}, [])
        loop.close()
        asyncio.set_event_loop(None)


def tree_order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parents before children; siblings (registered concurrently, so in no fixed order) sorted:
    resources before components, then by name, so two runs list the same plan identically."""
    children = children_by_parent(records)
    ordered: list[dict[str, Any]] = []

    def visit(parent: str | None) -> None:
        for record in sorted(children.get(parent, []), key=lambda r: (not r["custom"], r["name"], r["type"])):
            ordered.append(record)
            visit(record["urn"])

    visit(None)
    return ordered


async def _resolve(value: Any) -> Any:
    output = pulumi.Output.from_input(value)
    if await output.is_secret():
        return SECRET_PLACEHOLDER
    return plain(await output.future())
