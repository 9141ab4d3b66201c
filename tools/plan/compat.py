"""Every private Pulumi API the offline plan uses, fenced in this one module.

The offline plan runs the real program under Pulumi's mock engine and the policy pack's rules
without the CLI. A few things it needs are not public API and may change in any SDK release:
they are imported here and nowhere else, so an upgrade has one file to re-check.
`CHECKED_AGAINST` names the versions they were checked against; tests/test_plan_compat.py fails
when the pins in the requirements files or the installed versions differ from it, or when one
of the names imported below is gone.

(The policy pack runs standalone and cannot import this module: it fences its own use of
pulumi_policy's proxy in policies/rules/lib/props.py.)
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pulumi
from pulumi.runtime import settings as _runtime_settings
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

CHECKED_AGAINST = {"pulumi": "3.272.0", "pulumi-policy": "1.21.0"}

# What each private name is for:
# - pulumi.runtime.sync_await._sync_await: runs a coroutine to completion on the current loop,
#   as the SDK does for a program the CLI starts (there is no public in-process entry point);
# - pulumi.runtime.stack.run_pulumi_func: runs the program function and waits for every
#   registration it started, as `pulumi up` does for __main__.py;
# - pulumi.runtime.mocks.MockMonitor: the monitor `set_mocks` installs; the plan subclasses it
#   to record every registration with its options and dependencies;
# - pulumi_policy.policy._NotApplicableError: what `args.not_applicable(reason)` raises (the CLI
#   lists the rule as not applicable, the offline evaluator as a note);
# - pulumi_policy.proxy: the proxy the CLI wraps a policy's props in (reading an unknown value
#   raises UnknownValueError) and the sentinel of an unknown string;
# - pulumi.runtime.settings.ROOT and ResourceOptions.merge: below.
sync_await = _sync_await
NotApplicableError = _NotApplicableError


def reset_root_resource() -> None:
    """Forget the root stack resource of a previous run (pulumi.runtime.settings.ROOT), so that
    `set_mocks` registers a new one: one process plans several stacks in a row."""
    _runtime_settings.ROOT.set(None)


def _is_sdk_type_alias(alias: Any) -> bool:
    return (
        isinstance(alias, pulumi.Alias)
        and isinstance(alias.type_, str)
        and alias.type_.startswith("azure-native:")
        and alias.name is ...
        and alias.parent is ...
        and alias.stack is ...
        and alias.project is ...
    )


@contextmanager
def without_sdk_type_aliases() -> Iterator[None]:
    """azure-native gives every resource one alias per past API version (60+ for network types) so
    that state written by older SDKs migrates. A mock run has no state, the plan records no
    aliases, and computing their URNs was most of the cost of planning network resources: drop
    them for the run by patching `ResourceOptions.merge`, which the SDK's constructors call.
    Aliases the program sets itself are kept."""
    original = pulumi.ResourceOptions.merge
    # merge is a plain function the SDK calls as `ResourceOptions.merge(a, b)` and as `a.merge(b)`:
    # the replacement is one too, and the very attribute found is put back.
    found = inspect.getattr_static(pulumi.ResourceOptions, "merge")

    def merge(opts1: pulumi.ResourceOptions | None, opts2: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
        if opts2 is not None and opts2.aliases and all(_is_sdk_type_alias(a) for a in opts2.aliases):
            opts2 = pulumi.ResourceOptions()
        return original(opts1, opts2)

    pulumi.ResourceOptions.merge = merge  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        pulumi.ResourceOptions.merge = found  # type: ignore[method-assign]


__all__ = [
    "CHECKED_AGAINST",
    "UNKNOWN_STRING_VALUE",
    "MockMonitor",
    "NotApplicableError",
    "UnknownValueError",
    "reset_root_resource",
    "run_pulumi_func",
    "sync_await",
    "unknown_checking_proxy",
    "without_sdk_type_aliases",
]
