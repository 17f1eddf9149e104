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

import yaml

from lianjian.errors import Problem

__all__ = ["YamlFile", "read_yaml", "read_regular_file", "decode_text", "MAX_FILE_BYTES", "MAX_DEPTH"]

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


def read_yaml(path: str | Path, display: str | None = None) -> YamlFile:
    """Read one YAML file safely; problems are collected on the result, never raised."""
    name = display or str(path)
    result = YamlFile(name)
    try:
        raw = read_regular_file(path)
    except OSError as exc:
        result.problems.append(Problem(name, 1, 1, f"cannot read file: {exc.strerror}"))
        return result
    except ValueError as exc:
        result.problems.append(Problem(name, 1, 1, str(exc)))
        return result
    text, problem = decode_text(raw, name)
    if problem:
        result.problems.append(problem)
        return result
    bad = _CONTROL_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        result.problems.append(Problem(name, line, col, f"control character U+{ord(bad.group()):04X} in file"))
        return result
    if not text.strip():
        result.problems.append(Problem(name, 1, 1, "file is empty"))
        return result
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
