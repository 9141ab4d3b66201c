"""Offline plan: `python -m tools.plan --stack prod` (make plan STACK=prod).

Runs the real program for one stack under Pulumi's mock engine, with no cloud credentials and no
network, prints the resource tree like `pulumi preview`, runs the policy pack's rules on it with
the stack's policy config (the same rule objects `pulumi preview --policy-pack policies` runs),
checks the users' journeys the stack claims (tools/plan/journeys), prices the stack's monthly cost
ceiling (tools/plan/cost), and writes plan.json, graph.dot, graph.mmd, cost.json and summary.md
under build/plan/<stack>/.
`--stack dev --stack prod` plans several stacks in one process: the SDK loads once, each stack
runs in a fresh mock engine, and each writes exactly what its own plan would; then the rules
across environments check them as a set (tools/plan/across: build/plan/across.{json,md}).
`--stack-file STACK=PATH` plans that stack from another file (one per stack; a bare PATH with a
single --stack).
`--base OLD/plan.json` also compares with that plan of the same stack (tools/plan/diff): diff.json,
the diff first in summary.md, and exit 1 on a destructive change nobody acknowledged.
Exit codes: 0 ok, 1 a mandatory policy failed, a claimed journey is broken, the cost ceiling breaks
the stack's budget, the diff's gate failed or a rule across environments is violated, 2 bad input:
the stack name, the stack file, its settings, the policy config or the base plan (checked first,
inputs.py; one message, nothing registered); with several stacks, the worst of theirs.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from .stackfile import ROOT, available_stacks

if TYPE_CHECKING:
    from .across.stacks import PlannedStack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.plan", description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--stack",
        action="append",
        required=True,
        help=f"stack name, repeatable: one process plans them all (have: {', '.join(available_stacks())})",
    )
    parser.add_argument(
        "--stack-file",
        action="append",
        default=[],
        metavar="[STACK=]PATH",
        help="plan STACK from PATH instead of stacks/Pulumi.<stack>.yaml (repeatable; a bare PATH: the one --stack)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "plan", help="output folder")
    parser.add_argument(
        "--policy-config",
        type=Path,
        help="policy pack config (default: policies/config/<stack>.json, else the one of the stack's tier)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the summary and the verdicts")
    parser.add_argument(
        "--which-policy-config",
        action="store_true",
        help="print the policy config the stack's plan, preview and deployment use (the workflows ask), and exit",
    )
    parser.add_argument(
        "--base",
        type=Path,
        help="compare with this plan: writes diff.json, puts the diff first in summary.md and fails on an "
        "unacknowledged destructive change (a plan.json, its folder, or a folder of <stack>/plan.json)",
    )
    parser.add_argument(
        "--allow-destroy",
        action="store_true",
        help="with --base: destructive changes are acknowledged (the pull request's allow-destroy label)",
    )
    args = parser.parse_args(argv)
    stacks: list[str] = args.stack
    if len(set(stacks)) != len(stacks):
        parser.error("each --stack once: every stack writes build/plan/<stack>/")
    args.stack_files = _stack_files(parser, args.stack_file, stacks)
    if args.allow_destroy and not args.base:
        parser.error("--allow-destroy acknowledges the changes of a diff: give --base")
    if len(stacks) > 1 and (args.policy_config or args.which_policy_config):
        parser.error("--policy-config or --which-policy-config applies to one stack: give a single --stack")
    if args.which_policy_config:
        return which_policy_config(stacks[0], args)
    from .across.check import run as check_across

    planned: list[PlannedStack] = []
    codes = [plan_stack(stack, args, planned) for stack in stacks]
    # The worst outcome wins: 2 (a stack's settings are invalid) > 1 (a mandatory policy failed) > 0.
    return max(*codes, check_across(planned, args.out))


def which_policy_config(stack: str, args: argparse.Namespace) -> int:
    """The one answer to "which config does this stack's pack run with" (its own file, else its
    tier's), from the same input checks as a plan: deploy-stack.yml passes it to `pulumi up`."""
    from components.settings import SettingsError

    from .inputs import InputError, checked_inputs

    try:
        _, policy_config, _ = checked_inputs(stack, args.stack_files.get(stack), args.policy_config)
    except (InputError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(policy_config.relative_to(ROOT) if policy_config.is_relative_to(ROOT) else policy_config)
    return 0


def _stack_files(parser: argparse.ArgumentParser, given: list[str], stacks: list[str]) -> dict[str, Path]:
    """`--stack-file` values as stack -> path: `STACK=PATH` for a stack of the run, or a bare PATH
    for the single --stack."""
    files: dict[str, Path] = {}
    for value in given:
        stack, sep, path = value.partition("=")
        if not (sep and stack in stacks):
            if len(stacks) > 1:
                parser.error(f"--stack-file {value}: a bare PATH applies to one stack: write STACK=PATH")
            stack, path = stacks[0], value
        if stack in files:
            parser.error(f"--stack-file: one file per stack ({stack} has two)")
        files[stack] = Path(path)
    return files


def plan_stack(stack: str, args: argparse.Namespace, planned: list[PlannedStack] | None = None) -> int:
    """Plan one stack in a fresh mock engine (engine.run_program) and write its files; its exit code.
    A stack that could be planned joins `planned`, for the rules across environments."""
    # Imported after argument parsing so `--help` stays instant (and once: later stacks reuse them).
    from components.settings import SettingsError

    from .across.stacks import planned_stack
    from .cost import report as cost_report
    from .cost.budget import budget_problems
    from .cost.ceiling import ceiling
    from .diff.run import load_base, write_diff
    from .engine import run_program
    from .graph import to_dot, to_mermaid
    from .inputs import InputError, checked_inputs
    from .journeys.evaluate import evaluate as evaluate_journeys
    from .journeys.evaluate import has_broken_claims
    from .journeys.report import summarize as summarize_journeys
    from .policy import evaluate, has_mandatory_failures, summarize
    from .render import summary_lines, tree_lines

    try:
        config, policy_config, settings = checked_inputs(stack, args.stack_files.get(stack), args.policy_config)
        base = load_base(args.base, stack) if args.base else None
        plan = run_program(config)
    except (InputError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    verdicts = evaluate(plan.resources, stack, policy_config)
    journeys = evaluate_journeys(plan.resources, plan.outputs)
    cost, budget = ceiling(plan.resources), settings.budget.monthly
    if planned is not None:
        planned.append(planned_stack(settings, stack, policy_config, plan.resources, plan.outputs, verdicts))

    out = args.out / stack
    out.mkdir(parents=True, exist_ok=True)
    document = plan.to_json()
    document["policy"] = {
        "config": str(policy_config.relative_to(ROOT) if policy_config.is_relative_to(ROOT) else policy_config),
        "verdicts": [asdict(v) for v in verdicts],
    }
    document["journeys"] = [journey.to_json() for journey in journeys]
    (out / "plan.json").write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    (out / "graph.dot").write_text(to_dot(plan.resources))
    mermaid = to_mermaid(plan.resources)
    (out / "graph.mmd").write_text(mermaid)
    (out / "cost.json").write_text(json.dumps(cost_report.to_json(cost, budget), indent=2, sort_keys=True) + "\n")

    summary = summary_lines(plan.resources)
    if not args.quiet:
        print(f"Previewing stack '{plan.stack}' offline (mock engine, no credentials):\n")
        print("\n".join(tree_lines(plan.resources)) + "\n")
    elif len(args.stack) > 1:
        print(f"Stack '{plan.stack}':")
    print("\n".join(summary))
    policy_summary = summarize(verdicts)
    print("\n" + policy_summary)
    journey_summary = summarize_journeys(journeys)
    print("\n" + journey_summary)
    cost_summary = cost_report.summary(cost, budget)
    print(f"\nCost ceiling: {cost_report.headline(cost)}. {cost_report.budget_line(cost, budget)}")
    summary_md = (
        f"## Offline plan: `{plan.stack}`\n\n```\n" + "\n".join(summary) + "\n```\n\n"
        f"{policy_summary}\n\n{journey_summary}\n\n{cost_summary}\n"
        "<details><summary>Resource graph</summary>\n\n```mermaid\n" + mermaid + "```\n</details>\n"
    )
    diff_failed = False
    if base is not None:
        summary_md, diff_failed = write_diff(
            out, stack, settings.allow_destroy, base, plan.resources, summary_md, args.allow_destroy, cost
        )
    else:
        (out / "diff.json").unlink(missing_ok=True)  # a diff of an earlier run would describe another change
    (out / "summary.md").write_text(summary_md)
    print(
        f"\nWrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}/"
        "{plan.json,graph.dot,graph.mmd,cost.json,summary.md"
        + (",diff.json" if base is not None else "")
        + "}"
        + ("\n" if len(args.stack) > 1 else "")
    )
    failed = diff_failed
    if diff_failed:
        print(f"\nerror: {stack}: the diff's gate failed (see the errors above)", file=sys.stderr)
    if has_mandatory_failures(verdicts):
        print(f"\nerror: {stack}: mandatory policies failed (see the table above)", file=sys.stderr)
        failed = True
    if has_broken_claims(journeys):
        print(f"\nerror: {stack}: a journey the stack claims is broken (see the journeys table above)", file=sys.stderr)
        failed = True
    if budget_problems(cost, budget):
        print(f"\nerror: {stack}: the cost ceiling breaks ml-platform:budget.monthly (see above)", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    # One short pass that loads hundreds of thousands of long-lived SDK objects: the cyclic
    # collector would rescan them again and again for nothing (measured: ~16% of a plan).
    gc.disable()
    sys.exit(main())
