"""The environments the platform publishes: one folder per name and version,
`environments/<name>/<version>/environment.yml` (an azure-ai-ml environment spec: a base image and
a conda file beside it), read once before any resource is registered.

A published version is never edited: Azure ML asset versions are referenced by jobs and
deployments as `azureml://registries/<registry>/environments/<name>/versions/<version>`, so a
change is a new version folder (docs/registry.md). The newest version of each environment names its
base image by a dated tag or a digest: `latest` (or no tag) moves with every release of the image
(Microsoft patches its base images as new dated tags only, "not backported to previous versions":
github.com/Azure/AzureML-Containers, README), so the same version would build on another base each
time Azure ML builds it again. Older versions stay as they were published: the REST spec makes an
environment version's `image` and `condaFile` create-only (mfe.json 2025-12-01).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from components.settings.errors import Problem, SettingsError

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "environments"
SPEC = "environment.yml"
# Azure ML asset names: letters, digits, `-` and `_`, starting with a letter or digit
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$")
_VERSION = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class EnvironmentDefinition:
    name: str
    version: str
    image: str
    conda_file: str  # the conda file's text: what ARM's `condaFile` takes (not a path)
    description: str
    path: Path  # the spec file, for messages and docs

    def uri(self, registry_name: str) -> str:
        """How a job or deployment names it in the registry (how-to-share-models-pipelines-across-
        workspaces-with-registries: `azureml://registries/<registry-name>/environments/<name>/versions/<v>`)."""
        return f"azureml://registries/{registry_name}/environments/{self.name}/versions/{self.version}"


def _key(path: Path, root: Path) -> str:
    return str(path.relative_to(root.parent) if path.is_relative_to(root.parent) else path)


def _read(spec: Path, root: Path) -> tuple[EnvironmentDefinition | None, list[Problem]]:
    key = _key(spec, root)
    folder_version, folder_name = spec.parent.name, spec.parent.parent.name
    try:
        document = yaml.safe_load(spec.read_text()) or {}
    except yaml.YAMLError as error:
        return None, [Problem(key, f"is not valid YAML ({error})")]
    if not isinstance(document, dict):
        return None, [Problem(key, "is not a mapping")]
    problems = []
    name, version = str(document.get("name", "")), str(document.get("version", ""))
    if name != folder_name or not _NAME.fullmatch(name):
        problems.append(
            Problem(f"{key}: name", f"'{name}' must be its folder's name '{folder_name}' (letters, digits, - _)")
        )
    if version != folder_version or not _VERSION.fullmatch(version):
        problems.append(Problem(f"{key}: version", f"'{version}' must be its folder's '{folder_version}' (digits)"))
    image = document.get("image")
    if not isinstance(image, str) or not image:
        problems.append(Problem(f"{key}: image", "required: the base image the conda environment is built on"))
    conda = spec.parent / str(document.get("conda_file", ""))
    if not document.get("conda_file") or not conda.is_file():
        problems.append(Problem(f"{key}: conda_file", "required: a conda file beside environment.yml"))
    for other in sorted(set(document) - {"$schema", "name", "version", "image", "conda_file", "description"}):
        problems.append(Problem(f"{key}: {other}", "not published by the shared stack (image + conda file only)"))
    if problems:
        return None, problems
    definition = EnvironmentDefinition(
        name, version, str(image), conda.read_text(), str(document.get("description", "")), spec
    )
    return definition, []


def floating(image: str) -> bool:
    """An image reference whose content can change under the same name: no tag or `latest`, and no
    digest (`[host[:port]/]repository[:tag][@algorithm:digest]`, Docker's reference grammar: a port
    is the host's, `host:5000/repo` has no tag). A dated tag is stable by Microsoft's practice only;
    a digest is stable by construction."""
    if "@" in image:
        return False
    name = image.rsplit("/", 1)[-1]
    tag = name.partition(":")[2]
    return tag in ("", "latest")


def newest_versions(definitions: list[EnvironmentDefinition]) -> dict[str, EnvironmentDefinition]:
    """Each environment's highest version (versions are digits, compared as numbers: 10 > 2)."""
    newest: dict[str, EnvironmentDefinition] = {}
    for definition in definitions:
        if definition.name not in newest or int(definition.version) > int(newest[definition.name].version):
            newest[definition.name] = definition
    return newest


def published_environments(stack: str, root: Path = FOLDER) -> list[EnvironmentDefinition]:
    """Every environment version under `root`, or SettingsError (for `stack`) naming every broken file."""
    found: list[EnvironmentDefinition] = []
    problems: list[Problem] = []
    for spec in sorted(root.glob(f"*/*/{SPEC}")):
        definition, wrong = _read(spec, root)
        problems += wrong
        if definition is not None:
            found.append(definition)
    for definition in newest_versions(found).values():
        if floating(definition.image):
            problems.append(
                Problem(
                    f"{_key(definition.path, root)}: image",
                    f"'{definition.image}' floats: the newest version names its base image by a dated tag "
                    "or a digest (a new version folder, not an edit of a published one)",
                )
            )
    if problems:
        raise SettingsError(stack, sorted(problems, key=lambda p: p.key))
    return found
