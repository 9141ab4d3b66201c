"""One readable message for every problem in a stack file, each naming its config key."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pulumi
from pydantic import ValidationError

NAMESPACE = "ml-platform"


@dataclass(frozen=True, order=True)
class Problem:
    key: str  # full config key, e.g. "ml-platform:compute.clusters[1].maxNodes"
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


class SettingsError(pulumi.RunError):
    """Raised before any resource is registered; pulumi prints RunError without a traceback."""

    def __init__(self, stack: str, problems: Sequence[Problem]):
        self.stack = stack
        self.problems = tuple(problems)
        lines = [f"stack '{stack}' has {len(self.problems)} configuration problem(s):"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.problems]


def key_path(loc: Iterable[str | int]) -> str:
    """("compute", "clusters", 1, "maxNodes") -> "ml-platform:compute.clusters[1].maxNodes"."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return f"{NAMESPACE}:{path}" if path else NAMESPACE


def problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = [p for p in item["loc"] if not _is_union_tag(p)]
        message = item["msg"]
        if item["type"] == "value_error":
            message = message.removeprefix("Value error, ")
            # a model-level check names its key as "key: message" (see base.problem)
            head, sep, rest = message.partition(": ")
            if sep and _looks_like_key(head):
                loc.extend(_split_key(head))
                message = rest
        elif item["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling against the README's settings reference)"
        elif item["type"] == "missing":
            message = "required setting is missing"
        problems.append(Problem(key_path(loc), message))
    return problems


def _is_union_tag(part: str | int) -> bool:
    # pydantic adds the tag of a discriminated union ("function-after[...]" etc.) to locations
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _looks_like_key(text: str) -> bool:
    # base.problem() puts a bare key (no spaces or quotes) before the first ": "
    return bool(text) and not any(c.isspace() or c in "'\"" for c in text)


def _split_key(text: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in text.replace("[", ".[").split("."):
        if not piece:
            continue
        parts.append(int(piece[1:-1]) if piece.startswith("[") else piece)
    return parts
