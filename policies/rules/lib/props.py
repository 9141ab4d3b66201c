"""Reading a resource's properties: absent and unknown values, Azure's comparisons, the checks.

The one module of the pack that uses pulumi_policy's proxy (its unknown-value sentinels and
error): reading an unknown value raises UnknownValueError exactly like the CLI's proxy does in
`pulumi preview`, and the rule runner (rule.py) turns that into a note, never a violation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

_ENGINE_UNKNOWNS = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


class _Missing:
    """A property that is absent (or null): distinct from a value that is unknown."""

    def __repr__(self) -> str:
        return "<not set>"

    def __bool__(self) -> bool:
        return False


class _Unknown:
    def __repr__(self) -> str:
        return "<unknown>"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
UNKNOWN: Any = _Unknown()

PropPath = str | Sequence[str | int]


def is_unknown(value: Any) -> bool:
    """True for the engine's preview sentinels (the offline evaluator hands the rules those too)
    and the UNKNOWN object."""
    if value is UNKNOWN:
        return True
    return isinstance(value, str) and value in _ENGINE_UNKNOWNS


def _parts(path: PropPath) -> list[str | int]:
    if isinstance(path, str):
        return [int(p) if p.isdigit() else p for p in path.split(".")]
    return list(path)


def _dotted(parts: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in parts)


def unknown(message: str, where: str = "") -> UnknownValueError:
    """An UnknownValueError like the one pulumi_policy's proxy raises, with a readable message."""
    err = UnknownValueError(UNKNOWN_STRING_VALUE, [where])
    err.message = message
    return err


def unknown_error(parts: Sequence[str | int] | str, what: str = "value") -> UnknownValueError:
    """The error for reading an unknown value at `parts` (what the proxy raises, readable)."""
    where = parts if isinstance(parts, str) else _dotted(parts)
    return unknown(f"{what} at .{where} can't be known during preview", where)


def read(props: Any, path: PropPath) -> Any:
    """The value at `path` (dotted or a list of keys/indexes), or MISSING.

    Raises UnknownValueError when the value or a container on the way is unknown, exactly like
    pulumi_policy's proxy does in `pulumi preview`; the runner turns that into a note.
    """
    parts = _parts(path)
    if is_unknown(props):
        raise unknown_error(parts)
    current = props
    for depth, key in enumerate(parts):
        if current is MISSING or current is None:
            return MISSING
        try:
            if isinstance(key, int):
                if isinstance(current, (str, bytes)) or not isinstance(current, Sequence):
                    return MISSING
                if key >= len(current):
                    return MISSING
                current = current[key]
            else:
                if not isinstance(current, Mapping):
                    return MISSING
                current = current[key]
        except KeyError:
            return MISSING
        except UnknownValueError:
            raise unknown_error(parts[: depth + 1]) from None
        if is_unknown(current):
            raise unknown_error(parts[: depth + 1])
    return MISSING if current is None else current


def peek(props: Any, path: PropPath) -> Any:
    """Like read, but returns UNKNOWN instead of raising: for code that has a fallback."""
    try:
        return read(props, path)
    except UnknownValueError:
        return UNKNOWN


def known_str(value: Any) -> str | None:
    """A string value that is set and known, else None."""
    return value if isinstance(value, str) and value and not is_unknown(value) else None


def keys(value: Any) -> list[str]:
    """Keys of a mapping (iterating keys never touches, so never raises on, unknown values)."""
    if not isinstance(value, Mapping):
        return []
    return [str(k) for k in value]


def key_ci(value: Any, name: str) -> str:
    """The key of a mapping matching `name` case-insensitively (add-on names vary in case)."""
    for key in keys(value):
        if key.casefold() == name.casefold():
            return key
    return name


def as_list(value: Any) -> list[Any]:
    """Items of a sequence; an unknown item comes back as UNKNOWN (read() on it raises)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return []
    out: list[Any] = []
    for i in range(len(value)):
        try:
            item = value[i]
        except UnknownValueError:
            item = UNKNOWN
        out.append(UNKNOWN if is_unknown(item) else item)
    return out


def same(value: Any, expected: Any) -> bool:
    """Equality as Azure sees it: enum-like strings are case-insensitive, booleans are strict."""
    if isinstance(expected, bool):
        return value is expected
    if isinstance(expected, str) and isinstance(value, str):
        return value.casefold() == expected.casefold()
    return bool(value == expected)


def one_of(value: Any, allowed: Iterable[Any]) -> bool:
    return any(same(value, a) for a in allowed)


def fmt(value: Any) -> str:
    if value is MISSING:
        return "not set"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    return str(value)


def flag(value: Any) -> bool | None:
    """A boolean that may arrive as a string (extension configurationSettings are strings)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.casefold() in ("true", "false"):
        return value.casefold() == "true"
    return None


# --- checks: each yields human-readable violation messages -------------------------------


def expect(props: Any, path: PropPath, expected: Any, why: str = "") -> Iterator[str]:
    """The property must be set explicitly to `expected` (Azure defaults drift across API
    versions, so a secure setting is only trusted when the program states it)."""
    value = read(props, path)
    suffix = f" ({why})" if why else ""
    name = path if isinstance(path, str) else _dotted(path)
    if value is MISSING:
        yield f"{name} is not set; set it to {fmt(expected)}{suffix}"
    elif not same(value, expected):
        yield f"{name} is {fmt(value)}; it must be {fmt(expected)}{suffix}"


def expect_not(props: Any, path: PropPath, forbidden: Any, why: str = "") -> Iterator[str]:
    """The property may be unset, but must not be `forbidden`."""
    value = read(props, path)
    suffix = f" ({why})" if why else ""
    name = path if isinstance(path, str) else _dotted(path)
    if value is not MISSING and same(value, forbidden):
        yield f"{name} is {fmt(value)}; it must not be {fmt(forbidden)}{suffix}"


def expect_in(props: Any, path: PropPath, allowed: Sequence[Any], why: str = "") -> Iterator[str]:
    value = read(props, path)
    suffix = f" ({why})" if why else ""
    name = path if isinstance(path, str) else _dotted(path)
    if value is MISSING:
        yield f"{name} is not set; it must be one of {fmt(list(allowed))}{suffix}"
    elif not one_of(value, allowed):
        yield f"{name} is {fmt(value)}; it must be one of {fmt(list(allowed))}{suffix}"


def expect_set(props: Any, path: PropPath, why: str = "") -> Iterator[str]:
    value = read(props, path)
    suffix = f" ({why})" if why else ""
    name = path if isinstance(path, str) else _dotted(path)
    if (
        value is MISSING
        or value == ""
        or (isinstance(value, (Sequence, Mapping)) and not isinstance(value, str) and len(value) == 0)
    ):
        yield f"{name} is not set{suffix}"


# --- resource types ----------------------------------------------------------------------


def base_type(resource_type: str) -> str:
    """Drop an explicit API version module: azure-native:storage/v20230101:X -> azure-native:storage:X."""
    parts = resource_type.split(":")
    if len(parts) == 3 and "/" in parts[1]:
        parts[1] = parts[1].split("/", 1)[0]
    return ":".join(parts)
