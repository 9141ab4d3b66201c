"""YAML as the Pulumi CLI reads it: gopkg.in/yaml.v3 (v3.0.1, the version Pulumi's sdk/go.mod pins).

PyYAML parses YAML 1.1 and resolves plain scalars by 1.1 rules (`yes` is a boolean, `1e3` a
string, `2025-01-01` a date) and silently keeps the last of two equal keys. The CLI's yaml.v3
does otherwise, so this module takes PyYAML's parser only for the syntax and resolves every
untagged plain scalar the way yaml.v3's `resolve()` (resolve.go) does when it decodes into
`interface{}`:

- `true`/`True`/`TRUE`, `false`/... are booleans; `yes`, `no`, `on`, `off` stay strings;
- `""`, `~`, `null`/`Null`/`NULL` are null; `.inf`, `.nan` (and case variants) are floats;
- a scalar starting with a digit or a sign is, in this order, a timestamp (`2006-1-2`,
  `2006-1-2T15:4:5Z07:00`, `2006-1-2 15:4:5`), an integer by Go's `strconv.ParseInt(s, 0, 64)`
  after removing `_` (so `0x10` is 16, `0o10` and `010` are 8, `0b10` is 2), an unsigned one, a
  float matching `^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (`1e3` is 1000.0);
- a scalar starting with `.` is a float if Go's ParseFloat takes it; anything else is a string
  (`inf`, `nan`, `Infinity` are strings).

A mapping with two equal keys is an error, as in yaml.v3's decoder ("mapping key ... already
defined at line ..."). Errors carry the line (1-based) of the offending node.
"""

from __future__ import annotations

import base64
import datetime
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_PLAIN = "!yaml-v3-plain"  # the tag this loader gives untagged plain scalars: resolved below
_STR = "tag:yaml.org,2002:str"
_MERGE = "<<"

_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"", "~", "null", "Null", "NULL"}
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), float("nan")),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), float("inf")),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), float("-inf")),
}
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# strconv.ParseFloat for a scalar starting with "." (Go takes ".5", ".5e3"; "._5" is no float)
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
_TIMESTAMPS = (
    # "2006-1-2T15:4:5.999999999Z07:00" (also with a lower-case t) and "2006-1-2 15:4:5.999999999"
    re.compile(
        r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})[Tt](?P<h>[0-9]{1,2}):(?P<mi>[0-9]{1,2})"
        r":(?P<s>[0-9]{1,2})(?P<f>\.[0-9]+)?(?P<z>Z|[+-][0-9]{2}:[0-9]{2})"
    ),
    re.compile(
        r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2}) (?P<h>[0-9]{1,2}):(?P<mi>[0-9]{1,2})"
        r":(?P<s>[0-9]{1,2})(?P<f>\.[0-9]+)?"
    ),
    re.compile(r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"),
)
_INT64 = 2**63
_UINT64 = 2**64


@dataclass(frozen=True)
class YamlError(Exception):
    """What, and where: 1-based line and column (None when unknown), and the path of keys and
    list indexes down to the offending node when the document parsed (a duplicate key)."""

    line: int | None
    message: str
    column: int | None = None
    path: tuple[str | int, ...] = ()


@dataclass(frozen=True)
class GoTime:
    """A timestamp as yaml.v3 decodes it (time.Time); `text` is Go's Time.String() of it, the
    string Pulumi's config object passes to the program (config/object.go: `v.String()`)."""

    text: str


class _Loader(yaml.SafeLoader):
    """PyYAML's parser and composer; untagged plain scalars keep their text for resolve()."""

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)


def parse(text: str) -> Any:
    """The first document of `text` as yaml.v3 decodes it into interface{} (None when empty).

    A second document is an error here: yaml.v3 would read only the first, silently."""
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error) from None
    except yaml.YAMLError as error:  # ReaderError: a character YAML does not allow
        raise YamlError(_reader_line(text, error), _reader_message(error)) from None
    if not nodes:
        return None
    if len(nodes) > 1:
        line = nodes[1].start_mark.line + 1
        raise YamlError(line, "a second YAML document ('---'): the Pulumi CLI reads only the first, remove it")
    return _Decoder().value(nodes[0])


