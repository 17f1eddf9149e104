"""Find evidence quotes in their source documents, and record where they stand.

`verify` looks up every quote of a corpus in the normalised text of its source
(see `lianjian.loaders.text.normalize`). A quote is found when its normalised
form occurs in the normalised source, or — to tolerate the damaged
(mojibake) runs of some sources — when it matches everywhere except inside a
short damaged run marked by a stray ``?``. The offsets of each found quote in
the normalised source are recorded in ``evidence-offsets.json`` beside the
case files, and written into the graph as ``lj:startOffset``/``lj:endOffset``.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path

from lianjian.errors import UsageError
from lianjian.io import atomic_write
from lianjian.loaders.corpus import BUNDLED_CASES, Corpus, Quote
from lianjian.loaders.text import decode_source, normalize

__all__ = ["SourceText", "Match", "VerifyReport", "verify", "load_offsets", "record_offsets", "OFFSETS_FILE"]

OFFSETS_FILE = "evidence-offsets.json"
_DAMAGE_REACH = 8  # how far around a stray "?" to look for a quote's alignment
_MAX_DAMAGED = 10  # longest quote span that may stand where the source is damaged


@dataclass(frozen=True)
class Match:
    """Where a quote stands in the normalised source; `exact` is False across a damaged run."""

    start: int
    end: int
    exact: bool


class SourceText:
    """A source document's normalised text, searchable for quotes.

    >>> SourceText("長寧區(qū)委創(chuàng)新黨建").find("长宁区委创新")
    Match(start=0, end=6, exact=True)
    """

    def __init__(self, text: str, name: str = "<text>"):
        self.name = name
        self.text = normalize(text)
        self._damage = [i for i, ch in enumerate(self.text) if ch == "?"]

    @classmethod
    def from_file(cls, path: str | Path) -> "SourceText":
        text, _ = decode_source(Path(path).read_bytes())
        return cls(text, str(path))

    def find(self, quote: str) -> Match | None:
        """Locate a quote (any script, glosses or not); None when it is not in the source."""
        q = normalize(quote)
        if not q:
            return None
        i = self.text.find(q)
        if i >= 0:
            return Match(i, i + len(q), True)
        return self._find_across_damage(q)

    def _find_across_damage(self, q: str) -> Match | None:
        for d in self._damage:
            lo = max(0, d - len(q) - _DAMAGE_REACH)
            window = self.text[lo: d + len(q) + _DAMAGE_REACH]
            sm = difflib.SequenceMatcher(None, window, q, autojunk=False)
            blocks = [b for b in sm.get_matching_blocks() if b.size]
            if not blocks:
                continue
            # Unmatched stretches of the quote: before the first block, between blocks, after the last.
            first, last = blocks[0], blocks[-1]
            start = lo + first.a - first.b
            end = lo + last.a + last.size + (len(q) - last.b - last.size)
            gaps = [(start, lo + first.a, first.b)]
            gaps += [(lo + a.a + a.size, lo + b.a, b.b - (a.b + a.size)) for a, b in zip(blocks, blocks[1:])]
            gaps.append((lo + last.a + last.size, end, len(q) - last.b - last.size))
            ok = True
            for i, (g_start, g_end, q_len) in enumerate(gaps):
                if q_len == 0 and g_end <= g_start:
                    continue
                span = self.text[max(0, g_start):g_end]
                # A damaged run begins at its stray "?": a gap inside the quote must start there; a gap at
                # either end of the quote (cut off by the run) must at least contain one.
                inner = 0 < i < len(gaps) - 1
                damaged = span.startswith("?") if inner else "?" in span
                if not damaged or q_len > _MAX_DAMAGED or g_end - g_start > _MAX_DAMAGED:
                    ok = False
                    break
            matched = sum(b.size for b in blocks)
            if ok and matched >= 0.7 * len(q) and matched < len(q):
                return Match(max(0, start), min(len(self.text), end), False)
        return None


@dataclass
class Missing:
    """A quote that could not be found in its source."""

    quote: Quote
    reason: str

    def __str__(self) -> str:
        return f"{self.quote.file}:{self.quote.line}:{self.quote.column}: {self.reason}: {self.quote.text}"


@dataclass
class VerifyReport:
    """The outcome of `verify`: found quotes with offsets, and the ones not found."""

    found: dict[tuple[str, str], Match] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.missing

    def summary(self) -> dict:
        fuzzy = sum(1 for m in self.found.values() if not m.exact)
        return {"quotes": self.total, "found": self.total - len(self.missing), "missing": len(self.missing), "across_damaged_runs": fuzzy}


def _inside(root: Path, name, src, folders: list[Path]) -> Path:
    """`root / name`, if it stays inside `root` once resolved (no `..`, absolute path or link leading out);
    otherwise a `DataError` naming the case file: verify never reads, nor answers about, files elsewhere."""
    from lianjian.errors import DataError, printable

    candidate = root / str(name)
    try:
        inside = Path(str(name)).is_absolute() is False and candidate.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        inside = False
    if not inside:
        shown = ", ".join(str(f) for f in folders) or "the case file's folder"
        raise DataError(printable(f"{src.file}: source file {name!r} is outside the sources folders ({shown}) or "
                                  "beside its case file; refused (no absolute paths, '..' or links leading out)"))
    return candidate


def verify(corpus: Corpus, sources_dir: str | Path | list) -> VerifyReport:
    """Look up every evidence quote of the corpus in its source document.

    Sources are looked for in the given folder(s), then beside the source's own case file.
    """
    folders = [Path(d) for d in (sources_dir if isinstance(sources_dir, (list, tuple)) else [sources_dir])]
    for folder in folders:
        if not folder.is_dir():
            raise UsageError(f"--sources {folder}: no such directory")
    texts: dict[str, SourceText | str] = {}
    for doc, src in corpus.sources.items():
        name = src.data.get("file")
        roots = folders + ([Path(src.path).parent] if src.path else [])
        candidates = [_inside(root, name, src, folders) for root in roots] if name else []
        found = next((c for c in candidates if c.is_file()), None)
        if not name:
            texts[doc] = f"source '{doc}' names no `file`"
        elif found is None:
            texts[doc] = f"source file {name} is not in {', '.join(str(f) for f in folders)} or beside its case file"
        else:
            texts[doc] = SourceText.from_file(found)
    report = VerifyReport()
    seen: set[tuple[str, str]] = set()
    for entry in corpus.entries.values():
        for q in entry.evidence:
            key = (q.doc, q.text)
            if key in seen:
                continue
            seen.add(key)
            report.total += 1
            source = texts.get(q.doc)
            if isinstance(source, str) or source is None:
                report.missing.append(Missing(q, source or f"no source document '{q.doc}'"))
                continue
            match = source.find(q.text)
            if match is None:
                report.missing.append(Missing(q, f"quote not found in {Path(source.name).name}"))
            else:
                report.found[key] = match
    report.missing.sort(key=lambda m: (m.quote.file, m.quote.line))
    return report


def record_offsets(report: VerifyReport, corpus: Corpus) -> list[Path]:
    """Write found quotes' offsets to `evidence-offsets.json` in the folder of each source's case file."""
    by_folder: dict[Path, dict[str, dict[str, list[int]]]] = {}
    for (doc, quote), m in sorted(report.found.items()):
        src = corpus.sources.get(doc)
        if src is None or not src.path:
            continue
        by_folder.setdefault(Path(src.path).parent, {}).setdefault(doc, {})[quote] = [m.start, m.end]
    written = []
    for folder, data in sorted(by_folder.items()):
        target = folder / OFFSETS_FILE
        atomic_write(target, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", option="--record")
        written.append(target)
    return written


def load_offsets(dirs: list, bundled: bool = True) -> dict[tuple[str, str], tuple[int, int]]:
    """Read recorded offsets from the bundled corpus and the given case folders."""
    folders = ([BUNDLED_CASES] if bundled else []) + [Path(d) for d in dirs]
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for folder in folders:
        path = folder / OFFSETS_FILE
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for doc, quotes in data.items():
            for quote, (start, end) in quotes.items():
                out[(doc, quote)] = (int(start), int(end))
    return out
