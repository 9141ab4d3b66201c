"""Read the stack's config once, apply tier defaults, validate everything before any resource."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar, get_args, get_origin

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import BaseModel, ValidationError

from .errors import NAMESPACE, Problem, SettingsError, key_path, problems_from
from .secrets import reference_problems, secret_keys
from .shared import SharedStackSettings
from .stack import StackSettings
from .tiers import SHARED_TIER_DEFAULTS, TIER_DEFAULTS, deep_merge

AnySettings = StackSettings | SharedStackSettings
M = TypeVar("M", StackSettings, SharedStackSettings)

# The other namespaces this program's config may hold: the azure-native provider's own settings
# (azure-native:location...) and the engine's (pulumi:tags...). A key in any other namespace is
# read by nothing, so it is a mistake (`mlplatform:compute`, `ml-platfrom:access`), never skipped.
OTHER_NAMESPACES = frozenset({"azure-native", "pulumi"})

# The top-level settings by their stack-file key (tier, namePrefix, compute...), of either kind of
# stack (a shared stack's mlRegistry too: every key is decoded by the type it has in its model).
SETTINGS_FIELDS = {
    field.alias or name: field
    for model in (SharedStackSettings, StackSettings)
    for name, field in model.model_fields.items()
}
# The sections only an environment stack has: a shared stack file that sets one is told so by name.
ENVIRONMENT_ONLY = tuple(
    info.alias or name
    for name, info in StackSettings.model_fields.items()
    if name not in SharedStackSettings.model_fields
)

# Go's Time.String() ("2006-01-02 15:04:05.999999999 -0700 MST"): what the Pulumi CLI passes for an
# unquoted YAML date or time (pulumi/pulumi sdk/go/common/resource/config/object.go).
_GO_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})? [+-][0-9]{4} \S+")


def _tier_defaults(raw: Mapping[str, Any], table: dict[str, dict[str, Any]]) -> dict[str, Any]:
    tier = raw.get("tier")
    # An unknown tier is reported by validation; defaults of dev still let every other key be checked.
    return table.get(tier, table["dev"]) if isinstance(tier, str) else table["dev"]


def _validated(
    model: type[M], raw: Mapping[str, Any], defaults: dict[str, Any], stack: str, earlier: Sequence[Problem]
) -> M:
    try:
        settings = model.model_validate(deep_merge(defaults, dict(raw)))
    except ValidationError as error:
        # a key with a reading problem (an unquoted date...) fails validation too: say the cause once
        explained = {p.key for p in earlier}
        found = [p for p in problems_from(error) if p.key not in explained]
        raise SettingsError(stack, sorted({*earlier, *found})) from None
    if earlier:
        raise SettingsError(stack, sorted(set(earlier)))
    return settings


def validate_settings(raw: Mapping[str, Any], stack: str, earlier: Sequence[Problem] = ()) -> StackSettings:
    """Validate one environment stack's settings (keys without the namespace) or raise SettingsError
    naming every problem, with the `earlier` ones found while reading the config."""
    if raw.get("kind") == "shared":
        problem = Problem(f"{NAMESPACE}:kind", "'shared': a shared stack, where an environment stack is expected")
        raise SettingsError(stack, sorted({*earlier, problem}))
    return _validated(StackSettings, raw, _tier_defaults(raw, TIER_DEFAULTS), stack, earlier)


def validate_shared_settings(
    raw: Mapping[str, Any], stack: str, earlier: Sequence[Problem] = ()
) -> SharedStackSettings:
    """Validate a shared stack's settings (`kind: shared`) or raise SettingsError."""
    misplaced = [
        Problem(
            f"{NAMESPACE}:{key}", "applies to environment stacks: a shared stack creates only the Azure ML registry"
        )
        for key in ENVIRONMENT_ONLY
        if key in raw
    ]
    rest = {key: value for key, value in raw.items() if key not in ENVIRONMENT_ONLY}
    return _validated(
        SharedStackSettings, rest, _tier_defaults(raw, SHARED_TIER_DEFAULTS), stack, [*earlier, *misplaced]
    )


def validate_stack(raw: Mapping[str, Any], stack: str, earlier: Sequence[Problem] = ()) -> AnySettings:
    """Either kind of stack, by its `kind` (default `environment`)."""
    if raw.get("kind") == "shared":
        return validate_shared_settings(raw, stack, earlier)
    return validate_settings(raw, stack, earlier)


