"""The corpus model: case entries, quotes, references and sources, the files that hold them, and their ids.

The shapes come from the annotation model (`lianjian/ontology/model.yaml`); `checker` reads one file into a
`CheckedFile`, `linker` joins the files into a `Corpus`.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

from lianjian.errors import CaseErrors, Problem, UsageError
from lianjian.namespace import is_slug
from lianjian.ontology import Vocabulary, model

__all__ = [
    "Quote", "Entry", "Reference", "Source", "Corpus", "CheckedFile", "case_files", "vocabulary_files", "apply_ref",
    "acyclic_properties", "assign_ids", "Places", "Later", "entry_marks", "resolved", "mint_id", "ref_values", "vocabulary_entry",
    "BUNDLED_CASES", "MAX_QUOTE", "SHARED_DOC", "VOCABULARY_FILE", "FIRST_WINS_LABELS", "POST_KEYS", "BASES",
]


BUNDLED_CASES = Path(str(resources.files("lianjian") / "cases"))
#: Longest evidence quote, in characters (model.yaml `limits`).
MAX_QUOTE = model()["limits"]["quote_length"]
SHARED_DOC = "shared"
VOCABULARY_FILE = "vocabulary.yaml"
#: Labels a `- ref:` adds to its target only when the definition and every earlier ref lack them.
FIRST_WINS_LABELS = ("zh-Hant", "en")
#: Keys of one post (`posts:` of a person).
POST_KEYS = ("title", "title_en", "org", "since", "until", "basis", "reason")
#: Whether a statement is said by its quotes or inferred by the curator (docs/codebook.md).
BASES = ("stated", "inferred")


class Places:
    """Where the values of one case file are, found by parsing its text again with positions when first asked.

    The fast reader (`yamlfile.fast_yaml`) keeps no positions; a file's entries and quotes point here instead,
    and only a message or a rule that names a place pays for the position-tracking parse.
    """

    def __init__(self, name: str, text: str):
        self.name = name
        self.text = text
        self._marks: dict | None = None

    @property
    def marks(self) -> dict:
        if self._marks is None:
            from lianjian.loaders.yamlfile import parse_yaml

            self._marks = parse_yaml(self.text, self.name).marks
        return self._marks

    def __getstate__(self) -> dict:
        return {"name": self.name, "text": self.text, "_marks": None}


class Later:
    """The (line, column) of the value at `path` of a file, looked up in its `Places` when first asked."""

    __slots__ = ("places", "path")

    def __init__(self, places: Places, path: tuple):
        self.places = places
        self.path = path

    def __getstate__(self):
        return (self.places, self.path)

    def __setstate__(self, state) -> None:
        self.places, self.path = state

    def resolve(self) -> tuple[int, int]:
        return self.places.marks.get(self.path, (1, 1))


def _lazy_position(cls):
    """Make `line` and `column` of a dataclass resolve a `Later` given as `line` (with `column` None) when read."""

    def get(name):
        def getter(self):
            line = self.__dict__["_line"]
            if isinstance(line, Later):
                line, column = line.resolve()
                self.__dict__["_line"], self.__dict__["_column"] = line, column
            return self.__dict__["_" + name]
        return getter

    def set_line(self, value):
        self.__dict__["_line"] = value

    def set_column(self, value):
        self.__dict__["_column"] = value

    cls.line = property(get("line"), set_line)
    cls.column = property(get("column"), set_column)
    return cls


@_lazy_position
@dataclass(frozen=True)
class Quote:
    """One evidence quote: which document it comes from and where it is written."""

    doc: str
    text: str
    file: str
    line: int
    column: int


@_lazy_position
@dataclass
class Placed:
    """What an entry and a reference share: the id, its section and data, and where the file holds it."""

    id: str
    section: str
    data: dict
    doc: str
    file: str
    line: int
    column: int


@dataclass
class Entry(Placed):
    """One entity, concept, relationship or observation defined in a case file."""

    minted: bool = False
    marks: dict = field(default_factory=dict)  # (key,) or (key, index) -> (line, column) in the file, or a Later
    evidence: list[Quote] = field(default_factory=list)
    extra_labels: list[tuple[str, str, str]] = field(default_factory=list)  # (doc, key, value) added by refs

    def position(self, where: tuple) -> tuple[int, int]:
        """The (line, column) of this entry's value at `where` ((key,), (key, index) …), else of the entry."""
        return self.marks.get(where) or (self.line, self.column)

    @property
    def kind(self) -> str | None:
        return self.data.get("kind") if model()["sections"][self.section].get("kind", "none") != "none" else None


@dataclass
class Reference(Placed):
    """A `- ref: ID` entry: one document's evidence (and labels) for an entity defined elsewhere."""

    quotes: list = field(default_factory=list)


