"""The `az ml` commands that reach a stack's workspace, exported with the stack's outputs."""

from __future__ import annotations

import pulumi


def az_ml_commands(workspace: pulumi.Input[str], group: pulumi.Input[str]) -> dict[str, pulumi.Output[str]]:
    target = pulumi.Output.concat("-w ", workspace, " -g ", group)
    return {
        "setDefaults": pulumi.Output.concat("az configure --defaults workspace=", workspace, " group=", group),
        "showWorkspace": pulumi.Output.concat("az ml workspace show -n ", workspace, " -g ", group),
        "listDatastores": pulumi.Output.concat("az ml datastore list ", target),
        "listComputes": pulumi.Output.concat("az ml compute list ", target),
        "submitJob": pulumi.Output.concat("az ml job create --file job.yml ", target),
    }
