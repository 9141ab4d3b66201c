"""How a rule is written: one record, one view of a resource, one way to report.

A rule is built by `resource_rule` (a ResourceValidationPolicy: its check sees one resource's
inputs, as the CLI hands them over in preview) or by `stack_rule` (a StackValidationPolicy: its
check sees the whole stack, through `Stack`, to follow references between resources). Both build
the same `Rule` record, with the rule's enforcement level in each tier (`Levels`) and its
parameters (`Param`), and run the same way. The check is a generator that yields messages:

- a plain message is about the check's subject: the resource (resource rule), the resource
  `stack.each` handed over, or the whole stack (stack rule);
- `other.finding(message)` is about another resource (an HBI workspace's storage account...).

Reading goes through the view (`r.get`, `r.expect...`, view.py): an unknown value skips only the
check that read it, and is reported as a note, never as a violation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    Policy,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .params import Param, boolean, config_schema, effective_config, integer, not_configured, string, string_list
from .props import base_type
from .stack import Stack
from .tiers import ADVISORY, DISABLED, MANDATORY, Levels, Tiers
from .view import Finding, Guard, Report, Resource, report_all


@dataclass(frozen=True)
class Rule:
    """A rule of the pack: the Pulumi policy and what it declares about itself."""

    rule_id: str
    slug: str
    summary: str
    sources: str
    levels: Levels
    params: tuple[Param, ...]
    types: tuple[str, ...] | None  # the resource types of a resource rule; None: a stack rule
    policy: Policy = field(compare=False)

    @property
    def name(self) -> str:
        return self.policy.name

    @property
    def is_stack_rule(self) -> bool:
        return self.types is None


def policy_name(rule_id: str, slug: str) -> str:
    return f"{rule_id.lower()}-{slug}"


def describe(rule_id: str, summary: str, sources: str) -> str:
    return f"{rule_id}: {summary} Sources: {sources}."


ResourceCheck = Callable[[Resource], Iterable[Report]]
StackCheck = Callable[[Stack], Iterable[Report]]


def resource_rule(
    *,
    rule_id: str,
    slug: str,
    summary: str,
    sources: str,
    types: Iterable[str],
    check: ResourceCheck,
    levels: Levels,
    params: Sequence[Param] = (),
) -> Rule:
    """A rule that runs `check` on each resource of the given types (their inputs)."""
    wanted = tuple(types)

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if base_type(args.resource_type) not in wanted:
            return
        guard = Guard()
        config = effective_config(params, args.get_config())
        resource = Resource(args.resource_type, args.name, args.urn, args.props, config, guard, args=args)
        # the CLI ties a resource rule's violations to the resource itself: no URN to pass
        report_all(check(resource), None, guard, report)

    policy = ResourceValidationPolicy(
        validate=validate, **_policy_fields(rule_id, slug, summary, sources, levels, params)
    )
    return Rule(rule_id, slug, summary, sources, levels, tuple(params), wanted, policy)


def stack_rule(
    *,
    rule_id: str,
    slug: str,
    summary: str,
    sources: str,
    check: StackCheck,
    levels: Levels,
    params: Sequence[Param] = (),
) -> Rule:
    """A rule that runs `check` once over the whole stack (see stack.py)."""

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        stack = Stack(args.resources, effective_config(params, args.get_config()))
        report_all(check(stack), None, stack.guard, report)

    policy = StackValidationPolicy(validate=validate, **_policy_fields(rule_id, slug, summary, sources, levels, params))
    return Rule(rule_id, slug, summary, sources, levels, tuple(params), None, policy)


def _policy_fields(
    rule_id: str, slug: str, summary: str, sources: str, levels: Levels, params: Sequence[Param]
) -> dict[str, Any]:
    """What both kinds of Pulumi policy are built with: name, description, level, schema."""
    return {
        "name": policy_name(rule_id, slug),
        "description": describe(rule_id, summary, sources),
        "enforcement_level": levels.prod,
        "config_schema": config_schema(params),
    }


# What a rule module needs to write rules (reading props: props.py; type tokens: catalog.py).
__all__ = [
    "ADVISORY",
    "DISABLED",
    "MANDATORY",
    "Finding",
    "Levels",
    "Param",
    "Report",
    "Resource",
    "Rule",
    "Stack",
    "Tiers",
    "boolean",
    "integer",
    "not_configured",
    "resource_rule",
    "stack_rule",
    "string",
    "string_list",
]
