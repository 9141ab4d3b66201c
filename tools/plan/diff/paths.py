"""Input values as flat `path -> leaf` maps, and Pulumi's property-path patterns matched against them.

Paths are written the way `replaceOnChanges` and `ignoreChanges` write them (`properties.vmSize`,
`agentPoolProfiles[0].vmSize`); a pattern's `[*]` matches any index and a pattern covers every path
below it (`properties` covers `properties.properties.vmSize`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*")


def _key(prefix: str, key: str) -> str:
    step = key if _PLAIN_KEY.fullmatch(key) else f'["{key}"]'
    if not prefix:
        return step
    return prefix + step if step.startswith("[") else f"{prefix}.{step}"


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf of `value` by its path; an empty object or list is a leaf of its own (so that
    adding or removing one shows)."""
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, _key(prefix, str(key))))
        return flat
    if isinstance(value, list) and value:
        flat = {}
        for index, item in enumerate(value):
            flat.update(flatten(item, f"{prefix}[{index}]"))
        return flat
    return {prefix: value}


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    body = re.escape(pattern).replace(r"\[\*\]", r"\[\d+\]")
    return re.compile(f"^{body}(?=$|[.\\[])")


def covers(pattern: str, path: str) -> bool:
    """Whether Pulumi's property path `pattern` names `path` or a property above it ("*": all)."""
    return pattern == "*" or _pattern(pattern).match(path) is not None
