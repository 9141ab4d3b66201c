"""Benchmark: fresh clone to first plan (cold and warm package cache), plan-all against the solo
plans, `make test`, and each stack's plan against the time to load only the SDK classes it uses.

`python -m tools.bench [--repeat N] [--skip-clone] [--skip-tests] [--pip]` (make bench). Each
measurement runs in fresh processes, repeated; the minimum is reported (the least noisy estimate
of the cost on this machine), wall time and CPU time (user + system: less sensitive to whatever
else the machine runs, which the load average printed beside the figures shows). The fresh clone
is of the committed HEAD. Targets (2 cores): clone to first dev plan < 15 s warm and < 40 s cold;
plan-all <= 1.5x one prod plan; `make test` < 45 s once installed; each plan <= 1.1x its SDK load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tools.plan.stackfile import ROOT, available_stacks

PY = sys.executable
CLONE_WARM_S, CLONE_COLD_S = 15.0, 40.0
PLAN_ALL_OVER_PROD = 1.5
MAKE_TEST_S = 45.0
PLAN_OVER_SDK = 1.1


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:6.2f} s (cpu {self.cpu:6.2f} s)"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path = ROOT, env: Mapping[str, str] | None = None) -> Timing:
    cpu, start = _cpu(), time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    # a plan that reports mandatory policy failures (exit 1) still did all its work
    if done.returncode not in (0, 1):
        raise subprocess.CalledProcessError(done.returncode, cmd, stderr=done.stderr)
    return Timing(wall, _cpu() - cpu)


def best(runs: int, measure: Callable[[], Timing]) -> Timing:
    timings = [measure() for _ in range(runs)]
    return Timing(min(t.wall for t in timings), min(t.cpu for t in timings))


def best_of_pair(runs: int, first: list[str], second: list[str]) -> tuple[Timing, Timing]:
    """Two commands run in turns, so that a change in the machine's load hits both alike."""
    pairs = [(timed(first), timed(second)) for _ in range(runs)]
    return (
        Timing(min(a.wall for a, _ in pairs), min(a.cpu for a, _ in pairs)),
        Timing(min(b.wall for _, b in pairs), min(b.cpu for _, b in pairs)),
    )


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


def plan_cmd(out: Path, *stacks: str) -> list[str]:
    return [PY, "-m", "tools.plan", *(a for s in stacks for a in ("--stack", s)), "--quiet", "--out", str(out)]


