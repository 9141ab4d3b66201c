"""A secret never reaches plan.json in plain text: not a secret stack output, not a secret
resource input, not a secret config value (the mock engine resolves every output for the plan)."""

from __future__ import annotations

import json
from pathlib import Path

from tools.plan.engine import run_program
from tools.plan.stackfile import SECRET_PLACEHOLDER, StackConfig

SECRET = "s3cr3t-NOT-A-REAL-TOKEN"
PROGRAM = f"""
import pulumi
from pulumi_azure_native import resources

group = resources.ResourceGroup("rg", tags={{"token": pulumi.Output.secret("{SECRET}-input")}})
pulumi.export("token", pulumi.Output.secret("{SECRET}-output"))
pulumi.export("nested", {{"plain": "visible", "inner": pulumi.Output.secret("{SECRET}-nested")}})
pulumi.export("derived", pulumi.Output.secret("{SECRET}").apply(lambda s: s + "-derived"))
pulumi.export("fromConfig", pulumi.Config("ml-platform").require_secret("sas"))
pulumi.export("plain", "visible")
"""


def test_secret_outputs_inputs_and_config_are_masked_in_the_plan(tmp_path: Path) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(PROGRAM)
    config = StackConfig("ml-platform", "t", {"ml-platform:sas": f"{SECRET}-config"}, ("ml-platform:sas",))
    plan = run_program(config, program=program)
    text = json.dumps(plan.to_json())
    assert SECRET not in text
    outputs = plan.outputs
    assert outputs["plain"] == "visible"  # the masking is about secrets, not every output
    assert outputs["token"] == outputs["derived"] == outputs["fromConfig"] == SECRET_PLACEHOLDER
    assert outputs["nested"] == SECRET_PLACEHOLDER  # an object holding a secret is a secret
    group = next(r for r in plan.resources if r["type"] == "azure-native:resources:ResourceGroup")
    assert group["inputs"]["tags"] == {"token": SECRET_PLACEHOLDER}
