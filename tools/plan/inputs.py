"""The plan command's own input, checked for one stack before its program runs.

In order: the stack name (Pulumi's rules, so `build/plan/<stack>` stays inside `--out`), the
stack file (a readable file), its YAML and its settings (stackfile.py, components/settings: a
SettingsError naming every key), and the policy pack config (a readable JSON object whose every
entry the pack knows, with valid levels and parameters). A problem here is exit 2 with one
message, like a bad setting; only a failed mandatory rule is exit 1.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .stackfile import ROOT, StackConfig, available_stacks, load_stack_config, stack_file

if TYPE_CHECKING:
    from components.settings import AnySettings

# Pulumi's stack names (pulumi/pulumi sdk/go/common/tokens/stack_name.go, ParseStackName): not
# empty, at most 100 characters, "alphanumeric, hyphens, underscores, or periods".
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
# Pulumi takes these two, but as a directory name they are this one or its parent.
PATH_NAMES = frozenset({".", ".."})


class InputError(Exception):
    """Input of the plan command that it cannot use: exit 2, this message and nothing else."""

    def __init__(self, what: str, problems: list[str]) -> None:
        self.problems = tuple(problems)
        if len(problems) == 1:
            message = f"{what}: {problems[0]}"
        else:
            message = "\n".join([f"{what} has {len(problems)} problem(s):", *(f"  - {p}" for p in problems)])
        super().__init__(message)


def checked_inputs(stack: str, path: Path | None, policy_config: Path | None) -> tuple[StackConfig, Path, AnySettings]:
    """The stack's config, its policy config file and its settings, or InputError / SettingsError."""
    from components.settings.loader import any_settings_from_config

    check_stack_name(stack)
    config = load_stack_config(stack, readable(path, "--stack-file") if path else default_stack_file(stack))
    settings = any_settings_from_config(config.values, set(config.secret_keys), stack)
    policy_path = policy_config or policy_file(stack, settings.tier)
    check_policy_config(policy_path)
    return config, policy_path, settings


def check_stack_name(stack: str) -> None:
    if STACK_NAME.fullmatch(stack) and stack not in PATH_NAMES:
        return
    if not stack:
        problem = "a stack name may not be empty"
    elif len(stack) > 100:
        problem = f"a stack name cannot exceed 100 characters (this one has {len(stack)})"
    elif stack in PATH_NAMES:
        problem = f"'{stack}' names a directory, not a stack"
    else:
        bad = next(c for c in stack if not STACK_NAME.fullmatch(c))
        problem = (
            f"a stack name may only contain alphanumeric, hyphens, underscores, or periods: invalid character "
            f"{bad!r} at position {stack.index(bad)}"
        )
    raise InputError(f"--stack {stack!r}", [problem])


def default_stack_file(stack: str) -> Path:
    path = stack_file(stack)
    if not path.exists():
        known = ", ".join(available_stacks()) or "none"
        raise InputError(f"--stack {stack}", [f"no stack file {_shown(path)} (stacks: {known})"])
    return readable(path, f"--stack {stack}")


def readable(path: Path, what: str) -> Path:
    """`path` if it is a file this process can read, else InputError saying what it is."""
    if not path.exists():
        raise InputError(f"{what} {_shown(path)}", ["no such file"])
    if path.is_dir():
        raise InputError(f"{what} {_shown(path)}", ["is a directory, not a file"])
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        raise InputError(f"{what} {_shown(path)}", [f"cannot be read ({error.strerror or error})"]) from None
    return path


def policy_file(stack: str, tier: str) -> Path:
    from .policy import policy_config_for

    try:
        return policy_config_for(stack, tier)
    except FileNotFoundError as error:
        raise InputError("policy config", [str(error)]) from None


def check_policy_config(path: Path) -> None:
    """A readable JSON object the pack accepts in full (policy.config_problems)."""
    from policies.rules import ALL_POLICIES

    from .policy import config_problems

    what = f"policy config {_shown(readable(path, 'policy config'))}"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(what, [f"byte {error.start} is not UTF-8 text"]) from None
    if not text.strip():
        return  # the CLI takes an empty file as no config
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(what, [f"line {error.lineno}, column {error.colno}: {error.msg} (invalid JSON)"]) from None
    if not isinstance(raw, dict):
        raise InputError(what, ["must be a JSON object of rule names to levels or settings"])
    problems = config_problems(ALL_POLICIES, raw)
    if problems:
        raise InputError(what, problems)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_absolute() and path.is_relative_to(ROOT) else str(path)
