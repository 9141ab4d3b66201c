"""Azure names: deterministic per stack, different between stacks, within Azure's rules.

Globally unique names (storage, key vault, registry, data lakes) carry a hash of everything that
tells two such names apart: project, stack (as written: `prod-eu` and `prod_eu` both read
`prodeu`), prefix, ``naming.revision`` and the name's kind (`st`, `kv`, `dl<key>`...), taken
before the readable part is cut to fit, so two names that cut to the same text still differ.
Bumping the revision moves every such name (and the workspace name) off a name that a
soft-deleted resource still holds. Collision odds: docs/settings.md#names.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# Hex characters of SHA-256 in every globally unique name: 32 bits. Two names whose readable
# parts are equal collide with probability 2^-32; the readable part keeps the rest of the room.
HASH_LENGTH = 8


def _slug(text: str) -> str:
    """Lowercase, runs of anything but letters/digits become one hyphen, no hyphen at the ends."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _alnum(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _fit(readable: str, suffix: str, limit: int, sep: str = "") -> str:
    """Keep the suffix whole and shorten the readable part to fit, never ending on a hyphen."""
    room = limit - len(suffix) - len(sep)
    head = readable[:room].rstrip("-")
    return f"{head}{sep}{suffix}" if head else suffix


@dataclass(frozen=True)
class Names:
    project: str
    stack: str
    prefix: str
    revision: int = 0

    def hash_of(self, kind: str) -> str:
        """The hash a globally unique name of `kind` ends with (see the module docstring)."""
        seed = "/".join((self.project, self.stack, self.prefix, str(self.revision), kind))
        return hashlib.sha256(seed.encode()).hexdigest()[:HASH_LENGTH]

    @property
    def _base(self) -> str:
        # the stack slug may be empty (a stack named "_"): the prefix alone still reads well
        return "-".join(p for p in (self.prefix, _slug(self.stack)) if p)

    def _hyphenated(self, kind: str, limit: int) -> str:
        revision = f"r{self.revision}" if self.revision else ""
        return _fit(f"{kind}-{self._base}", revision, limit, sep="-" if revision else "")

    # Resource-group scoped names: readable, the revision only when bumped.
    @property
    def resource_group(self) -> str:
        return self._hyphenated("rg", 90)

    @property
    def log_analytics(self) -> str:
        return self._hyphenated("log", 63)

    @property
    def app_insights(self) -> str:
        return self._hyphenated("appi", 260)

    @property
    def workspace(self) -> str:
        return self._hyphenated("mlw", 33)

    @property
    def ml_registry(self) -> str:
        """An Azure ML registry: unique in the Entra tenant, 2-32 letters, digits, `-` and `_`
        (how-to-manage-registries, "Choose a name"), fixed once made ("used in IDs of models,
        environments, and components that are referenced in code")."""
        return self._hyphenated("mlr", 32)

    # Globally unique names: always carry the hash.
    @property
    def storage_account(self) -> str:
        return _fit(_alnum(f"st{self._base}"), self.hash_of("st"), 24)

    @property
    def key_vault(self) -> str:
        return _fit(f"kv-{self._base}", self.hash_of("kv"), 24, sep="-")

    @property
    def container_registry(self) -> str:
        return _fit(_alnum(f"cr{self._base}"), self.hash_of("cr"), 50)

    def scoped(self, kind: str, limit: int = 63) -> str:
        """A readable resource-group scoped name for resources without special rules."""
        return self._hyphenated(kind, limit)

    def global_alnum(self, kind: str, limit: int = 24) -> str:
        """A globally unique lowercase alphanumeric name (e.g. a data-lake storage account)."""
        return _fit(_alnum(f"{kind}{self._base}"), self.hash_of(kind), limit)
