"""Regenerate the generated blocks of the docs: the settings reference (from the settings models and
the tier defaults) in docs/settings.md, the access model (from the stack files,
tools/access_table.py) in docs/data-and-access.md, the users' journeys (from their definitions,
tools/journey_table.py) in docs/offline-plan.md, and the other blocks GENERATED lists.

`python -m tools.docs` rewrites each block between its markers; `--check` exits 1 and names every
file that is out of date, without writing (the tests run the same comparison).
"""

from __future__ import annotations

import json
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from components.settings.shared import SharedStackSettings
from components.settings.stack import StackSettings
from components.settings.tiers import SHARED_TIER_DEFAULTS, TIER_DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
# Each generated file (relative to the repository root) and the blocks it holds.
GENERATED: dict[str, tuple[str, ...]] = {
    "docs/settings.md": ("settings-reference",),
    "docs/registry.md": ("shared-settings-reference",),
    "docs/compute.md": ("compute-tiers",),
    "docs/data-and-access.md": ("access-model",),
    "docs/offline-plan.md": ("journeys",),
    "docs/deploying.md": ("prerequisites",),
}
TIERS = ("dev", "staging", "prod")
_MISSING = object()


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The settings models a field holds, directly, in a list, or in an optional/union."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple):
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation))
    return False


def _is_dict(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is dict:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_dict(a) for a in typing.get_args(annotation))
    return False


def _type_name(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(a) for a in typing.get_args(annotation))
    if typing.get_origin(annotation) is typing.Literal:
        return " \\| ".join(f"`{v}`" for v in typing.get_args(annotation))
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("NoneType", "None").replace("|", "\\|")


def _lookup(defaults: dict[str, Any], path: list[str]) -> Any:
    node: Any = defaults
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _show(value: Any) -> str:
    if value is _MISSING:
        return ""
    text = json.dumps(value, separators=(", ", ": "))
    return f"`{text}`" if len(text) <= 60 else "see stack files"


def _field_default(info: FieldInfo) -> Any:
    if info.is_required():
        return _MISSING
    if info.default_factory is not None:
        return _MISSING  # a nested section: its own rows show its defaults
    return info.default


def rows(
    model: type[BaseModel],
    path: list[str],
    in_list: bool = False,
    defaults: dict[str, dict[str, Any]] = TIER_DEFAULTS,
) -> list[list[str]]:
    table: list[list[str]] = []
    for name, info in model.model_fields.items():
        alias = info.alias or name
        key = [*path, alias]
        nested = _models_in(info.annotation)
        listed = _is_list(info.annotation)
        keyed = _is_dict(info.annotation)  # entries by a name the stack file chooses
        if nested and not listed and not keyed:
            for sub in nested:
                table += rows(sub, key, in_list, defaults)
            continue
        label = ".".join(key) + ("[]" if listed else "")
        per_tier = []
        for tier in TIERS:
            value = _MISSING if in_list else _lookup(defaults[tier], key)
            if value is _MISSING:
                value = _field_default(info)
            shown = _show(value)
            per_tier.append(shown or ("**required**" if info.is_required() and not in_list else ""))
        table.append([f"`{label}`", _type_name(info.annotation), info.description or "", *per_tier])
        for sub in nested if listed or keyed else []:
            table += rows(sub, [*key[:-1], key[-1] + ("[]" if listed else ".<name>")], True, defaults)
    return table


def reference(model: type[BaseModel] = StackSettings, defaults: dict[str, dict[str, Any]] = TIER_DEFAULTS) -> str:
    header = ["key (`ml-platform:`...)", "type", "meaning", *TIERS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    table = rows(model, [], defaults=defaults)
    lines += ["| " + " | ".join(cell.replace("\n", " ") for cell in row) + " |" for row in table]
    return "\n".join(lines)


def shared_reference() -> str:
    """The keys of a shared stack (`kind: shared`), with its tier defaults."""
    return reference(SharedStackSettings, SHARED_TIER_DEFAULTS)


def replace_block(text: str, name: str, content: str) -> str:
    """Put `content` between `<!-- BEGIN name -->` and `<!-- END name -->`."""
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    start, stop = text.index(begin) + len(begin), text.index(end)
    return text[:start] + "\n" + content + "\n" + text[stop:]


def generators() -> dict[str, Callable[[], str]]:
    from tools.access_table import access_model  # plans grants from the stack files: only when rendering
    from tools.compute_table import compute_tiers
    from tools.journey_table import journey_table
    from tools.prerequisites_table import prerequisites

    return {
        "settings-reference": reference,
        "shared-settings-reference": shared_reference,
        "access-model": access_model,
        "compute-tiers": compute_tiers,
        "journeys": journey_table,
        "prerequisites": prerequisites,
    }


def render(text: str, blocks: tuple[str, ...], contents: dict[str, str]) -> str:
    for name in blocks:
        text = replace_block(text, name, contents[name])
    return text


def stale(root: Path = ROOT) -> dict[Path, str]:
    """Every generated file whose blocks are out of date, with the text it should have."""
    make = generators()
    contents = {name: make[name]() for blocks in GENERATED.values() for name in blocks}
    wanted = {}
    for relative, blocks in GENERATED.items():
        path = root / relative
        current = path.read_text()
        text = render(current, blocks, contents)
        if text != current:
            wanted[path] = text
    return wanted


def main(argv: list[str], root: Path = ROOT) -> int:
    outdated = stale(root)
    if "--check" in argv:
        for path in outdated:
            print(f"{path.relative_to(root)}: generated blocks are out of date: run `make docs`", file=sys.stderr)
        return 1 if outdated else 0
    for path, text in outdated.items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
