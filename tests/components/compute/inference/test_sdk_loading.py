"""azure-native's AKS and cluster-extension packages load only for a stack with an inference cluster:
compute imports the inference component inside the branch that builds it."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache

import pytest

from tools.plan.stackfile import ROOT

pytestmark = pytest.mark.long  # a fresh interpreter per stack

# azure-native registers every service package lazily when it is first imported; a package's
# submodules (`...containerservice.managed_cluster`) appear only once the package really loads.
PROBE = """
import json, sys
from tests.planning import plan
plan(sys.argv[1])
prefixes = ("pulumi_azure_native.containerservice.", "pulumi_azure_native.kubernetesconfiguration.",
            "components.compute.inference.")
print(json.dumps(sorted(name for name in sys.modules if name.startswith(prefixes))))
"""


@cache
def loaded_modules(stack: str) -> list[str]:
    # a fresh interpreter: this one has planned prod (and loaded everything) already
    run = subprocess.run([sys.executable, "-c", PROBE, stack], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(run.stdout.splitlines()[-1])


def test_the_dev_plan_loads_no_aks_or_extension_module() -> None:
    assert loaded_modules("dev") == []


@pytest.mark.parametrize(
    "module",
    [
        "pulumi_azure_native.containerservice.managed_cluster",
        "pulumi_azure_native.kubernetesconfiguration.extension",
        "components.compute.inference.inference",
    ],
)
def test_the_prod_plan_with_its_inference_cluster_loads_them(module: str) -> None:
    assert module in loaded_modules("prod")
