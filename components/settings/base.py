"""The base every settings model shares: camelCase keys as in the stack file, no unknown keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_camel


class SettingsModel(BaseModel):
    """Immutable, strict about unknown keys (a typo is an error, not a silent default)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )


class KeyedProblemError(ValueError):
    """A problem with the key it is about, relative to the model that found it."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")


def problem(key: str, message: str) -> ValueError:
    """A cross-field error that names the offending key below the model it is raised in.

    Pydantic only knows the location of the model a model-validator runs on; errors.problems_from
    appends the key to it, giving a full key path such as ``compute.clusters[1].maxNodes``.
    """
    return KeyedProblemError(key, message)


class ProblemsError(ValueError):
    """Every problem one model check found, raised together: pydantic keeps the exception in the
    error's context and errors.problems_from reports each of them (one check, many problems)."""

    def __init__(self, found: list[ValueError]) -> None:
        self.found = tuple(found)
        super().__init__("; ".join(str(p) for p in self.found))


M = TypeVar("M", bound=BaseModel)


def cross_checks(check: Callable[[M], Iterator[ValueError]]) -> Any:
    """A model check (after field validation) that yields a `problem(...)` for each problem it
    finds, so that all of them are reported, not only the first:

        @cross_checks
        def _consistent(self) -> Iterator[ValueError]:
            if self.min_nodes > self.max_nodes:
                yield problem("maxNodes", "must be >= minNodes")
    """

    @wraps(check)
    def run(self: M) -> M:
        found = list(check(self))
        if found:
            raise ProblemsError(found)
        return self

    return model_validator(mode="after")(run)
