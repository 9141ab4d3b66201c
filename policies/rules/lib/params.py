"""Rule parameters: their JSON schemas (with the default the CLI fills in) and how the configured
values are reconciled with those defaults."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyConfigSchema


@dataclass(frozen=True)
class Param:
    """A rule parameter: its JSON schema, which must carry the default the CLI fills in."""

    name: str
    schema: Mapping[str, Any]

    def __post_init__(self) -> None:
        if "default" not in self.schema:
            raise ValueError(f"parameter {self.name} needs a default")


def string_list(default: Sequence[str], description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "default": list(default), "description": description}


def integer(default: int, description: str, minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "default": default, "description": description}


def boolean(default: bool, description: str) -> dict[str, Any]:
    return {"type": "boolean", "default": default, "description": description}


def config_schema(params: Sequence[Param]) -> PolicyConfigSchema | None:
    if not params:
        return None
    return PolicyConfigSchema(properties={p.name: dict(p.schema) for p in params})


def _plain(value: Any) -> Any:
    # The CLI hands numbers over as floats (protobuf Struct); keep whole numbers integral.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: _plain(value[k]) for k in value}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def effective_config(params: Sequence[Param], given: Mapping[str, Any]) -> dict[str, Any]:
    """Schema defaults overlaid with the configured values, as the CLI reconciles them."""
    config = {p.name: copy.deepcopy(p.schema["default"]) for p in params}
    for key in given:
        config[key] = _plain(given[key])
    return config
