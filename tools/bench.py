"""Benchmark: offline plan wall time per stack against the time to load just the SDK classes that
stack uses (target: plan <= 1.5x that, and under 3 s), the test suite's time, and peak memory.

Each measurement runs in a fresh interpreter, repeated; the minimum is reported (the least noisy
estimate of the cost on this machine).
`python -m tools.bench [--repeat N] [--skip-tests] [--install]` (make bench).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.plan.stackfile import ROOT, available_stacks

PY = sys.executable
PLAN_TARGET_S = 3.0
RATIO_TARGET = 1.5


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # a plan that reports mandatory policy failures (exit 1) still did all its work
    if done.returncode not in (0, 1):
        raise subprocess.CalledProcessError(done.returncode, cmd)
    return time.perf_counter() - start


def _peak_of(cmd: list[str]) -> int:
    """Peak RSS (KiB) of one run, measured by a fresh parent so earlier runs don't count."""
    script = (
        "import resource,subprocess,sys;subprocess.run(sys.argv[1:],"
        "stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([PY, "-c", script, *cmd], cwd=ROOT, check=True, capture_output=True, text=True)
    return int(out.stdout.strip())


def sdk_classes(stack: str, out: Path) -> list[str]:
    plan = json.loads((out / stack / "plan.json").read_text())
    return sorted({r["type"] for r in plan["resources"] if r["type"].startswith("azure-native:")})


def import_script(types: list[str]) -> str:
    lines = ["import pulumi_azure_native"]
    for token in types:
        _, module, cls = token.split(":")
        lines.append(f"from pulumi_azure_native.{module} import {cls}")
    return "; ".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the minimum is reported")
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--install", action="store_true", help="also time a fresh `make venv` into a temporary folder")
    args = parser.parse_args(argv)
    if args.install:
        # exactly what a fresh clone's first `make plan` / `make test` does: both venvs
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            subprocess.run(
                ["make", "--no-print-directory", "venv", f"VENV={tmp}/venv", f"EXAMPLES_VENV={tmp}/venv-examples"],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            print(f"fresh install (make venv: both venvs): {time.perf_counter() - start:.1f} s (target < 60 s)\n")
    out = ROOT / "build" / "bench"
    failures = 0
    print(f"{'stack':<10}{'plan s':>8}{'sdk s':>8}{'ratio':>7}{'peak MiB':>10}  target")
    for stack in available_stacks():
        plan_cmd = [PY, "-m", "tools.plan", "--stack", stack, "--quiet", "--out", str(out)]
        plan_s = min(_timed(plan_cmd) for _ in range(args.repeat))
        sdk_cmd = [PY, "-c", import_script(sdk_classes(stack, out))]
        sdk_s = min(_timed(sdk_cmd) for _ in range(args.repeat))
        peak = _peak_of(plan_cmd) / 1024
        ok = plan_s <= PLAN_TARGET_S and plan_s <= RATIO_TARGET * sdk_s
        failures += not ok
        verdict = "ok" if ok else f"MISSED (<= {PLAN_TARGET_S}s and <= {RATIO_TARGET}x sdk)"
        print(f"{stack:<10}{plan_s:>8.2f}{sdk_s:>8.2f}{plan_s / sdk_s:>7.2f}{peak:>10.0f}  {verdict}")
    if not args.skip_tests:
        test_cmd = [PY, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider"]
        test_s = _timed(test_cmd)
        peak = _peak_of(test_cmd) / 1024
        print(f"\ntest suite (pytest -n 2): {test_s:.1f} s, peak {peak:.0f} MiB per process (target < 60 s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
