"""docs/registry.md "Promote a model" is a script a platform engineer runs as written: every shell
variable it reads is set earlier in it, every online deployment goes to an endpoint it created before
(`az ml online-deployment create` needs the endpoint its YAML names: how-to-deploy-online-endpoints),
and prod deploys the registry model the share step created (how-to-share-models-pipelines-across-
workspaces-with-registries: `model: azureml://registries/<registry>/models/<name>/versions/<v>`)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from components.core.naming import Names

ROOT = Path(__file__).resolve().parents[1]


def promote_commands(text: str | None = None) -> list[list[str]]:
    """The `sh` block under "## Promote a model", one token list per command (continuations joined)."""
    text = text if text is not None else (ROOT / "docs" / "registry.md").read_text()
    section = text.split("## Promote a model", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    joined = re.sub(r"\\\n\s*", " ", block)
    return [
        shlex.split(line, comments=True)
        for line in joined.splitlines()
        if line.strip() and shlex.split(line, comments=True)
    ]


def _option(command: list[str], name: str) -> str | None:
    return command[command.index(name) + 1] if name in command else None


def unset_variables(commands: list[list[str]]) -> list[str]:
    assigned: set[str] = set()
    missing: list[str] = []
    for command in commands:
        line = " ".join(command)
        missing += [v for v in re.findall(r"\$([A-Z_]+)\b", line) if v not in assigned]
        if match := re.match(r"^([A-Z_]+)=", line):
            assigned.add(match[1])
    return missing


def deployments_without_endpoint(commands: list[list[str]]) -> list[str]:
    created: set[tuple[str, str | None]] = set()
    missing: list[str] = []
    for command in commands:
        if command[:3] == ["az", "ml", "online-endpoint"] and command[3] == "create":
            endpoint = yaml.safe_load((ROOT / str(_option(command, "--file"))).read_text())
            created.add((endpoint["name"], _option(command, "-w")))
        if command[:3] == ["az", "ml", "online-deployment"] and command[3] == "create":
            path = str(_option(command, "--file"))
            deployment = yaml.safe_load((ROOT / path).read_text())
            if (deployment["endpoint_name"], _option(command, "-w")) not in created:
                missing.append(path)
    return missing


def test_every_variable_the_promotion_reads_is_set_before() -> None:
    assert unset_variables(promote_commands()) == []


def test_every_deployment_goes_to_an_endpoint_created_before_in_its_workspace() -> None:
    assert deployments_without_endpoint(promote_commands()) == []


def test_prod_deploys_the_version_the_share_step_put_in_the_registry() -> None:
    commands = promote_commands()
    share = next(c for c in commands if c[:4] == ["az", "ml", "model", "share"])
    prod = next(c for c in commands if c[:4] == ["az", "ml", "online-deployment", "create"] and "mlw-mlp-prod" in c)
    deployment = yaml.safe_load((ROOT / str(_option(prod, "--file"))).read_text())
    model = re.fullmatch(r"azureml://registries/([^/]+)/models/([^/]+)/versions/([^/]+)", deployment["model"])
    assert model is not None, deployment["model"]
    registry, name, version = model.groups()
    assert (name, version) == (_option(share, "--share-with-name"), _option(share, "--share-with-version"))
    assert registry == Names("ml-platform", "shared", "mlp").ml_registry


def test_the_checks_catch_an_unset_variable_and_a_missing_endpoint() -> None:
    broken = (
        "## Promote a model\n\n```sh\naz ml model share --name m --registry-name $REG\n"
        "az ml online-deployment create --file examples/endpoints/managed/deployment.yml -w ws\n```\n"
    )
    commands = promote_commands(broken)
    assert unset_variables(commands) == ["REG"]
    assert deployments_without_endpoint(commands) == ["examples/endpoints/managed/deployment.yml"]
