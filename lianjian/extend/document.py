"""A source document for `suggest`: its text as written and normalised, the alignment between the two, its
sentences and its words (jieba, with the graph's labels as user dictionary), and the patterns file."""

from __future__ import annotations

import functools
import logging
import re
from importlib import resources
from pathlib import Path
from typing import Iterable

import yaml

from lianjian.errors import DataError, UsageError
from lianjian.loaders.text import PINYIN_GLOSS, decode_source, normalize, strip_glosses, to_simplified
from lianjian.loaders.yamlfile import read_regular_file

__all__ = ["SourceDocument", "SpanIndex", "patterns", "tokens", "add_words", "jieba_tokenizer", "EVIDENCE_LIMIT", "MAX_SOURCE_BYTES",
           "SENTENCE_END", "CLOSERS", "CJK", "NUMERALS"]

EVIDENCE_LIMIT = 120
#: Largest source document read (bytes of the file, characters of a text): a larger one is refused, not cut.
MAX_SOURCE_BYTES = 2 * 1024 * 1024
#: A candidate's `sentence` keeps at most this many characters either side of the mention.
SENTENCE_END = set("。!?;\n")
_CLAUSE_END = set(",;:、")
CLOSERS = set("”’」』)）》")
CJK = re.compile(r"[\u3400-\u9fff]")
NUMERALS = "零〇一二两三四五六七八九十百千万"


# --------------------------------------------------------------------------
# Patterns (data in patterns.yaml)


@functools.lru_cache(maxsize=1)
def patterns() -> dict:
    """The suffixes, word lists and regular expressions in `lianjian/extend/patterns.yaml`."""
    text = (resources.files("lianjian") / "extend" / "patterns.yaml").read_text(encoding="utf-8")
    p = yaml.safe_load(text)
    p["suffix_map"] = {s["suffix"]: s for s in p["suffixes"]}
    p["suffix_re"] = re.compile("|".join(re.escape(s) for s in sorted(p["suffix_map"], key=len, reverse=True)))
    p["formula_res"] = [re.compile(f) for f in p["formulas"]]
    units = sorted(p["units"], key=len, reverse=True)
    alt = "|".join(re.escape(u) for u in units)
    p["number_re"] = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)(万(?!元))?(多|余)?({alt})")
    counts = "|".join(re.escape(u) for u in units if p["units"][u] == "count")
    p["cn_number_re"] = re.compile(rf"(?<![{NUMERALS}])([两二三四五六七八九十百千]+|一[十百千][{NUMERALS}]*)(多|余)?({counts})")
    p["post_re"] = re.compile("|".join(re.escape(t) for t in sorted(p["post_titles"], key=len, reverse=True)))
    p["stop"] = set(p["stop_words"])
    p["stop_chars"] = {w for w in p["stop_words"] if len(w) == 1}
    p["generic"] = set(p["generic_prefixes"])
    p["heads"] = sorted(p["mechanism_heads"], key=len, reverse=True)
    return p


# --------------------------------------------------------------------------
# The source document and its normalised form