def _get_marks(self) -> dict:
    marks = self.__dict__["_marks"]
    if isinstance(marks, Later):
        marks = self.__dict__["_marks"] = entry_marks(marks.places.marks, marks.path, self.data)
    return marks


def _set_marks(self, value) -> None:
    self.__dict__["_marks"] = value


Entry.marks = property(_get_marks, _set_marks)


def entry_marks(marks: dict, path: tuple, item: dict) -> dict:
    """The positions of an entry's values (and list items, and posts' keys), relative to the entry."""
    out = {}
    for key, value in item.items():
        if path + (key,) in marks:
            out[(key,)] = marks[path + (key,)]
        if isinstance(value, list):
            for i, v in enumerate(value):
                if path + (key, i) in marks:
                    out[(key, i)] = marks[path + (key, i)]
                if isinstance(v, dict) and path + (key, i, "org") in marks:
                    out[(key, i, "org")] = marks[path + (key, i, "org")]
    return out


def resolved(mark) -> tuple[int, int]:
    """A (line, column), from a `Later` or as given."""
    return mark.resolve() if isinstance(mark, Later) else mark


@dataclass
class CheckedFile:
    """What checking one case file yields, without its parse tree (cheap to pickle and to cache)."""

    file: str
    source: Source | None
    entries: list
    references: list
    problems: list
    source_mark: tuple | Later = (1, 1)

    def to_tuple(self) -> tuple:
        """Plain tuples: unpickling them is about ten times faster than unpickling the dataclasses.

        A position not looked up yet is kept as (None, path), with the file's text once at the end.
        """
        texts = []

        def pos(obj) -> tuple:
            line = obj.__dict__["_line"]
            if isinstance(line, Later):
                texts.append(line.places.text)
                return None, line.path
            return line, obj.__dict__["_column"]

        def quotes(qs):
            return [(q.doc, q.text, q.file, *pos(q)) for q in qs]

        def marks(e):
            m = e.__dict__["_marks"]
            return None if isinstance(m, Later) else m

        mark = self.source_mark
        if isinstance(mark, Later):
            texts.append(mark.places.text)
            mark = (None, mark.path)
        entries = [(e.id, e.section, e.data, e.doc, e.file, *pos(e), e.minted, marks(e), quotes(e.evidence), e.extra_labels)
                   for e in self.entries]
        references = [(r.id, r.section, r.data, r.doc, r.file, *pos(r), quotes(r.quotes)) for r in self.references]
        return (self.file, None if self.source is None else (self.source.id, self.source.data, self.source.file, self.source.path),
                entries, references, [(p.path, p.line, p.column, p.message) for p in self.problems], mark,
                texts[0] if texts else None)

    @classmethod
    def from_tuple(cls, t: tuple) -> "CheckedFile":
        file, source, entries, references, problems, mark, text = t
        places = Places(file, text) if text is not None else None
        new = object.__new__

        def quote(doc, text, f, line, col):
            q = new(Quote)
            q.__dict__.update(doc=doc, text=text, file=f, _line=line if line is not None else Later(places, tuple(col)),
                              _column=col if line is not None else None)
            return q

        def entry(i, sec, data, doc, f, line, col, minted, marks, ev, extra):
            e = new(Entry)
            lazy = line is None
            e.__dict__.update(id=i, section=sec, data=data, doc=doc, file=f,
                              _line=Later(places, tuple(col)) if lazy else line, _column=None if lazy else col,
                              minted=minted, _marks=Later(places, tuple(col)) if marks is None else marks,
                              evidence=[quote(*q) for q in ev], extra_labels=list(extra))
            return e

        def reference(i, sec, data, doc, f, line, col, qs):
            r = new(Reference)
            lazy = line is None
            r.__dict__.update(id=i, section=sec, data=data, doc=doc, file=f,
                              _line=Later(places, tuple(col)) if lazy else line, _column=None if lazy else col,
                              quotes=[quote(*q) for q in qs])
            return r

        return cls(
            file,
            None if source is None else Source(*source),
            [entry(*e) for e in entries],
            [reference(*r) for r in references],
            [Problem(*p) for p in problems],
            Later(places, tuple(mark[1])) if mark[0] is None else tuple(mark),
        )


@dataclass
class Source:
    """A source document's metadata, from a case file's `source:` block."""

    id: str
    data: dict
    file: str
    path: str = ""


@dataclass
class Corpus:
    """A validated set of case files, ready to be written as RDF."""

    sources: dict[str, Source]
    entries: dict[str, Entry]
    references: list[Reference]
    vocabulary: Vocabulary
    files: list[str]
    extension_triples: list = field(default_factory=list)
    offsets: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Finding files


