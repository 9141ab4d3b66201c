"""One base for every component: child naming, parenting, tags and protection in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from .naming import Names

TYPE_PREFIX = "mlplatform:index"


@dataclass(frozen=True)
class StackContext:
    """What every component needs to know about the stack it is built in, all known when it is made.

    What a component needs from another component (the Log Analytics id, subnets, the workspace)
    it receives as an argument, never through this context."""

    names: Names
    location: str
    tags: Mapping[str, str]
    protect: bool
    resource_group_name: pulumi.Input[str]
    subscription_id: pulumi.Input[str]
    tenant_id: pulumi.Input[str]


class PlatformComponent(pulumi.ComponentResource):
    """A component whose children are named after it and inherit its tags and protection rules."""

    def __init__(
        self,
        kind: str,
        name: str,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(f"{TYPE_PREFIX}:{kind}", name, None, opts)
        self.ctx = ctx

    def child_name(self, suffix: str) -> str:
        return f"{self._name}-{suffix}"

    def child_opts(self, *, stateful: bool = False, **kwargs: Any) -> pulumi.ResourceOptions:
        """Stateful resources (data, logs, secrets, images) are protected when the stack says so."""
        return pulumi.ResourceOptions(parent=self, protect=self.ctx.protect if stateful else None, **kwargs)

    @property
    def common(self) -> dict[str, Any]:
        """The arguments nearly every Azure resource takes."""
        return {
            "resource_group_name": self.ctx.resource_group_name,
            "location": self.ctx.location,
            "tags": dict(self.ctx.tags),
        }

    def finish(self, outputs: Mapping[str, Any]) -> None:
        self.register_outputs(dict(outputs))