def _align(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character."""
    dropped = bytearray(len(text))
    for m in PINYIN_GLOSS.finditer(text):
        dropped[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    cache: dict[str, str] = {}
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if dropped[i]:
            continue
        if ch.isspace():
            piece = "\n" if ch in "\n\r\u2028\u2029\x0b\x0c" else " "
        else:
            piece = cache.get(ch)
            if piece is None:
                piece = cache[ch] = normalize(ch)
        for c in piece:
            chars.append(c)
            origin.append(i)
    norm = "".join(chars)
    # Phrase-level conversion catches the characters whose Simplified form depends on the word.
    phrased = to_simplified(norm)
    if len(phrased) == len(norm):
        norm = phrased
    return norm, origin


#: Characters a source document may not hold: its quotes would carry them into case files, which refuse them.
_SOURCE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _check_text(text: str, encoding: str, name: str) -> None:
    """Refuse a decoded document that is not plain text: binary, an unknown encoding, or control characters."""
    damaged = text.count("\ufffd")
    if "damaged" in encoding and damaged > max(2, len(text) // 200):
        raise DataError(f"{name}: not text in UTF-8, UTF-16, GB18030 or Big5 ({damaged} bytes cannot be decoded); "
                        "convert it to UTF-8")
    bad = _SOURCE_CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        what = "binary data, not text" if bad.group() == "\x00" else "a control character"
        raise DataError(f"{name}:{line}:{col}: U+{ord(bad.group()):04X} is {what}; give a plain text document")


def _check_size(size: int, name: str) -> None:
    """Refuse a document over MAX_SOURCE_BYTES with one line saying what to do."""
    if size > MAX_SOURCE_BYTES:
        raise DataError(f"{name}: the document is {size / 1048576:.1f} MB, over the "
                        f"{MAX_SOURCE_BYTES // 1048576} MB limit for one source document; split it")


class SpanIndex:
    """Spans [a, b) filed by 64-character buckets: asking what overlaps a place costs the spans near it, not all of them."""

    _B = 64

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self._buckets: dict[int, list[tuple[int, int]]] = {}
        for span in spans:
            self.add(span)

    def add(self, span: tuple[int, int]) -> None:
        a, b = span
        for k in range(a // self._B, max(a, b - 1) // self._B + 1):
            self._buckets.setdefault(k, []).append(span)

    def near(self, s: int, e: int) -> Iterable[tuple[int, int]]:
        """The spans filed in the buckets that [s, e) touches (each may appear more than once)."""
        for k in range(s // self._B, max(s, e - 1) // self._B + 1):
            yield from self._buckets.get(k, ())

    def overlaps(self, s: int, e: int) -> bool:
        """Whether a span overlaps [s, e)."""
        return any(a < e and s < b for a, b in self.near(s, e))


def _looks_like_path(text: str) -> bool:
    """A string that names a file rather than holds a text: no Chinese, a file extension.

    >>> _looks_like_path("cases/new.txt"), _looks_like_path("长宁区委召开会议。")
    (True, False)
    """
    return not CJK.search(text) and bool(re.search(r"\.[A-Za-z0-9]{1,5}$", text.strip()))


class SourceDocument:
    """A source text, its normalised form for matching, and the map between their offsets.

    >>> doc = SourceDocument("長寧區(qū)委召開會議。")
    >>> doc.norm
    '长宁区委召开会议。'
    >>> doc.original_span(0, 4)
    (0, 8)
    """

    def __init__(self, text: str, name: str = "<text>", encoding: str = "utf-8"):
        self.text = text
        self.name = name
        self.encoding = encoding
        self.norm, self._origin = _align(text)
        self.sentences = self._split_sentences()
        self._sentence_starts = [s for s, _ in self.sentences]

    @classmethod
    def read(cls, source: "str | Path | bytes | SourceDocument") -> "SourceDocument":
        """A document from a path, raw bytes, or text (a `str` naming an existing file is read)."""
        if isinstance(source, SourceDocument):
            return source
        if isinstance(source, bytes):
            _check_size(len(source), "<bytes>")
            text, enc = decode_source(source)
            _check_text(text, enc, "<bytes>")
            return cls(text, "<bytes>", enc)
        if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and len(source) < 1024
                                         and (Path(source).is_file() or _looks_like_path(source))):
            path = Path(source)
            if not path.is_file():
                raise UsageError(f"{path}: no such file")
            try:
                raw = read_regular_file(path, MAX_SOURCE_BYTES, "source document")
            except OSError as exc:
                raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
            except ValueError as exc:
                raise DataError(f"{path}: {exc}") from None
            text, enc = decode_source(raw)
            if not text.strip():
                raise DataError(f"{path}: the document is empty")
            _check_text(text, enc, str(path))
            return cls(text, path.name, enc)
        _check_size(len(str(source).encode("utf-8", "surrogatepass")), "<text>")
        return cls(str(source))

    # ---------------------------------------------------------------- offsets

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised span [start, end)."""
        if end <= start:
            i = self._origin[start] if start < len(self._origin) else len(self.text)
            return i, i
        return self._origin[start], self._origin[end - 1] + 1

    def original(self, start: int, end: int) -> str:
        """The original text of the normalised span [start, end)."""
        a, b = self.original_span(start, end)
        return self.text[a:b]

    def label(self, start: int, end: int) -> str:
        """The span as a `zh` label: original text, glosses removed, in Simplified Chinese."""
        return to_simplified(strip_glosses(self.original(start, end))).strip()

    def _split_sentences(self) -> list[tuple[int, int]]:
        out, start, n = [], 0, len(self.norm)
        i = 0
        while i < n:
            ch = self.norm[i]
            if ch in SENTENCE_END:
                end = i + 1
                while end < n and self.text[self._origin[end]] in CLOSERS:
                    end += 1
                out.append((start, end))
                start = i = end
                continue
            i += 1
        if start < n:
            out.append((start, n))
        return [(a, b) for a, b in (self._trim(a, b) for a, b in out) if b > a]

    def _trim(self, a: int, b: int) -> tuple[int, int]:
        while a < b and self.norm[a].isspace():
            a += 1
        while b > a and (self.norm[b - 1].isspace() or self.norm[b - 1] == "\n"):
            b -= 1
        return a, b

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """The normalised span of the sentence holding normalised offset `pos`."""
        import bisect

        k = bisect.bisect_right(self._sentence_starts, pos) - 1
        if k < 0:
            return self.sentences[0] if self.sentences else (0, 0)
        return self.sentences[k]

    def quote(self, start: int, end: int, limit: int = EVIDENCE_LIMIT) -> str:
        """A verbatim evidence quote around the normalised span: its sentence, or the clauses nearest it."""
        s, e = self.sentence_of(start)
        e = max(e, min(end, len(self.norm)))
        # Only clauses within 2 * limit of the mention can be quoted: look no further (a long sentence stays linear).
        s, e = max(s, start - 2 * limit), min(e, max(end, start) + 2 * limit)
        if len(self.original(s, e).strip()) <= limit:
            return self.original(s, e).strip()
        cuts = [s] + [i + 1 for i in range(s, e) if self.norm[i] in _CLAUSE_END] + [e]
        lo = max(c for c in cuts if c <= start)
        hi = min(c for c in cuts if c >= end)
        grew = True
        while grew:
            grew = False
            for nxt in (min((c for c in cuts if c > hi), default=None), max((c for c in cuts if c < lo), default=None)):
                if nxt is None:
                    continue
                a, b = (lo, nxt) if nxt > hi else (nxt, hi)
                if len(self.original(a, b).strip()) <= limit:
                    lo, hi, grew = a, b, True
        text = self.original(lo, hi).strip()
        if len(text) <= limit:
            return text.rstrip(",，、;；:：")
        # One clause longer than the limit: a window centred on the mention.
        mid = (start + end) // 2
        a = max(s, min(mid - limit // 2, e - limit))
        while len(self.original(a, min(e, a + limit)).strip()) > limit and a < start:
            a += 1
        b = a + limit
        while len(self.original(a, b).strip()) > limit:
            b -= 1
        return self.original(a, max(b, end)).strip()

    # ---------------------------------------------------------------- metadata

    @property
    def title(self) -> str:
        """The first non-empty line, as written."""
        for line in self.text.splitlines():
            if line.strip():
                return line.strip()
        return ""

    @property
    def language(self) -> str:
        """zh-Hant when at least 2% of the Chinese characters change in Simplified, else zh-Hans."""
        han = [c for c in strip_glosses(self.text) if CJK.match(c)]
        if not han:
            return "zh-Hans"
        simplified = to_simplified("".join(han))
        changed = sum(1 for a, b in zip(han, simplified) if a != b)
        return "zh-Hant" if changed >= 0.02 * len(han) else "zh-Hans"


# --------------------------------------------------------------------------
# Words: jieba with the graph's labels as its user dictionary


@functools.lru_cache(maxsize=1)
def jieba_tokenizer():
    """One jieba tokenizer per process (its dictionary takes a second to load), quiet."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer, jieba.posseg.POSTokenizer(tokenizer), {}


def add_words(words: dict[str, str]) -> dict[str, int]:
    """Add words (word → jieba tag) to the user dictionary once; returns each word's frequency before."""
    tokenizer, _, base = jieba_tokenizer()
    for word, tag in words.items():
        if word not in base:
            base[word] = tokenizer.FREQ.get(word) or 0
            tokenizer.add_word(word, tag=tag)
    return base


def tokens(norm: str) -> list[tuple[str, str, int, int]]:
    """(word, part of speech, start, end) of the normalised text."""
    _, pos_tokenizer, _ = jieba_tokenizer()
    out, i = [], 0
    for pair in pos_tokenizer.cut(norm):
        w = pair.word
        j = norm.find(w, i)
        if j < 0:  # jieba never drops characters; keep going if it ever does
            continue
        out.append((w, pair.flag, j, j + len(w)))
        i = j + len(w)
    return out


