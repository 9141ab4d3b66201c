"""Entry point the Pulumi CLI runs: build the policy pack from the rule modules, nothing else.

The CLI executes this directory as a script (runpy.run_path), which puts policies/ itself on
sys.path: the rules are imported as the top-level package `rules`. PolicyPack starts a gRPC
server and blocks, so no other module may construct it (offline.py runs the same rules).
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from rules import ALL_POLICIES

PolicyPack(
    name="azure-ml-platform",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=ALL_POLICIES,
)
