"""Role assignments from the access settings, plus the data roles of the platform's own identities.

Every assignment goes through `assign_role`: a GUID derived from scope, role and principal (a
rerun never duplicates or replaces one) and an explicit principal type. What is granted where is
planned in grants.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi

from components.core.component import PlatformComponent, StackContext
from components.core.role_assignment import assign_role
from components.data.datastores import DatastoreTarget
from components.settings.access import AccessSettings

from .grants import Grantee, plan_grants


class Access(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: AccessSettings,
        *,
        workspace_id: pulumi.Input[str],
        default_storage_id: pulumi.Input[str],
        datastores: Mapping[str, DatastoreTarget],
        compute_grantees: Sequence[Grantee] = (),
        shared_registry_id: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Access", name, ctx, opts)
        self.grants = plan_grants(
            settings,
            workspace_id=workspace_id,
            default_storage_id=default_storage_id,
            datastores=datastores,
            compute_grantees=compute_grantees,
            shared_registry_id=shared_registry_id,
        )
        self.assignments = [
            assign_role(
                self.child_name(grant.resource),
                scope=grant.scope,
                role=grant.role,
                principal_id=grant.principal_id,
                principal_type=grant.principal_type,
                opts=self.child_opts(),
                description=f"{grant.role} for {grant.principal} (managed by the ml-platform stack)",
            )
            for grant in self.grants
        ]
        self.summary = [grant.output() for grant in self.grants]
        self.finish({"grants": self.summary})
