"""Read a stack file the way the Pulumi CLI hands its config to the program."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SECRET_PLACEHOLDER = "[secret]"


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, str]  # "namespace:key" -> string (objects as JSON), as the engine passes them
    secret_keys: tuple[str, ...]


def project_name(root: Path = ROOT) -> str:
    return str(yaml.safe_load((root / "Pulumi.yaml").read_text())["name"])


def stack_file(stack: str, root: Path = ROOT) -> Path:
    return root / "stacks" / f"Pulumi.{stack}.yaml"


def available_stacks(root: Path = ROOT) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (root / "stacks").glob("Pulumi.*.yaml"))


def stack_kind(stack: str, root: Path = ROOT) -> str:
    """`environment` or `shared` (a stack file's `ml-platform:kind`, default environment)."""
    document = yaml.safe_load(stack_file(stack, root).read_text()) or {}
    return str((document.get("config") or {}).get("ml-platform:kind", "environment"))


def environment_stacks(root: Path = ROOT) -> list[str]:
    """The stacks with a workspace (every stack file but the shared ones)."""
    return [s for s in available_stacks(root) if stack_kind(s, root) != "shared"]


def shared_stacks(root: Path = ROOT) -> list[str]:
    """The stacks that create the Azure ML registry (`kind: shared`)."""
    return [s for s in available_stacks(root) if stack_kind(s, root) == "shared"]


def load_stack_config(stack: str, path: Path | None = None, root: Path = ROOT) -> StackConfig:
    path = path or stack_file(stack, root)
    if not path.exists():
        known = ", ".join(available_stacks(root)) or "none"
        raise FileNotFoundError(f"no stack file {path} (stacks: {known})")
    document = yaml.safe_load(path.read_text()) or {}
    values: dict[str, str] = {}
    secrets: list[str] = []
    for key, value in (document.get("config") or {}).items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            # encrypted with the stack's secrets provider, which is not here: keep it opaque
            values[key] = SECRET_PLACEHOLDER
            secrets.append(key)
        else:
            values[key] = _encode(value)
    return StackConfig(project_name(root), stack, values, tuple(secrets))


def _encode(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)
