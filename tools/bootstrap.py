"""Build or update a virtualenv from pinned requirements files: with uv where it can be had, else pip.

`python3 tools/bootstrap.py VENV REQUIREMENTS...` is the Makefile's install step. Standard library
only: it runs before any virtualenv exists.

- uv: the exact version pinned in requirements-bootstrap.txt, one on PATH that reports it, else
  installed by pip into ~/.cache/ml-platform-bootstrap/uv-<version>/ (under XDG_CACHE_HOME when
  set, like pip's and uv's caches). uv does not read pip's configuration, so what pip
  is configured with on this machine (`pip config list`: its config files and PIP_* variables:
  index, extra indexes, find-links, constraints, certificate, timeout, ...) is handed to uv as
  uv's own environment variables at run time: no index address is written into the repository.
  A UV_* variable already set wins over the translation.
- pip, the fallback: `python -m venv` and the venv's own pip (pip's configuration as it is) where
  uv cannot be installed or run, where pip is configured with an option this translation does not
  know (named on the terminal), or when the environment says INSTALLER=pip.
"""

from __future__ import annotations

import ast
import compileall
import multiprocessing
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOTSTRAP_REQUIREMENTS = ROOT / "requirements-bootstrap.txt"
# The pinned uv, unpacked once per user like the package caches beside it (every clone uses it).
TOOLS = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ml-platform-bootstrap"

# pip option (as in pip.conf / PIP_<NAME>) -> (uv's variable, separator for a list; None: one value)
TRANSLATED: dict[str, tuple[str, str | None]] = {
    "index-url": ("UV_INDEX_URL", None),
    "extra-index-url": ("UV_EXTRA_INDEX_URL", " "),
    "find-links": ("UV_FIND_LINKS", ","),
    "constraint": ("UV_CONSTRAINT", " "),
    "trusted-host": ("UV_INSECURE_HOST", " "),
    "cert": ("SSL_CERT_FILE", None),
    "client-cert": ("SSL_CLIENT_CERT", None),
    "timeout": ("UV_HTTP_TIMEOUT", None),
    "default-timeout": ("UV_HTTP_TIMEOUT", None),
    "proxy": ("HTTPS_PROXY", None),
}
# pip flags (true/false in pip's configuration) -> uv's variable and value when true
FLAGS: dict[str, tuple[str, str]] = {
    "no-index": ("UV_NO_INDEX", "1"),
    "require-hashes": ("UV_REQUIRE_HASHES", "1"),
    "pre": ("UV_PRERELEASE", "allow"),
}
# pip options that change how pip talks, prints or caches, not what it installs
IGNORED = frozenset(
    {
        "disable-pip-version-check",
        "no-color",
        "progress-bar",
        "quiet",
        "verbose",
        "no-input",
        "root-user-action",
        "cache-dir",
        "no-cache-dir",
        "log",
        "retries",
        "exists-action",
        "no-warn-script-location",
        "no-python-version-warning",
    }
)
# pip reads its configuration in this order for `pip install`, later sections winning
SECTIONS = ("global", "install", ":env:")
TRUE = frozenset({"1", "true", "yes", "on"})


class UntranslatableError(Exception):
    """pip is configured with an option uv would not be told about."""


def pip_config(listing: str) -> dict[str, str]:
    """The options `pip install` uses, from the output of `pip config list` (section.key='value')."""
    found: dict[tuple[str, str], str] = {}
    for line in listing.splitlines():
        name, sep, raw = line.partition("=")
        section, dot, key = name.rpartition(".")
        if sep and dot and section in SECTIONS:
            found[section, key] = str(ast.literal_eval(raw))
    effective: dict[str, str] = {}
    for section in SECTIONS:
        effective.update({key: value for (sec, key), value in found.items() if sec == section})
    return effective


def uv_environment(options: Mapping[str, str], environ: Mapping[str, str]) -> dict[str, str]:
    """uv's variables for pip's options; a variable already in `environ` is left as it is."""
    translated: dict[str, str] = {}
    unknown = sorted(set(options) - set(TRANSLATED) - set(FLAGS) - IGNORED)
    if unknown:
        raise UntranslatableError(", ".join(unknown))
    for key, value in options.items():
        if key in TRANSLATED:
            variable, separator = TRANSLATED[key]
            translated[variable] = separator.join(value.split()) if separator else value
            if key == "proxy":
                translated["HTTP_PROXY"] = value
        elif key in FLAGS and value.strip().lower() in TRUE:
            variable, flag_value = FLAGS[key]
            translated[variable] = flag_value
    if "UV_EXTRA_INDEX_URL" in translated:
        # pip takes the best match for a pin across all its indexes; uv's default stops at the
        # first index that has the package's name at all
        translated["UV_INDEX_STRATEGY"] = "unsafe-best-match"
    translated["UV_PYTHON_DOWNLOADS"] = "never"  # the venv uses this Python, never one uv fetches
    return {k: v for k, v in translated.items() if k not in environ}


def pinned_version(requirements: Path, name: str) -> str:
    for line in requirements.read_text().splitlines():
        package, pinned, version = line.split("#", 1)[0].strip().partition("==")
        if pinned and package.strip().lower() == name:
            return version.strip()
    raise ValueError(f"{requirements.name} pins no {name}")