def verdict(ok: bool, target: str) -> str:
    return f"ok ({target})" if ok else f"MISSED ({target})"


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def fresh_clone_to_first_plan(tmp: Path, env: Mapping[str, str]) -> Timing:
    """`git clone` of HEAD, then `make plan STACK=dev` in it: what a newcomer's first command costs."""
    target = Path(tempfile.mkdtemp(dir=tmp))
    cpu, start = _cpu(), time.perf_counter()
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target / "p")], check=True, env=env)
    done = subprocess.run(
        ["make", "--no-print-directory", "plan", "STACK=dev"],
        cwd=target / "p",
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    timing = Timing(time.perf_counter() - start, _cpu() - cpu)
    if done.returncode:
        raise SystemExit(f"fresh clone: make plan failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    subprocess.run(["rm", "-rf", str(target)], check=True)
    return timing


def bench_clone(repeat: int, pip: bool) -> list[bool]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        base = dict(os.environ)
        # cold: empty caches for uv, for pip (which fetches uv itself) and for the unpacked uv
        cold_env = {
            **base,
            "XDG_CACHE_HOME": f"{tmp}/cold",
            "UV_CACHE_DIR": f"{tmp}/cold/uv",
            "PIP_CACHE_DIR": f"{tmp}/cold/pip",
        }
        cold = fresh_clone_to_first_plan(Path(tmp), cold_env)
        print(f"fresh clone to first dev plan, cold cache: {cold}  {verdict(cold.wall < CLONE_COLD_S, '< 40 s')}")
        fresh_clone_to_first_plan(Path(tmp), base)  # fills the user's caches, if they were not yet
        warm = best(repeat, lambda: fresh_clone_to_first_plan(Path(tmp), base))
        print(f"fresh clone to first dev plan, warm cache: {warm}  {verdict(warm.wall < CLONE_WARM_S, '< 15 s')}")
        results += [cold.wall < CLONE_COLD_S, warm.wall < CLONE_WARM_S]
        if pip:
            pip_env = {**base, "INSTALLER": "pip"}
            fresh_clone_to_first_plan(Path(tmp), pip_env)
            warm_pip = fresh_clone_to_first_plan(Path(tmp), pip_env)
            print(f"  the same with the pip fallback (INSTALLER=pip), warm cache: {warm_pip}")
    print(f"  ({load()})\n")
    return results


def bench_plans(repeat: int) -> list[bool]:
    out = ROOT / "build" / "bench"
    stacks = available_stacks()
    results = []
    solo: dict[str, Timing] = {}
    print(f"{'stack':<10}{'plan':>26}{'SDK classes alone':>30}{'ratio':>7}{'(cpu)':>7}{'peak MiB':>10}")
    for stack in stacks:
        timed(plan_cmd(out, stack))  # writes the plan.json the SDK classes are read from
        solo[stack], sdk = best_of_pair(
            repeat, plan_cmd(out, stack), [PY, "-c", import_script(sdk_classes(stack, out))]
        )
        peak = _peak_of(plan_cmd(out, stack)) / 1024
        ok = solo[stack].wall <= PLAN_OVER_SDK * sdk.wall
        results.append(ok)
        ratio, cpu_ratio = solo[stack].wall / sdk.wall, solo[stack].cpu / sdk.cpu
        print(
            f"{stack:<10}{solo[stack]!s:>26}{sdk!s:>30}{ratio:>7.2f}{cpu_ratio:>7.2f}{peak:>10.0f}"
            f"  {verdict(ok, '<= 1.1x')}"
        )
    largest = "prod" if "prod" in solo else max(solo, key=lambda s: solo[s].wall)
    together, prod = best_of_pair(repeat, plan_cmd(out, *stacks), plan_cmd(out, largest))
    peak = _peak_of(plan_cmd(out, *stacks)) / 1024
    ok = together.wall <= PLAN_ALL_OVER_PROD * prod.wall
    results.append(ok)
    total = sum(t.wall for t in solo.values())
    print(
        f"\nplan-all ({len(stacks)} stacks, one process): {together}, peak {peak:.0f} MiB; "
        f"{together.wall / prod.wall:.2f}x one {largest} plan (cpu {together.cpu / prod.cpu:.2f}x)  "
        f"{verdict(ok, '<= 1.5x')}; "
        f"the solo plans add up to {total:.2f} s ({together.wall / total:.2f}x)"
    )
    print(f"  ({load()})\n")
    return results


def bench_tests() -> list[bool]:
    subprocess.run(["make", "--no-print-directory", "venv", "venv-examples"], cwd=ROOT, check=True, capture_output=True)
    make_test = timed(["make", "--no-print-directory", "test"])
    ok = make_test.wall < MAKE_TEST_S
    print(f"make test (installed): {make_test}  {verdict(ok, '< 45 s')}  ({load()})")
    # where the time goes: make test runs these side by side on the machine's cores
    for part in ("unit", "typecheck"):
        print(f"  make {part} alone: {timed(['make', '--no-print-directory', part])}")
    return [ok]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the minimum is reported")
    parser.add_argument("--skip-clone", action="store_true", help="do not time fresh clones")
    parser.add_argument("--skip-tests", action="store_true", help="do not time `make test`")
    parser.add_argument("--pip", action="store_true", help="also time a warm fresh clone with the pip fallback")
    args = parser.parse_args(argv)
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {load()}\n")
    results = [] if args.skip_clone else bench_clone(args.repeat, args.pip)
    results += bench_plans(args.repeat)
    if not args.skip_tests:
        results += bench_tests()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
