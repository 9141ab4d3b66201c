"""Shared machinery of the rules: reading props, unknown values, parameters and reporting.

Every rule module builds its policies with `resource_policy` (here) or `stack_policy`
(graph.py), so the behaviour on unknown values and the wording of descriptions is the same
everywhere and lives in one place.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
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

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY


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


def unknown_error(parts: Sequence[str | int] | str, what: str = "value") -> UnknownValueError:
    """An UnknownValueError like the one pulumi_policy's proxy raises, with a readable message."""
    where = parts if isinstance(parts, str) else _dotted(parts)
    err = UnknownValueError(UNKNOWN_STRING_VALUE, [where])
    err.message = f"{what} at .{where} can't be known during preview"
    return err


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


# --- parameters --------------------------------------------------------------------------


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


# --- descriptions ------------------------------------------------------------------------


def describe(rule_id: str, summary: str, sources: str) -> str:
    return f"{rule_id}: {summary} Sources: {sources}."


def policy_name(rule_id: str, slug: str) -> str:
    return f"{rule_id.lower()}-{slug}"


# --- running checks ----------------------------------------------------------------------

T = TypeVar("T")


class Guard:
    """Runs checks so that an unknown value skips only the check that read it.

    The skipped checks are re-raised together as one UnknownValueError once every check has
    run: the CLI turns that into its "can't run policy during preview" advisory diagnostic and
    the offline evaluator into a note, so an unknown value never becomes a violation.
    """

    def __init__(self) -> None:
        self.unknown: list[str] = []

    def run(self, results: Iterable[T], label: str | None = None) -> Iterator[T]:
        try:
            yield from results
        except UnknownValueError as err:
            self.unknown.append(f"{label}: {err.message}" if label else err.message)

    def finish(self) -> None:
        if self.unknown:
            err = unknown_error("", "")
            err.message = "; ".join(dict.fromkeys(self.unknown))
            raise err


@dataclass(frozen=True)
class Resource:
    """What a resource check sees: the inputs (camelCase) and the rule's effective config."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    config: Mapping[str, Any]
    args: ResourceValidationArgs
    guard: Guard

    def get(self, path: PropPath) -> Any:
        return read(self.props, path)

    # The expect* methods skip (and note) only the property that is unknown, so the other
    # properties a check looks at are still judged.
    def check(self, messages: Iterable[str]) -> Iterator[str]:
        return self.guard.run(messages)

    def expect(self, path: PropPath, expected: Any, why: str = "") -> Iterator[str]:
        return self.check(expect(self.props, path, expected, why))

    def expect_not(self, path: PropPath, forbidden: Any, why: str = "") -> Iterator[str]:
        return self.check(expect_not(self.props, path, forbidden, why))

    def expect_in(self, path: PropPath, allowed: Sequence[Any], why: str = "") -> Iterator[str]:
        return self.check(expect_in(self.props, path, allowed, why))

    def expect_set(self, path: PropPath, why: str = "") -> Iterator[str]:
        return self.check(expect_set(self.props, path, why))

    def exempt(self, reason: str) -> NoReturn:
        """Declare the rule not applicable to this resource, with the reason (an explicit
        exception: the CLI lists it as not applicable, the offline evaluator as a note)."""
        self.args.not_applicable(reason)
        raise AssertionError("not_applicable returned")  # pragma: no cover


ResourceCheck = Callable[[Resource], Iterable[str]]


def resource_policy(
    *,
    rule_id: str,
    slug: str,
    summary: str,
    sources: str,
    types: Iterable[str],
    checks: Sequence[ResourceCheck],
    level: EnforcementLevel,
    params: Sequence[Param] = (),
) -> ResourceValidationPolicy:
    """A ResourceValidationPolicy that runs `checks` on resources of the given types."""
    wanted = frozenset(types)

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if base_type(args.resource_type) not in wanted:
            return
        guard = Guard()
        resource = Resource(
            type=base_type(args.resource_type),
            name=args.name,
            urn=args.urn,
            props=args.props,
            config=effective_config(params, args.get_config()),
            args=args,
            guard=guard,
        )
        for check in checks:
            for message in guard.run(check(resource)):
                report(message, None)
        guard.finish()

    return ResourceValidationPolicy(
        name=policy_name(rule_id, slug),
        description=describe(rule_id, summary, sources),
        validate=validate,
        enforcement_level=level,
        config_schema=config_schema(params),
    )
