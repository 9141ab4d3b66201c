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


# Pydantic's words for a value of the wrong kind, in the stack file's terms.
_KIND_MESSAGES = {
    "string_type": "must be text (YAML reads an unquoted 1234, 0x10, 1e3 or true as a number or boolean): quote it",
    "dict_type": "must be a mapping of keys to values (a YAML block or {key: value})",
    "model_type": "must be a mapping of keys to values (a YAML block or {key: value})",
    "list_type": "must be a list (a YAML block of `- ` items or [a, b])",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
}


def problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = [p for p in item["loc"] if not _is_union_tag(p)]
        message = item["msg"]
        if item["type"] == "value_error":
            cause = (item.get("ctx") or {}).get("error")
            # a model check reports every problem it found at once (base.ProblemsError)
            for found in getattr(cause, "found", None) or [cause or message.removeprefix("Value error, ")]:
                problems.append(_checked(loc, found))
            continue
        if item["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling against the README's settings reference)"
        elif item["type"] == "missing":
            message = "required setting is missing"
        elif item["type"] in _KIND_MESSAGES:
            message = f"{_KIND_MESSAGES[item['type']]}, not {_shown(item.get('input'))}"
        problems.append(Problem(key_path(loc), message))
    return problems


def _checked(loc: list[str | int], found: object) -> Problem:
    key, message = getattr(found, "key", None), getattr(found, "message", None)
    if isinstance(key, str) and isinstance(message, str):  # base.problem(key, message)
        return Problem(key_path([*loc, *_split_key(key)]), message)
    message = str(found).removeprefix("Value error, ")
    # a check that raised ValueError("key: message") by hand
    head, sep, rest = message.partition(": ")
    if sep and _looks_like_key(head):
        return Problem(key_path([*loc, *_split_key(head)]), rest)
    return Problem(key_path(loc), message)


def _shown(value: object) -> str:
    """A value as the stack file would spell it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = f"'{value}'" if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