class _Decoder:
    def __init__(self) -> None:
        self._open: set[int] = set()  # nodes being decoded: an alias inside itself never ends
        self._path: list[str | int] = []

    def value(self, node: Node) -> Any:
        if id(node) in self._open:
            raise YamlError(_line(node), "an alias refers to the node that contains it")
        self._open.add(id(node))
        try:
            if isinstance(node, ScalarNode):
                return scalar(node)
            if isinstance(node, SequenceNode):
                return [self._below(index, item) for index, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self.mapping(node)
            raise YamlError(_line(node), f"unsupported YAML node {node.tag}")
        finally:
            self._open.discard(id(node))

    def _below(self, step: str | int, node: Node) -> Any:
        self._path.append(step)
        try:
            return self.value(node)
        finally:
            self._path.pop()

    def mapping(self, node: MappingNode) -> dict[Any, Any]:
        seen: dict[tuple[str, str | int], int] = {}
        for key, _ in node.value:
            # yaml.v3 compares the keys' kind and source text (decode.go, mapping())
            ident = (type(key).__name__, str(key.value) if isinstance(key, ScalarNode) else id(key))
            if ident in seen and isinstance(key, ScalarNode):
                raise YamlError(
                    _line(key),
                    f"is given twice (lines {seen[ident]} and {_line(key)}): YAML keys are unique, keep one",
                    path=(*self._path, str(key.value)),
                )
            seen.setdefault(ident, _line(key) or 0)
        merged: dict[Any, Any] = {}
        explicit: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == _PLAIN and key_node.value == _MERGE:
                merged.update(self._merge_sources(value_node))
                continue
            key = self.value(key_node)
            if isinstance(key, (dict, list)):
                raise YamlError(_line(key_node), "a mapping key must be a scalar")
            explicit[key] = self._below(str(key), value_node)
        return {**merged, **explicit}  # explicit keys win over merged ones, as in yaml.v3

    def _merge_sources(self, node: Node) -> dict[Any, Any]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in reversed(sources):  # earlier mappings of a merge list win
            if not isinstance(source, MappingNode):
                raise YamlError(_line(source), "a merge key (<<) takes a mapping or a list of mappings")
            merged.update(self.mapping(source))
        return merged


def scalar(node: ScalarNode) -> Any:
    text = str(node.value)
    tag = node.tag
    if tag == _PLAIN:
        return resolve_plain(text, _line(node))
    if tag == _STR:
        return text
    short = tag.removeprefix("tag:yaml.org,2002:")
    if short == "binary":
        try:
            return base64.b64decode(text, validate=False).decode("utf-8", errors="replace")
        except ValueError:
            raise YamlError(_line(node), "!!binary value contains invalid base64 data") from None
    if short in ("int", "float", "bool", "null", "timestamp"):
        value = resolve_plain(text, _line(node))
        if short == "float" and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if _kind(value) != short:
            raise YamlError(_line(node), f"cannot decode {_kind(value)} `{text}` as a !!{short}")
        return value
    return text  # yaml.v3 keeps the text of a scalar with a tag it does not know


def resolve_plain(text: str, line: int | None = None) -> Any:
    """yaml.v3's resolve() for an untagged plain scalar."""
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _NULLS:
        return None
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    first = text[:1]
    if first == ".":
        return float(text) if _DOT_FLOAT.fullmatch(text) else text
    if not (first.isascii() and (first.isdigit() or first in "+-")):
        return text
    moment = _timestamp(text)
    if moment is not None:
        return moment
    plain = text.replace("_", "")
    number = _go_parse_int(plain)
    if number is not None and -_INT64 <= number < _UINT64:
        return number
    if _YAML_STYLE_FLOAT.fullmatch(plain):
        return float(plain)
    return text


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64) / ParseUint: sign, then 0x / 0o / 0b / leading-0 octal / decimal."""
    sign, body = (-1, text[1:]) if text[:1] == "-" else (1, text[1:] if text[:1] == "+" else text)
    lowered = body.lower()
    base, digits = 10, body
    if lowered.startswith(("0x", "0o", "0b")):
        base, digits = {"x": 16, "o": 8, "b": 2}[lowered[1]], body[2:]
    elif len(body) > 1 and body.startswith("0"):
        base, digits = 8, body[1:]
    allowed = "0123456789abcdef"[:base]
    if not digits or any(c not in allowed for c in digits.lower()):
        return None
    return sign * int(digits, base)


def _timestamp(text: str) -> GoTime | None:
    if not re.match(r"[0-9]{4}-", text):
        return None
    for pattern in _TIMESTAMPS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parts = match.groupdict()
        try:
            moment = datetime.datetime(
                int(parts["y"]),
                int(parts["mo"]),
                int(parts["d"]),
                int(parts.get("h") or 0),
                int(parts.get("mi") or 0),
                int(parts.get("s") or 0),
            )
        except ValueError:
            return None  # Go's time.Parse refuses the 30th of February: then it is no timestamp
        return GoTime(_go_time_string(moment, parts.get("f") or "", parts.get("z")))
    return None


def _go_time_string(moment: datetime.datetime, fraction: str, zone: str | None) -> str:
    """Go's Time.String() ("2006-01-02 15:04:05.999999999 -0700 MST") for a parsed timestamp.

    A `Z` or no zone is UTC; another offset gets a fabricated zone that Go names by its offset
    (unless it equals the machine's local zone, which a CI runner in UTC only has for +00:00)."""
    digits = fraction[1:10].rstrip("0")
    clock = moment.strftime("%Y-%m-%d %H:%M:%S") + (f".{digits}" if digits else "")
    if zone is None or zone == "Z":
        return f"{clock} +0000 UTC"
    offset = zone.replace(":", "")
    return f"{clock} {offset} {offset}"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, GoTime):
        return "timestamp"
    return "str"


def _line(node: Node) -> int | None:
    return node.start_mark.line + 1 if node.start_mark is not None else None


def _syntax_error(error: yaml.MarkedYAMLError) -> YamlError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "invalid YAML"
    if "\\t" in problem or "\t" in problem:
        problem = "a tab character: YAML indents with spaces only"
    if mark is None:
        return YamlError(None, f"{problem} (invalid YAML)")
    return YamlError(mark.line + 1, f"{problem} (invalid YAML)", column=mark.column + 1)


def _reader_line(text: str, error: yaml.YAMLError) -> int | None:
    position = getattr(error, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else None


def _reader_message(error: yaml.YAMLError) -> str:
    character = getattr(error, "character", None)
    if isinstance(character, str):
        return f"the character U+{ord(character):04X} is not allowed in YAML (invalid YAML)"
    if isinstance(character, int):
        return f"the character U+{character:04X} is not allowed in YAML (invalid YAML)"
    return f"{error} (invalid YAML)"
