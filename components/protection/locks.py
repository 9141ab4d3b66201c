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

NOTES = "Managed by the ml-platform stack. Lift on purpose only: see docs/protection.md (locks and protection)."


class Locks(PlatformComponent):
    """One CanNotDelete lock per published data-bearing resource, created last.

    A lock waits for the resources it protects and for everything scoped to them (role assignments,
    private endpoints and their connections, diagnostic settings, outbound rules): "A cannot-delete
    lock on a resource or resource group prevents the deletion of Azure RBAC assignments", and
    extension resources "inherit locks from the resource they're applied to" (Microsoft,
    lock-resources). A first `pulumi up` that fails half-way then leaves nothing locked that a
    retry or `pulumi destroy` has to delete. The resource group itself is never locked
    (settings/stack.py: Microsoft says it stops cluster scale-down).
    """

    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: LocksSettings,
        *,
        targets: Sequence[LockTarget],
        after: Sequence[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Locks", name, ctx, opts)
        assert settings.scope == "resources"  # validated: resourceGroup is refused
        lock_name = ctx.names.scoped("lock-cannotdelete", 90)
        self.locks: list[pulumi.CustomResource] = [
            authorization.ManagementLockByScope(
                self.child_name(target.name),
                lock_name=lock_name,
                scope=target.resource_id,
                level=authorization.LockLevel.CAN_NOT_DELETE,
                notes=NOTES,
                opts=self.child_opts(stateful=True, depends_on=list(after)),
            )
            for target in targets
        ]
        self.finish({"lockIds": [lock.id for lock in self.locks]})
