"""Preflight: `python -m tools.preflight --stack prod` (make preflight STACK=prod).

Checks, read-only and with the credentials the deployment will use (azure-identity's
DefaultAzureCredential: `az login`, a service principal's AZURE_* variables, workload identity or a
managed identity), what an offline plan cannot know: resource providers and features registered,
the deployer's permissions on every scope the plan writes to or grants on, VM sizes offered and
not restricted, vCPU quota against the stack's caps (Compute and Azure ML), names held by
soft-deleted key vaults and workspaces, and the existing resources the stack references; either kind
of stack (a shared stack: its registry, diagnostics and locks). Prints a
table and writes build/preflight/<stack>.json.
Exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 the stack's settings are
invalid, or no subscription or credentials (message only).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from tools.plan.stackfile import ROOT, StackConfig, available_stacks, load_stack_config

SUBSCRIPTION_KEY = "azure-native:subscriptionId"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.preflight", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stack", required=True, help=f"stack name (have: {', '.join(available_stacks())})")
    parser.add_argument("--stack-file", type=Path, help="check this stack file instead of stacks/Pulumi.<stack>.yaml")
    parser.add_argument(
        "--plan", type=Path, help="read this plan.json (from `make plan`) instead of planning the stack in-process"
    )
    parser.add_argument(
        "--subscription",
        help=f"subscription id (default: AZURE_SUBSCRIPTION_ID, ARM_SUBSCRIPTION_ID, the stack's {SUBSCRIPTION_KEY})",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "preflight", help="output folder")
    return parser.parse_args(argv)


def _subscription(args: argparse.Namespace, config: StackConfig) -> str | None:
    for value in (
        args.subscription,
        os.environ.get("AZURE_SUBSCRIPTION_ID"),
        os.environ.get("ARM_SUBSCRIPTION_ID"),
        config.values.get(SUBSCRIPTION_KEY),
    ):
        if value:
            return value.strip()
    return None


def _plan_resources(args: argparse.Namespace, config: StackConfig) -> list[dict[str, Any]]:
    if args.plan is not None:
        document = json.loads(args.plan.read_text())
        if document.get("stack") != config.stack:
            raise ValueError(f"{args.plan} is the plan of stack {document.get('stack')!r}, not {config.stack!r}")
        return list(document["resources"])
    from tools.plan.engine import run_program

    return run_program(config).resources


def main(argv: list[str] | None = None, credential: Any = None, transport: Any = None, retry: Any = None) -> int:
    """`credential`, `transport` and `retry` are for the offline tests (recorded ARM responses)."""
    args = _arguments(argv)
    from components.settings import SettingsError
    from components.settings.loader import any_settings_from_config
    from tools.plan.mocks import SUBSCRIPTION_ID as PLACEHOLDER

    from .needs import derive

    try:
        config = load_stack_config(args.stack, args.stack_file)
        settings = any_settings_from_config(config.values, set(config.secret_keys), args.stack)
        resources = _plan_resources(args, config)
    except (FileNotFoundError, ValueError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    subscription = _subscription(args, config)
    if not subscription:
        print(
            "error: no subscription: pass --subscription, set AZURE_SUBSCRIPTION_ID (or ARM_SUBSCRIPTION_ID), "
            f"or `pulumi config set {SUBSCRIPTION_KEY} <id> --stack {args.stack}`",
            file=sys.stderr,
        )
        return 2
    needs = derive(settings, resources, args.stack, subscription, PLACEHOLDER)

    # The Azure SDKs load only now: the plan, the program and the tests never import them.
    from azure.core.exceptions import ClientAuthenticationError

    from .azure_clients import ARM_SCOPE, Clients, Retry
    from .report import exit_code, summary, table, write_json
    from .run import run_checks

    if credential is None:
        from azure.identity import DefaultAzureCredential

        # its per-credential warnings would bury the one message below
        logging.getLogger("azure.identity").setLevel(logging.ERROR)
        credential = DefaultAzureCredential()
    try:
        credential.get_token(ARM_SCOPE)
    except ClientAuthenticationError as error:
        first = str(error.message or error).strip().splitlines()[0]
        print(
            "error: no Azure credentials for the deployment: run `az login` (and `az account set --subscription "
            f"{subscription}`), or set AZURE_CLIENT_ID, AZURE_TENANT_ID and a secret or federated token. "
            f"DefaultAzureCredential said: {first}",
            file=sys.stderr,
        )
        return 2
    clients = Clients(credential, subscription, transport, retry or Retry())
    findings = run_checks(needs, clients)
    print(f"Preflight of stack '{args.stack}' in subscription {subscription} ({needs.location}), read-only:\n")
    print(table(findings))
    print(f"\n{summary(findings)}")
    out = args.out / f"{args.stack}.json"
    write_json(out, args.stack, subscription, findings)
    print(f"Wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if exit_code(findings):
        print("\nerror: preflight failed: fix the FAIL rows before `pulumi up`", file=sys.stderr)
    return exit_code(findings)


if __name__ == "__main__":
    sys.exit(main())
