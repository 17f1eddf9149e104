"""Safe YAML reading that keeps the line and column of every value.

Only plain YAML is accepted: no anchors or aliases, no tags, no duplicate keys.
Every value's position is kept in a map from its path (a tuple of keys and
indexes) to a 1-based (line, column) pair, so later checks can name the place.
"""

from __future__ import annotations

import codecs
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ryaml
import yaml

from lianjian.errors import Problem

__all__ = ["YamlFile", "read_yaml", "read_text", "parse_yaml", "fast_yaml", "read_regular_file", "decode_text", "MAX_FILE_BYTES", "MAX_DEPTH"]

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Largest case file read; a larger one is refused before parsing (bounded memory).
MAX_FILE_BYTES = 20 * 1024 * 1024

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}
_STR = "tag:yaml.org,2002:str"
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Characters refused in any string after YAML decoding ("\e", "\a", "\x85" escapes): C0 and C1 controls
#: other than tab and newline, and the bidirectional overrides that make text display differently from what it is.
_DECODED_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Deepest nesting of mappings and lists accepted (case files need about six levels).
MAX_DEPTH = 64


@dataclass
class YamlFile:
    """A parsed YAML file: its data and the position of every value by path."""

    path: str
    data: Any = None
    marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rejected: set[tuple] = field(default_factory=set)  # paths of values refused (already reported)
    key_marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def at_key(self, path: tuple, message: str) -> Problem:
        """A problem located at the key that ends `path` (falls back to its value)."""
        if tuple(path) in self.key_marks:
            line, col = self.key_marks[tuple(path)]
            return Problem(self.path, line, col, message)
        return self.at(path, message)

    def at(self, path: tuple, message: str) -> Problem:
        """A problem located at the value under `path` (or its nearest located parent)."""
        p = tuple(path)
        while p and p not in self.marks:
            p = p[:-1]
        line, col = self.marks.get(p, (1, 1))
        return Problem(self.path, line, col, message)