def case_files(dirs: Iterable[str | Path] = (), bundled: bool = True) -> list[tuple[Path, str]]:
    """The case files to load, as (path, display name), bundled corpus first, each folder in name order."""
    folders: list[tuple[Path, bool]] = [(BUNDLED_CASES, True)] if bundled else []
    for d in dirs:
        p = Path(d)
        if not p.is_dir():
            raise UsageError(f"--cases {d}: no such directory")
        folders.append((p, False))
    if not folders:
        raise UsageError("no case folders: give --cases DIR or leave out --no-bundled")
    out: list[tuple[Path, str]] = []
    for folder, is_bundled in folders:
        files = sorted(f for f in folder.glob("*.yaml") if f.name != VOCABULARY_FILE) + sorted(folder.glob("*.yml"))
        if not files:
            raise CaseErrors([Problem(str(folder), 0, 0, "no case files (*.yaml) in this folder")])
        for f in files:
            out.append((f, f"lianjian/cases/{f.name}" if is_bundled else _display(f)))
    return out


def vocabulary_files(dirs: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """The `vocabulary.yaml` extension files in the user's case folders."""
    return [(Path(d) / VOCABULARY_FILE, _display(Path(d) / VOCABULARY_FILE)) for d in dirs if (Path(d) / VOCABULARY_FILE).is_file()]


def _display(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def apply_ref(target: Entry, r: Reference, labels: Iterable[str]) -> None:
    """Add to the entry a `- ref:` names its quotes, the first-wins labels it won (`labels`) and its aliases."""
    target.evidence.extend(r.quotes)
    target.extra_labels.extend((r.doc, key, r.data[key]) for key in labels)
    aliases = r.data.get("aliases") or []
    target.extra_labels.extend((r.doc, "aliases", a) for a in (aliases if isinstance(aliases, list) else [aliases]))


@functools.cache
def acyclic_properties() -> tuple[tuple[str, str], ...]:
    """(section, key) of every property the annotation model says must not form a cycle."""
    return tuple((name, key) for name, spec in model()["sections"].items()
                 for key, prop in spec["properties"].items() if prop.get("acyclic"))


def assign_ids(fc: CheckedFile) -> CheckedFile:
    """Give a file's unnamed entries their minted ids (`check_file` does, in the checking process: they depend only on
    the entry and its own first quote)."""
    for e in fc.entries:
        if e.minted and not e.id:
            e.id = mint_id(e)
    return fc


def mint_id(e: Entry) -> str:
    """The id of an unnamed entry (relationship, observation), from its own content and first quote."""
    from lianjian.namespace import minted_id

    return minted_id(e.section[:-1], e.doc, e.section, *_identity(e))


@functools.cache
def _ref_properties(section: str) -> tuple:
    """(key, is posts, allowed sections, acyclic) of a section's reference-valued properties."""
    out = []
    for key, prop in model()["sections"][section]["properties"].items():
        if prop.get("type") == "posts":
            out.append((key, True, ["organizations"], False))
        elif prop.get("type") == "ref":
            out.append((key, False, prop["range"], bool(prop.get("acyclic"))))
    return tuple(out)


def ref_values(e: Entry) -> Iterable[tuple[str, str, list, bool, tuple]]:
    """The ids an entry's reference-valued properties name: (key, id, allowed sections, acyclic, where).

    `where` is what `Entry.position` takes to give the value's (line, column).
    """
    data = e.data
    for key, posts, allowed, acyclic in _ref_properties(e.section):
        value = data.get(key)
        if value is None:
            continue
        if posts:
            for i, p in enumerate(value if isinstance(value, list) else [value] if value else []):
                if isinstance(p, dict) and p.get("org") and is_slug(p["org"]):
                    yield "posts.org", p["org"], allowed, False, (key, i, "org")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if is_slug(v):
                    yield key, v, allowed, acyclic, (key, i)
        elif is_slug(value):
            yield key, value, allowed, acyclic, (key,)


def vocabulary_entry(slug: str) -> Entry:
    """A placeholder entry for a bundled mechanism concept that case files add evidence to."""
    return Entry(slug, "mechanisms", {"id": slug, "_vocabulary": True}, "vocabulary", "lianjian/ontology/vocabularies/mechanisms.ttl", 1, 1)


def _identity(e: Entry) -> list[str]:
    """The content that identifies an unnamed relationship or observation."""
    d = e.data
    quotes = [q.text for q in e.evidence[:1]]
    if e.section == "relationships":
        parts = d.get("participants") or []
        return [str(d.get("kind")), *sorted(str(p) for p in (parts if isinstance(parts, list) else [parts])), *quotes]
    return [str(d.get("subject")), str(d.get("zh")), str(d.get("value")), str(d.get("as_of")), *quotes]