def _version_of(uv: Path | str) -> str | None:
    try:
        done = subprocess.run([str(uv), "--version"], capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return None
    words = done.stdout.split()
    return words[1] if done.returncode == 0 and len(words) > 1 else None


def find_uv(
    python: str, environ: Mapping[str, str], requirements: Path = BOOTSTRAP_REQUIREMENTS, tools: Path = TOOLS
) -> tuple[str | None, str]:
    """(uv's path, why) where the pinned uv can be had; (None, why not) otherwise."""
    if environ.get("INSTALLER", "uv") == "pip":
        return None, "INSTALLER=pip"
    pin = pinned_version(requirements, "uv")
    on_path = shutil.which("uv")
    if on_path and _version_of(on_path) == pin:
        return on_path, f"uv {pin} on PATH"
    target = tools / f"uv-{pin}"
    uv = target / "bin" / "uv"
    if not uv.exists():
        # into a folder of this run's own, then renamed: clones bootstrapping at once never see half a uv
        tools.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=tools))
        command = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        command += ["--target", str(partial), "-r", str(requirements)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not (partial / "bin" / "uv").exists():
            shutil.rmtree(partial, ignore_errors=True)
            return None, f"pip could not install uv {pin}: {(done.stderr.strip().splitlines() or ['?'])[-1]}"
        if target.exists() and not uv.exists():
            shutil.rmtree(target, ignore_errors=True)  # left by a run that was stopped half-way
        try:
            partial.rename(target)
        except OSError:  # another run put it there first
            shutil.rmtree(partial, ignore_errors=True)
    if _version_of(uv) != pin:
        return None, f"{uv} does not run as uv {pin}"
    return str(uv), f"uv {pin}"


def _pip_options(python: str) -> dict[str, str]:
    done = subprocess.run([python, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False)
    return pip_config(done.stdout) if done.returncode == 0 else {}


def _python_files(root: Path) -> list[Path]:
    """The repository's own .py files: not the virtualenvs, build output or git's folder."""
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in ("build", "__pycache__")]
        found.extend(Path(folder) / f for f in files if f.endswith(".py"))
    return found


def azure_services(root: Path = ROOT) -> list[str]:
    """The azure-native service packages the repository's own code imports (`from
    pulumi_azure_native import network`, `import pulumi_azure_native.storage`, ...)."""
    found: set[str] = set()
    for path in _python_files(root):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module == "pulumi_azure_native":
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pulumi_azure_native."):
                found.add((node.module or "").split(".")[1])
            elif isinstance(node, ast.Import):
                found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("pulumi_azure_native."))
    return sorted(found)


def _compile(path: str) -> bool:
    return bool(compileall.compile_file(path, quiet=2))


def compile_bytecode(venv: Path, services: list[str]) -> None:
    """What pip does at install and uv does not by default: write the .pyc files, so that an
    interpreter run with PYTHONDONTWRITEBYTECODE does not compile every module it imports again on
    every run (measured: twice the time of a plan). Not all of azure-native's 6,000 modules (longer
    than the rest of the install): only the service packages in `services` (whose modules their
    __init__ loads), and the other services' __init__ (which `import pulumi_azure_native` loads). The venv runs this
    Python, so this process writes what it will read."""
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    azure = site / "pulumi_azure_native"
    skipped = {azure / name for name in os.listdir(azure) if name not in services} if azure.is_dir() else set()
    # `import pulumi_azure_native` loads every service's __init__, used or not
    sources = [str(folder / "__init__.py") for folder in skipped if (folder / "__init__.py").is_file()]
    for folder, subfolders, files in os.walk(site):
        here = Path(folder)
        subfolders[:] = [d for d in subfolders if here / d not in skipped and d != "__pycache__"]
        sources.extend(str(here / f) for f in files if f.endswith(".py"))
    # compileall's own -j hands out one file at a time: slower than one process here
    with multiprocessing.Pool(os.cpu_count() or 1) as pool:
        pool.map(_compile, sources, chunksize=64)


def install_with_uv(uv: str, venv: Path, requirements: list[str], env: dict[str, str]) -> None:
    if not (venv / "bin" / "python").exists():
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], env=env, check=True)
    command = [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    subprocess.run(command + [arg for r in requirements for arg in ("-r", r)], env=env, check=True)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # otherwise Python writes the .pyc of each module at its first import: less work than all
        compile_bytecode(venv, azure_services())


def install_with_pip(venv: Path, requirements: list[str]) -> None:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    elif subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True, check=False).returncode:
        subprocess.run([str(python), "-m", "ensurepip", "--default-pip"], capture_output=True, check=True)
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(command + [arg for r in requirements for arg in ("-r", r)], check=True)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python3 tools/bootstrap.py VENV REQUIREMENTS...", file=sys.stderr)
        return 2
    venv, requirements = Path(argv[0]), argv[1:]
    uv, why = find_uv(sys.executable, os.environ)
    env: dict[str, str] = {}
    if uv:
        try:
            env = {**os.environ, **uv_environment(_pip_options(sys.executable), os.environ)}
        except UntranslatableError as error:
            uv, why = None, f"pip is configured with options uv is not told about ({error})"
    print(f"bootstrap: {venv} <- {' '.join(requirements)} ({why if uv else 'pip, because ' + why})")
    try:
        if uv:
            install_with_uv(uv, venv, requirements, env)
        else:
            install_with_pip(venv, requirements)
    except subprocess.CalledProcessError as error:
        print(f"bootstrap: failed: {' '.join(map(str, error.cmd))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