def decode_text(raw: bytes, name: str) -> tuple[str | None, Problem | None]:
    """Decode UTF-8 (with or without BOM); otherwise say which encoding the bytes look like."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        found = _guess_encoding(raw)
        hint = f" (it looks like {found}; convert it to UTF-8)" if found else ""
        return None, Problem(name, line, 1, f"file is not UTF-8{hint}")


def _guess_encoding(raw: bytes) -> str | None:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    for enc in ("gb18030", "big5", "shift_jis", "latin-1"):
        try:
            raw.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc.upper().replace("_", "-")
    return None


def read_regular_file(path: str | Path, limit: int = MAX_FILE_BYTES, what: str = "case file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; a FIFO, device or larger file raises ValueError.

    The file is opened without blocking (a FIFO does not wait for a writer) and
    checked on the open descriptor, so a symlink to /dev/zero is refused too.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
            raise ValueError(f"not a regular file ({kind}); give a {what}")
        if info.st_size > limit:
            raise ValueError(f"file is {info.st_size / 1048576:.1f} MB, over the {limit // 1048576} MB limit for one {what}; split it")
        chunks, total = [], 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > limit:  # grew while being read
                raise ValueError(f"file is over the {limit // 1048576} MB limit for one {what}; split it")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: str | Path, name: str) -> tuple[str | None, Problem | None]:
    """The decoded text of one YAML file, or the problem that stops it being parsed (unreadable, not UTF-8, empty …)."""
    try:
        raw = read_regular_file(path)
    except OSError as exc:
        return None, Problem(name, 1, 1, f"cannot read file: {exc.strerror}")
    except ValueError as exc:
        return None, Problem(name, 1, 1, str(exc))
    text, problem = decode_text(raw, name)
    if problem:
        return None, problem
    bad = _CONTROL_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        return None, Problem(name, line, col, f"control character U+{ord(bad.group()):04X} in file")
    if not text.strip():
        return None, Problem(name, 1, 1, "file is empty")
    return text, None


def read_yaml(path: str | Path, display: str | None = None) -> YamlFile:
    """Read one YAML file safely; problems are collected on the result, never raised."""
    name = display or str(path)
    text, problem = read_text(path, name)
    if problem:
        return YamlFile(name, problems=[problem])
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> YamlFile:
    """Parse the text of one YAML file (as `read_text` gives it), keeping the position of every value."""
    result = YamlFile(name)
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        result.problems.append(Problem(name, line, col, f"invalid YAML: {what}"))
        return result
    except yaml.YAMLError as exc:
        result.problems.append(Problem(name, 1, 1, f"invalid YAML: {exc}"))
        return result
    except RecursionError:
        result.problems.append(Problem(name, 1, 1, f"invalid YAML: nested more than {MAX_DEPTH} levels deep"))
        return result
    if node is None:
        result.problems.append(Problem(name, 1, 1, "file is empty"))
        return result
    result.data = _Builder(result).build(node, ())
    return result


#: What the fast reader leaves to `parse_yaml`: anchors, aliases and tags (`&`, `*`, `!` where a node can start),
#: merge keys, directives, the line breaks YAML 1.1 and 1.2 treat differently, and 0o octals (YAML 1.2 only).
_NOT_FAST_RE = re.compile("(?<![^\\s\\[{,:?-])[&*!]|<<|^%|[\x85\u2028\u2029]|(?<![\\w.])[-+]?0[oO]", re.M)
_NOT_FAST_HINTS = ("&", "*", "!", "<<", "%", "\x85", "\u2028", "\u2029", "0o", "0O")  # (plain `in` is much faster)
#: Characters that may come just before a plain scalar: where a plain scalar could start.
_PLAIN_BEFORE = frozenset(" \t\r\n[{,:")
_RESOLVER = yaml.resolver.Resolver()  # what both SafeLoader and CSafeLoader resolve with
#: First characters of the strings YAML 1.1 may read as another type when unquoted.
_FIRST_CHARS = frozenset(k for k in _RESOLVER.yaml_implicit_resolvers if k)


def fast_yaml(text: str) -> Any:
    """The data of a YAML text as `parse_yaml` reads it, through ryaml (several times faster, no positions).

    None unless the result is sure to be the same: the file uses nothing `_NOT_FAST_RE` names, has no problem
    `parse_yaml` reports, and every string that YAML 1.1 would read as another type when unquoted is quoted
    (ryaml reads YAML 1.2). The caller then reads the file with `parse_yaml`.
    """
    if any(c in text for c in _NOT_FAST_HINTS) and _NOT_FAST_RE.search(text):
        return None
    try:
        data = ryaml.loads(text)
    except Exception:  # noqa: BLE001 - ryaml raises several kinds; parse_yaml reports the problem
        return None
    if not isinstance(data, (dict, list)):
        return None
    # A refused character in a string comes from the text itself or from an escape in a double-quoted string.
    controls = "\\" in text or bool(_DECODED_CONTROL_RE.search(text.replace("\r", "")))
    return data if _Same(text, controls).value(data, 0) else None


#: Numbers YAML 1.2 reads as floats and YAML 1.1 does not (or not alike): exponents, a sign before a bare dot.
_FLOAT_FORMS_RE = re.compile(r"[0-9.][eE][-+]?[0-9]|[-+]\.[0-9]")


class _Same:
    """Whether data from ryaml is what `parse_yaml` reads from the same text, and free of refused values."""

    def __init__(self, text: str, controls: bool):
        self.text = text
        self.controls = controls
        self.seen: dict[str, bool] = {}
        self.floats: bool | None = None  # whether the text's floats read alike (decided at the first float)

    def item(self, value: Any, depth: int) -> bool:
        """A key or item of a container at `depth`: strings checked in the text only where they could differ."""
        if type(value) is str:
            return not (value[:1] in _FIRST_CHARS or self.controls) or self.string(value)
        return self.value(value, depth + 1)

    def value(self, value: Any, depth: int) -> bool:
        if depth >= MAX_DEPTH:
            return False
        if type(value) is dict:
            return all(type(k) is str and k and self.item(k, depth) and self.item(v, depth) for k, v in value.items())
        if type(value) is list:
            return all(self.item(v, depth) for v in value)
        if type(value) is str:
            return self.string(value)
        t = type(value)
        if t is float:
            if self.floats is None:
                self.floats = not _FLOAT_FORMS_RE.search(self.text)
            return self.floats and math.isfinite(value)
        return t is int or t is bool or value is None

    def string(self, s: str) -> bool:
        """Whether `s` is the same string in YAML 1.1 and holds no refused character."""
        ok = self.seen.get(s)
        if ok is not None:
            return ok
        ok = not (self.controls and _DECODED_CONTROL_RE.search(s))
        if ok and s and s[0] in _FIRST_CHARS and _RESOLVER.resolve(yaml.ScalarNode, s, (True, False)) != _STR:
            # YAML 1.1 reads `s` unquoted as another type: safe only if no plain scalar in the file can be `s`,
            # i.e. every place the text holds `s` comes right after a character a plain scalar cannot follow.
            text = self.text
            at = -1 if any(c.isspace() for c in s) else text.find(s)
            ok = at > 0
            while ok and at >= 0:
                ok = text[at - 1] not in _PLAIN_BEFORE
                at = text.find(s, at + 1)
        self.seen[s] = ok
        return ok


class _Builder:
    """Turns a composed node tree into plain Python values, recording positions."""

    def __init__(self, target: YamlFile):
        self.target = target
        self.seen: set[int] = set()
        self.scalars = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str) -> None:
        m = node.start_mark
        self.target.problems.append(Problem(self.target.path, m.line + 1, m.column + 1, message))

    def build(self, node: yaml.Node, path: tuple) -> Any:
        self.target.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if len(path) > MAX_DEPTH:
            self.fail(node, f"nested more than {MAX_DEPTH} levels deep")
            self.target.rejected.add(path)
            return None
        if id(node) in self.seen:
            self.fail(node, "YAML anchors and aliases are not allowed in case files")
            self.target.rejected.add(path)
            return None
        self.seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            self.fail(node, f"YAML tag {node.tag} is not allowed in case files")
            self.target.rejected.add(path)
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.fail(key_node, "YAML merge keys (<<) are not allowed in case files")
                    continue
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
                    self.fail(key_node, "mapping keys must be plain strings")
                    continue
                key = self._scalar(key_node)
                if not isinstance(key, str):
                    if key_node.tag != "tag:yaml.org,2002:null" or key_node.value:
                        self.fail(key_node, f"mapping key {key_node.value!r} must be a string (quote it, or use a name)")
                    else:
                        self.fail(key_node, "mapping key is empty")
                    continue
                if self._control(key_node, key):
                    continue
                self.target.key_marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in out:
                    self.fail(key_node, f"duplicate key '{key}'")
                    continue
                out[key] = self.build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        value = self._scalar(node)
        if value is _BAD or (isinstance(value, str) and self._control(node, value)):
            self.target.rejected.add(path)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(node, f"number {node.value!r} is not finite; give a real number")
            self.target.rejected.add(path)
            return None
        return value

    def _scalar(self, node: yaml.Node) -> Any:
        """The Python value of a scalar node, or _BAD (reported) when it cannot be read."""
        if node.tag == _STR:
            return node.value
        try:
            return self.scalars.construct_object(node)
        except (ValueError, OverflowError, yaml.constructor.ConstructorError) as exc:
            self.fail(node, f"bad value {node.value!r}: {exc}")
            return _BAD

    def _control(self, node: yaml.Node, text: str) -> bool:
        """Report a control character in a decoded string (written as an escape like "\\e"); True if found."""
        bad = _DECODED_CONTROL_RE.search(text)
        if bad:
            self.fail(node, f"control character U+{ord(bad.group()):04X} in a string; remove it")
        return bool(bad)


_BAD = object()
