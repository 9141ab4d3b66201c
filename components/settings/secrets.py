"""`secure:` stack values: never settings, referred to by name, read only as Pulumi secrets.

A setting that needs a secret (a file share's SAS token) holds the NAME of a `secure:` value of
this project (`pulumi config set --secret teamShareSas <token>` -> `ml-platform:teamShareSas`).
The loader leaves every secret value out of the settings, so no settings object, error message
or log line ever holds one in plain text; the component that needs it gets a Pulumi secret
Output from `read_secret`, encrypted in state and masked in output.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import AfterValidator

from .errors import NAMESPACE, Problem

# A `secure:` key of this project: `ml-platform:<name>`.
SECRET_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9]{0,63}$")


def _secret_name(value: str) -> str:
    if not SECRET_NAME.fullmatch(value):
        raise ValueError(f"'{value}' is not a config key name (letters and digits, starting with a letter)")
    return value


# A setting that names a `secure:` value (never the value itself)
SecretName = Annotated[str, AfterValidator(_secret_name)]


def secret_keys(config: Mapping[str, object]) -> set[str]:
    """The config keys the engine marks as secret (from the CLI's environment or set in-process)."""
    return {key for key in config if runtime_config.is_config_secret(key)} | set(
        runtime_config.get_config_secret_keys_env()
    )


def full_key(name: str) -> str:
    return f"{NAMESPACE}:{name}"


def reference_problems(references: Mapping[str, str], secret: set[str]) -> list[Problem]:
    """Each reference (settings key -> secret name) must name a value the stack holds as a secret."""
    problems = []
    for settings_key, name in sorted(references.items()):
        key = full_key(name)
        # a plain-text value under that key never gets here: the settings reject it as unknown
        if key not in secret:
            problems.append(
                Problem(f"{NAMESPACE}:{settings_key}", f"no secret {key}: pulumi config set --secret {name} <value>")
            )
    return problems


def read_secret(name: str) -> pulumi.Output[str]:
    return pulumi.Config(NAMESPACE).require_secret(name)
