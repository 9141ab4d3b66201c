"""What a check sees and yields: the view of one resource, findings, and the Guard that turns
an unknown value into a note instead of a violation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, NoReturn, TypeVar

from pulumi_policy import ReportViolation, ResourceValidationArgs

from .props import (
    PropPath,
    UnknownValueError,
    base_type,
    expect,
    expect_in,
    expect_not,
    expect_set,
    keys,
    peek,
    read,
    unknown,
)

T = TypeVar("T")


class Finding(NamedTuple):
    """A violation message and the URN of the resource it is about (None: the whole stack)."""

    message: str
    urn: str | None


Report = str | Finding
"""What a check yields: a message about its subject, or a Finding about another resource."""


class Guard:
    """Runs checks so that an unknown value skips only the check that read it.

    The skipped checks are re-raised together as one UnknownValueError once every check has
    run: the CLI turns that into its "can't run policy during preview" advisory diagnostic and
    the offline evaluator into a note, so an unknown value never becomes a violation.
    """

    def __init__(self) -> None:
        self._skipped: list[str] = []

    def note(self, err: UnknownValueError, label: str | None = None) -> None:
        self._skipped.append(f"{label}: {err.message}" if label else err.message)

    def run(self, results: Iterable[T], label: str | None = None) -> Iterator[T]:
        try:
            yield from results
        except UnknownValueError as err:
            self.note(err, label)

    def finish(self) -> None:
        if self._skipped:
            raise unknown("; ".join(dict.fromkeys(self._skipped)))


class Resource:
    """What a check sees of one resource: its type, names, properties and the rule's config.

    A resource rule sees the inputs (camelCase, as on the wire); a stack rule sees every
    resource's outputs laid over its inputs, with `protect` and the property dependencies
    (`Stack` follows them).
    """

    def __init__(
        self,
        kind: str,
        name: str,
        urn: str,
        props: Mapping[str, Any],
        config: Mapping[str, Any],
        guard: Guard,
        *,
        label: str | None = None,
        protect: bool = False,
        args: ResourceValidationArgs | None = None,
    ) -> None:
        self.type = base_type(kind)
        self.name = name
        self.urn = urn
        self.props = props
        self.config = config
        self.guard = guard
        self.protect = protect
        self.property_dependencies: dict[str, list[Resource]] = {}
        self._label = label
        self._args = args

    def get(self, path: PropPath) -> Any:
        """The value at `path`, or MISSING; raises UnknownValueError on an unknown value."""
        return read(self.props, path)

    def peek(self, path: PropPath) -> Any:
        """Like get, but UNKNOWN instead of raising: for code that has a fallback."""
        return peek(self.props, path)

    def has(self, key: str) -> bool:
        return key in keys(self.props)

    def finding(self, message: str) -> Finding:
        """A message about this resource, from a check whose subject is another one."""
        return Finding(message, self.urn)

    # The expect* methods skip (and note) only the property that is unknown, so the other
    # properties a check looks at are still judged.
    def check(self, messages: Iterable[str]) -> Iterator[str]:
        return self.guard.run(messages, self._label)

    def expect(self, path: PropPath, expected: Any, why: str = "") -> Iterator[str]:
        return self.check(expect(self.props, path, expected, why))

    def expect_not(self, path: PropPath, forbidden: Any, why: str = "") -> Iterator[str]:
        return self.check(expect_not(self.props, path, forbidden, why))

    def expect_in(self, path: PropPath, allowed: Sequence[Any], why: str = "") -> Iterator[str]:
        return self.check(expect_in(self.props, path, allowed, why))

    def expect_set(self, path: PropPath, why: str = "") -> Iterator[str]:
        return self.check(expect_set(self.props, path, why))

    def exempt(self, reason: str) -> NoReturn:
        """Declare a resource rule not applicable to this resource, with the reason (an explicit
        exception: the CLI lists it as not applicable, the offline evaluator as a note). A stack
        rule skips its exceptions in the check instead: not_applicable would drop the whole rule."""
        if self._args is None:
            raise TypeError("exempt() is for resource rules; a stack rule skips the resource")
        self._args.not_applicable(reason)
        raise AssertionError("not_applicable returned")  # pragma: no cover


def report_all(reports: Iterable[Report], subject: str | None, guard: Guard, report: ReportViolation) -> None:
    """Report what a check yields (plain messages about `subject`), then the unknown values."""
    for item in guard.run(reports):
        message, urn = item if isinstance(item, Finding) else (item, subject)
        report(message, urn)
    guard.finish()
