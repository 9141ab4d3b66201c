"""Entry point the Pulumi CLI runs: build the policy pack from the rule modules, nothing else.

The CLI executes this directory as a script (runpy.run_path), which puts policies/ itself on
sys.path: the rules are imported as the top-level package `rules`. PolicyPack starts a gRPC
server and blocks, so no other module may construct it (the offline plan, tools/plan/policy.py, runs the same rules).
"""

from pulumi_policy import PolicyPack
from rules import ALL_POLICIES, PACK_ENFORCEMENT_LEVEL, PACK_NAME

PolicyPack(name=PACK_NAME, enforcement_level=PACK_ENFORCEMENT_LEVEL, policies=ALL_POLICIES)