def read_config(
    config: Mapping[str, str], secret: frozenset[str] | set[str] = frozenset()
) -> tuple[dict[str, Any], list[Problem]]:
    """Pulumi passes config as ``namespace:key -> string``: the settings (keys without the
    namespace, each decoded by its declared type) and the problems found on the way.

    A setting whose type is a section (an object) or a list arrives as JSON; every other setting
    is the text itself, for the model to read by its type (`namePrefix: inf` stays "inf")."""
    raw: dict[str, Any] = {}
    problems: list[Problem] = []
    for full_key, value in config.items():
        namespace, colon, key = full_key.partition(":")
        if namespace != NAMESPACE:
            if not colon:
                problems.append(Problem(full_key, f"has no namespace: settings are {NAMESPACE}:<key>"))
            elif namespace not in OTHER_NAMESPACES:
                problems.append(Problem(full_key, _foreign_namespace(namespace, key)))
            continue
        key = key.removeprefix("config:")  # older engines pass "<namespace>:config:<key>"
        head = re.split(r"[.\[]", key, maxsplit=1)[0]
        if full_key in secret:
            # secure: values are never settings; settings name them and components read them as secrets
            if head in SETTINGS_FIELDS:
                problems.append(
                    Problem(
                        full_key,
                        f"is a secret (secure:), but `{head}` is a setting and settings are "
                        "never secret: write it in plain YAML (a secret gets a name of its own)",
                    )
                )
            continue
        if key != head:
            problems.append(Problem(full_key, _dotted_key(key, head)))
            continue
        decoded = _decode(key, value, problems)
        if decoded is _UNREADABLE:
            continue
        problems += _go_times(decoded, [key])
        raw[key] = decoded
    return raw, problems


_UNREADABLE = object()


def _decode(key: str, value: str, problems: list[Problem]) -> Any:
    field = SETTINGS_FIELDS.get(key)
    if field is None or not _is_structured(field.annotation):
        return value  # text: the model reads it by its type (unknown keys are reported there)
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        shown = "an empty value" if not value.strip() else f"the text '{value}'"
        problems.append(Problem(key_path([key]), f"must be a mapping of keys to values (a YAML block), not {shown}"))
        return _UNREADABLE


def _is_structured(annotation: Any) -> bool:
    """A section (a model), a mapping or a list: what the engine passes as JSON."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    if get_origin(annotation) in (dict, list):
        return True
    return any(_is_structured(arg) for arg in get_args(annotation) if arg is not type(None))


def _foreign_namespace(namespace: str, key: str) -> str:
    close = difflib.get_close_matches(namespace, [NAMESPACE], n=1, cutoff=0.6)
    hint = f": did you mean {NAMESPACE}:{key}?" if close else f" (settings are {NAMESPACE}:<key>)"
    return f"nothing in this program reads the namespace '{namespace}'{hint}"


def _dotted_key(key: str, head: str) -> str:
    if head in SETTINGS_FIELDS:
        return (
            f"a dotted key is not a path in a stack file: nest it under {NAMESPACE}:{head} "
            f"(`pulumi config set --path '{key}' <value>` writes it nested)"
        )
    return "unknown setting (check the spelling against the README's settings reference)"


def _go_times(value: Any, loc: list[str | int]) -> Iterator[Problem]:
    """An unquoted YAML date or time anywhere: the CLI turns it into Go's text for it."""
    if isinstance(value, str) and _GO_TIME.fullmatch(value):
        day = value[:10]
        yield Problem(
            key_path(loc),
            f"YAML reads an unquoted date or time, which the Pulumi CLI passes on as '{value}': quote it ('{day}')",
        )
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _go_times(item, [*loc, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _go_times(item, [*loc, index])


def current_config() -> dict[str, str]:
    """Every config value the Pulumi runtime holds, from the engine or the environment."""
    values = dict(runtime_config.get_config_env())
    values.update(runtime_config.CONFIG.get())
    return values


def settings_from_config(config: Mapping[str, str], secret: frozenset[str] | set[str], stack: str) -> StackSettings:
    """The settings of one environment stack from its config as the engine passes it (secret: its
    secret keys)."""
    settings = any_settings_from_config(config, secret, stack)
    if not isinstance(settings, StackSettings):
        problem = Problem(f"{NAMESPACE}:kind", "'shared': a shared stack, where an environment stack is expected")
        raise SettingsError(stack, [problem])
    return settings


def any_settings_from_config(config: Mapping[str, str], secret: frozenset[str] | set[str], stack: str) -> AnySettings:
    """The settings of a stack of either kind (its `kind`) from its config."""
    raw, problems = read_config(config, secret)
    settings = validate_stack(raw, stack, problems)
    references = settings.secret_references() if isinstance(settings, StackSettings) else {}
    problems = reference_problems(references, set(secret))
    if problems:
        raise SettingsError(stack, problems)
    return settings


def load_settings(stack: str | None = None) -> AnySettings:
    stack = stack or pulumi.get_stack()
    config = current_config()
    return any_settings_from_config(config, secret_keys(config), stack)
