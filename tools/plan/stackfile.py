"""Read a stack file the way the Pulumi CLI hands its config to the program.

What the CLI does (pulumi/pulumi sdk/go/common/workspace/loaders.go, LoadProjectStackBytes, and
resource/config: key.go, object.go), and so what this module does:

- the file is read with a UTF-8 byte-order mark stripped, and parsed by gopkg.in/yaml.v3
  (yaml_v3.py: its scalar rules; a duplicate key is an error);
- the document must be a mapping (`expected project to be an object`), `config:` a mapping of
  keys to values (`could not unmarshal map`), and every key of a mapping a string
  (`expected only string keys`);
- a config key without a namespace takes the project's (`instanceSize` -> `<project>:instanceSize`);
  `<namespace>:config:<name>` is the old spelling of `<namespace>:<name>`; any other key with more
  than one colon is refused (`configuration keys should be of the form <namespace>:<name>`);
- a top-level scalar reaches the program as text: a string as written, a number or boolean as
  its JSON (`0x10` -> "16", `1e3` -> "1000"), null as "" (the CLI warns); a mapping or a list as
  JSON; a date or time as Go's Time.String() ("2025-01-01 00:00:00 +0000 UTC"); `{secure: ...}`
  (also nested in an object) makes the key a secret.

Stricter than the CLI, where it would silently lose input: a top-level key the CLI ignores (a
config key outside `config:`), a second YAML document, a config key given twice (`compute` and
`ml-platform:compute`), a float JSON cannot carry (`.inf`, `.nan`: the CLI fails late on them).
Every problem is a SettingsError naming the key (or the line), like a bad setting.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .yaml_v3 import GoTime, YamlError, parse

if TYPE_CHECKING:
    from components.settings.errors import Problem

ROOT = Path(__file__).resolve().parents[2]
SECRET_PLACEHOLDER = "[secret]"
_BOM = b"\xef\xbb\xbf"
# The top-level keys of a stack file (workspace/project.go, ProjectStack)
_NOT_JSON = "YAML reads .inf / .nan as a float that JSON cannot carry (the CLI fails on it): quote it"
STACK_FILE_KEYS = frozenset({"config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"})


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    values: dict[str, str]  # "namespace:key" -> string (objects as JSON), as the engine passes them
    secret_keys: tuple[str, ...]


def project_name(root: Path = ROOT) -> str:
    return str(yaml.safe_load((root / "Pulumi.yaml").read_text())["name"])


def stack_file(stack: str, root: Path = ROOT) -> Path:
    return root / "stacks" / f"Pulumi.{stack}.yaml"


def available_stacks(root: Path = ROOT) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (root / "stacks").glob("Pulumi.*.yaml"))


def stack_kind(stack: str, root: Path = ROOT) -> str:
    """`environment` or `shared` (a stack file's `ml-platform:kind`, default environment)."""
    document = yaml.safe_load(stack_file(stack, root).read_text()) or {}
    return str((document.get("config") or {}).get("ml-platform:kind", "environment"))


def environment_stacks(root: Path = ROOT) -> list[str]:
    """The stacks with a workspace (every stack file but the shared ones)."""
    return [s for s in available_stacks(root) if stack_kind(s, root) != "shared"]


def shared_stacks(root: Path = ROOT) -> list[str]:
    """The stacks that create the Azure ML registry (`kind: shared`)."""
    return [s for s in available_stacks(root) if stack_kind(s, root) == "shared"]


def load_stack_config(stack: str, path: Path | None = None, root: Path = ROOT) -> StackConfig:
    """The config the CLI would pass for `stack`; FileNotFoundError when there is no such file,
    SettingsError (naming the key or line) when the CLI would refuse the file or lose part of it."""
    path = path or stack_file(stack, root)
    if not path.exists():
        known = ", ".join(available_stacks(root)) or "none"
        raise FileNotFoundError(f"no stack file {path} (stacks: {known})")
    project = project_name(root)
    reader = _Reader(project, path.name)
    values, secrets = reader.read(path.read_bytes())
    if reader.problems:
        from components.settings.errors import SettingsError

        raise SettingsError(stack, reader.problems)
    return StackConfig(project, stack, values, tuple(secrets))


class _Reader:
    def __init__(self, project: str, file_name: str) -> None:
        self.project = project
        self.file_name = file_name
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str) -> None:
        from components.settings.errors import Problem

        self.problems.append(Problem(where, message))

    def at_line(self, line: int | None, column: int | None = None) -> str:
        if not line:
            return self.file_name
        return f"{self.file_name} line {line}" + (f", column {column}" if column else "")

    def at_path(self, path: tuple[str | int, ...]) -> str | None:
        """`config`, `ml-platform:compute.clusters[0]`...: a path below the document, as a key."""
        if not path:
            return None
        if path[0] != "config" or len(path) == 1:
            return ".".join(str(p) for p in path)
        head = str(path[1])
        key = f"{self.project}:{head}" if ":" not in head else head
        for step in path[2:]:
            key += f"[{step}]" if isinstance(step, int) else f".{step}"
        return key

    def read(self, data: bytes) -> tuple[dict[str, str], list[str]]:
        document = self.parse(data)
        if document is None:
            return {}, []  # an empty stack file: no config (the CLI's default project stack)
        if not isinstance(document, dict):
            self.problem(self.file_name, f"must be a mapping with a `config:` key, not {_what(document)}")
            return {}, []
        for key in document:
            if key not in STACK_FILE_KEYS:
                # the CLI would ignore it silently: a config key indented wrongly, or a typo
                self.problem(
                    key if isinstance(key, str) else _shown(key),
                    f"is not a key of a stack file ({', '.join(sorted(STACK_FILE_KEYS))}): "
                    "a config key belongs under `config:`",
                )
        config = document.get("config")
        if config is None:
            return {}, []
        if not isinstance(config, dict):
            self.problem("config", f"must be a mapping of config keys to values, not {_what(config)}")
            return {}, []
        return self.config(config)

    def parse(self, data: bytes) -> Any:
        data = data.removeprefix(_BOM)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            self.problem(
                self.at_line(line), f"byte 0x{data[error.start]:02X} is not UTF-8 text (save the file as UTF-8)"
            )
            return None
        try:
            return parse(text)
        except YamlError as error:
            self.problem(self.at_path(error.path) or self.at_line(error.line, error.column), error.message)
            return None

    def config(self, config: dict[Any, Any]) -> tuple[dict[str, str], list[str]]:
        values: dict[str, str] = {}
        secrets: list[str] = []
        written: dict[str, str] = {}  # full key -> the key as written
        for written_key, value in config.items():
            full = self.full_key(written_key)
            if full is None:
                continue
            if full in written:
                self.problem(full, f"is given twice (as '{written[full]}' and as '{written_key}'): keep one")
                continue
            written[full] = str(written_key)
            if _has_secure(value):
                # encrypted with the stack's secrets provider, which is not here: keep it opaque
                values[full] = SECRET_PLACEHOLDER
                secrets.append(full)
                continue
            encoded = self.top_level(full, value)
            if encoded is not None:
                values[full] = encoded
        return values, secrets

    def full_key(self, key: Any) -> str | None:
        if not isinstance(key, str):
            self.problem(f"config key {_shown(key)}", "config keys are strings: quote it")
            return None
        parts = key.split(":")
        if len(parts) == 1:
            return f"{self.project}:{key}"  # the CLI namespaces a bare key with the project
        if len(parts) == 2:
            return key
        if len(parts) == 3 and parts[1] == "config":
            return f"{parts[0]}:{parts[2]}"  # the old "<namespace>:config:<name>" form
        self.problem(key, "is not a config key: configuration keys are of the form `<namespace>:<name>`")
        return None

    def top_level(self, key: str, value: Any) -> str | None:
        if value is None:
            return ""  # the CLI passes an empty value as "" (and warns)
        if isinstance(value, str):
            return value
        if isinstance(value, GoTime):
            return value.text
        if isinstance(value, (dict, list)):
            if not self.check_nested(key, value):
                return None
            return json.dumps(_json_ready(value), sort_keys=True, separators=(",", ":"), allow_nan=False)
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(key, _NOT_JSON)
            return None
        return _go_json_scalar(value)

    def check_nested(self, path: str, value: Any) -> bool:
        ok = True
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    self.problem(f"{path} key {_shown(key)}", "keys are strings: quote it")
                    ok = False
                    continue
                ok = self.check_nested(f"{path}.{key}", item) and ok
        elif isinstance(value, list):
            for index, item in enumerate(value):
                ok = self.check_nested(f"{path}[{index}]", item) and ok
        elif isinstance(value, float) and not math.isfinite(value):
            self.problem(path, _NOT_JSON)
            ok = False
        return ok


def _has_secure(value: Any) -> bool:
    """A `{secure: <ciphertext>}` value, or an object holding one (config/object.go: isSecureValue)."""
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("secure"), str):
            return True
        return any(_has_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secure(v) for v in value)
    return False


def _json_ready(value: Any) -> Any:
    """Values as Go's encoding/json writes them: integral floats without a fraction (1e3 -> 1000),
    times as their Go text."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, GoTime):
        return value.text
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def _go_json_scalar(value: bool | int | float) -> str:
    """encoding/json's text of a boolean or number (floats: fixed notation from 1e-6 to 1e21)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value != 0 and (abs(value) < 1e-6 or abs(value) >= 1e21):
        mantissa, _, exponent = repr(value).partition("e")
        sign, digits = (exponent[0], exponent[1:]) if exponent[:1] in "+-" else ("+", exponent)
        return f"{mantissa}e{sign}{int(digits)}"
    return format(Decimal(repr(value)).normalize(), "f")


def _what(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return type(value).__name__


def _shown(key: Any) -> str:
    if isinstance(key, GoTime):
        return f"'{key.text}' (a date)"
    if key is None:
        return "null"
    return f"'{key}' ({_what(key)})" if not isinstance(key, str) else f"'{key}'"
