"""A wait between role assignments and the first resource that relies on them.

Azure RBAC changes are not in force at once. Microsoft: "Azure Resource Manager sometimes caches
configurations and data to improve performance. When you assign roles or remove role assignments,
it can take up to 10 minutes for changes to take effect" (learn.microsoft.com/azure/role-based-
access-control/troubleshooting, "Symptom - Role assignment changes are not being detected"), and
Key Vault's RBAC guide states the same for its data-plane roles (learn.microsoft.com/azure/
key-vault/general/rbac-guide). ARM answers the assignment PUT long before that, so
Pulumi would create the key, the storage account or the workspace that needs the role straight
after it, and they fail with ForbiddenByRbac on a first deployment.

`RoleAssignmentWait` sleeps once, when it is created: it depends on the grants, and what uses them
depends on it. On later updates nothing waits, unless a grant is replaced (its id is a trigger, so
the wait is replaced and sleeps again, as a new assignment needs its propagation time too).

Why a dynamic provider and not `pulumiverse_time.Sleep`: pulumiverse-time is on PyPI, but it is not
in the pinned requirements nor installed in this project's environments, and its resource plugin is
a separate binary the Pulumi CLI downloads from the provider's GitHub releases, not from a package
registry. A Pulumi dynamic provider is written in the program's own language and needs no plugin
("A dynamic provider lets you implement a resource's create, read, update, and delete (CRUD) logic
directly inside a Pulumi program, without building and publishing a separate provider package",
pulumi.com/docs/iac/guides/building-extending/providers/dynamic-providers): Pulumi serializes the
provider object into the state with dill and runs it with the program's Python and virtualenv.
This module imports nothing of the project, so the serialized provider needs only this module and
the standard library. Under the mock engine (the offline plan, the tests) nothing sleeps: the mocks
answer every create.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

SECONDS = "seconds"
TRIGGERS = "triggers"


class SleepOnCreate(ResourceProvider):
    """Sleeps `seconds` on create; an update (a new duration) does not sleep; new triggers replace it."""

    # nothing secret is captured: the state need not hold the provider as a secret
    serialize_as_secret_always = False

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self.sleep = sleep

    def create(self, props: dict[str, Any]) -> CreateResult:
        self.sleep(float(props[SECONDS]))
        digest = hashlib.sha256("|".join(str(t) for t in props.get(TRIGGERS) or []).encode()).hexdigest()
        return CreateResult(
            id_=f"rbac-wait-{digest[:16]}", outs={SECONDS: props[SECONDS], TRIGGERS: props.get(TRIGGERS)}
        )

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        if (_olds.get(TRIGGERS) or []) != (_news.get(TRIGGERS) or []):
            return DiffResult(changes=True, replaces=[TRIGGERS], delete_before_replace=False)
        return DiffResult(changes=_olds.get(SECONDS) != _news.get(SECONDS))

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs={SECONDS: _news[SECONDS], TRIGGERS: _news.get(TRIGGERS)})


class RoleAssignmentWait(pulumi.dynamic.Resource, module="mlplatform", name="RoleAssignmentWait"):
    """Created after `grants` (and so before whatever depends on this), sleeping `seconds` once."""

    def __init__(
        self,
        name: str,
        *,
        seconds: int,
        grants: Sequence[pulumi.CustomResource],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not grants:
            raise ValueError(f"{name}: a role assignment wait needs the grants it waits for")
        super().__init__(
            SleepOnCreate(),
            name,
            {SECONDS: seconds, TRIGGERS: [grant.id for grant in grants]},
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=list(grants))),
        )
