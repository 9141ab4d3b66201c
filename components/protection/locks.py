"""CanNotDelete locks: a deletion outside Pulumi (portal, CLI, another pipeline) fails too.

Pulumi's `protect` only guards against `pulumi destroy` and replacements; a lock guards against
everyone. The locks are protected themselves, so lifting them is always deliberate (README).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_azure_native import authorization

from components.core.component import PlatformComponent, StackContext
from components.core.targets import LockTarget
from components.settings.locks import LocksSettings

NOTES = "Managed by the ml-platform stack. Lift on purpose only: see the README (protection and locks)."


class Locks(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: LocksSettings,
        *,
        owns_resource_group: bool,
        targets: Sequence[LockTarget],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Locks", name, ctx, opts)
        lock_name = ctx.names.scoped("lock-cannotdelete", 90)
        self.locks: list[pulumi.CustomResource] = []
        # a group the stack does not own may hold other teams' resources: lock ours only
        if settings.scope == "resourceGroup" and owns_resource_group:
            self.locks.append(
                authorization.ManagementLockAtResourceGroupLevel(
                    self.child_name("rg"),
                    lock_name=lock_name,
                    resource_group_name=ctx.resource_group_name,
                    level=authorization.LockLevel.CAN_NOT_DELETE,
                    notes=NOTES,
                    opts=self.child_opts(stateful=True),
                )
            )
        else:
            self.locks += [
                authorization.ManagementLockByScope(
                    self.child_name(target.name),
                    lock_name=lock_name,
                    scope=target.resource_id,
                    level=authorization.LockLevel.CAN_NOT_DELETE,
                    notes=NOTES,
                    opts=self.child_opts(stateful=True),
                )
                for target in targets
            ]
        self.finish({"lockIds": [lock.id for lock in self.locks]})
