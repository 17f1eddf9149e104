"""Candidate annotations for a new source document, each with its place in the text.

`suggest` reads a document (UTF-8 with or without BOM, or GB18030/GBK), matches it
in normalised form (NFKC, one form of quotation marks, pinyin glosses removed,
Traditional → Simplified) and lists:

* ``entity``: mentions of entities already in the graph, by label or alias;
* ``organization``, ``place``: new names ending like Chinese party and
  administrative bodies and places (…党总支, …居民区, …协会 …);
* ``person``: names right after a post (…书记陈立新);
* ``mechanism``: quoted terms (“…”) and numbered formulas (三联三促);
* ``document``: titles in 《…》;
* ``date``, ``number``: dates, and numbers with a unit and the noun they count.

Offsets (``start``, ``end``) are Python string indices into the *original*
decoded text (BOM removed), so ``text[start:end]`` is the mention as written,
glosses and Traditional characters included. Words are cut with jieba, with the
graph's labels as its user dictionary.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from rdflib import Literal

from lianjian.errors import UsageError
from lianjian.loaders.text import normalize
from lianjian.namespace import concept_iri, entity_iri, is_slug
from lianjian.extend.document import (
    CJK, CLOSERS, NUMERALS, SENTENCE_END, SourceDocument, SpanIndex, add_words, jieba_tokenizer, patterns, tokens,
)
from lianjian.extend.gazetteer import Label, entity_places, known_labels
from lianjian.results import QueryResult

__all__ = ["Candidate", "CANDIDATE_TYPES", "suggest", "suggest_file", "candidates_result"]

CANDIDATE_TYPES = ("entity", "organization", "place", "person", "mechanism", "document", "date", "number")
#: Longest evidence quote `new_case` drafts (the loader allows model.yaml `limits.quote_length`).
SENTENCE_CONTEXT = 200
#: Sections whose entries are not named things a text mentions by label.
_SHORT = 3
_COMMON_FREQ = 100

_OPENERS = set("“„‟〝「『")
_DATE_PATTERNS = (
    re.compile(r"(?<![\d.])((?:19|20)\d{2})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?"),
    re.compile(r"(?<![\d.])((?:19|20)\d{2})[-./](\d{1,2})(?:[-./](\d{1,2}))?(?![\d.])"),
    re.compile(r"([〇零一二三四五六七八九]{4})年(?:([一二三四五六七八九十]{1,2})月(?:([一二三四五六七八九十]{1,3})日)?)?"),
)
_STOP_POS = {"x", "m", "q", "r", "p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "e", "o", "w", "d", "mq"}
_NOUN_POS = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "ng", "vn", "j", "l", "s", "z", "an", "i"}
_PERSON_POS = {"nr", "nrfg", "nrt"}
#: Parts of speech of single characters that never belong to a name jieba cut up (年|的).
_NOT_IN_NAMES = {"m", "p", "r", "x", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "e", "o", "w"}
#: Parts of speech that may stand in a place name before its ending.
_PLACE_POS = {"n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "ng", "j", "b", "eng"}




@dataclass
class Candidate:
    """One candidate annotation: what it is, where it stands and what a curator would write for it."""

    type: str                       # one of CANDIDATE_TYPES
    text: str                       # as written in the source
    start: int                      # offsets into the decoded source text
    end: int
    sentence: str                   # the sentence it stands in, as written
    label: str = ""                 # the name in Simplified Chinese, glosses removed (a `zh` value)
    entity: str | None = None       # id of the known entity (type "entity")
    section: str | None = None      # case-file section it belongs in
    kind: str | None = None         # suggested class or relation kind
    value: Any = None               # date (ISO), number, post title, document title
    unit: str | None = None
    noun: str | None = None         # what a number counts
    org: str | None = None          # a person's post is in: a known entity id, or a new name
    confidence: str = "high"        # "low": a vague label, an ambiguous one, or a part of a longer new name
    note: str = ""
    norm_span: tuple[int, int] = field(default=(0, 0), repr=False, compare=False)

    def to_dict(self) -> dict:
        """The candidate as plain JSON-friendly values."""
        d = asdict(self)
        d.pop("norm_span")
        return {k: v for k, v in d.items() if v not in (None, "")}


# --------------------------------------------------------------------------
# Finding candidates


class _Finder:
    """One pass over one document: tokens, boundaries and candidates of every type."""

    def __init__(self, doc: SourceDocument, kg):
        self.doc = doc
        self.p = patterns()
        self.kg = kg
        self.index = known_labels(kg)
        add_words({s: "n" for s in self.p["suffix_map"]})
        self.tokens = tokens(doc.norm)
        self.bounds = {t[2] for t in self.tokens} | {t[3] for t in self.tokens}
        for m in self.p["post_re"].finditer(doc.norm):  # "党委|书记": an ending right before a post title
            self.bounds.add(m.start())
        self.token_at = {}
        for k, t in enumerate(self.tokens):
            for i in range(t[2], t[3]):
                self.token_at[i] = k

    def make(self, type_: str, start: int, end: int, **kw) -> Candidate:
        a, b = self.doc.original_span(start, end)
        s, e = self.doc.sentence_of(start)
        s, e = max(s, start - SENTENCE_CONTEXT), min(e, end + SENTENCE_CONTEXT)  # one long "sentence" is not copied per mention
        kw.setdefault("label", self.doc.label(start, end))
        return Candidate(type_, self.doc.text[a:b], a, b, self.doc.original(s, e).strip(), norm_span=(start, end), **kw)

    def run(self) -> list[Candidate]:
        known = self.known()
        names = self.names(known)
        self.demote_name_parts(known, names)
        persons = self.persons(names, known)
        documents = self.documents()
        mechanisms = self.mechanisms(known, names, documents)
        dates = self.dates()
        numbers = self.numbers(known + mechanisms + dates)
        found = known + names + persons + mechanisms + documents + dates + numbers
        order = {t: i for i, t in enumerate(CANDIDATE_TYPES)}
        return sorted(found, key=lambda c: (c.start, order[c.type], -c.end))

    # ------------------------------------------------------------ known entities

    def known(self) -> list[Candidate]:
        norm, index = self.doc.norm, self.index
        lengths = sorted({len(k) for k in index}, reverse=True)
        out, i, n = [], 0, len(norm)
        while i < n:
            for length in lengths:
                if i + length > n:
                    continue
                key = norm[i:i + length]
                entries = index.get(key)
                if not entries:
                    continue
                if length <= _SHORT and not (i in self.bounds and i + length in self.bounds):
                    continue
                out.append(self.known_candidate(i, i + length, key, entries))
                i += length
                break
            else:
                i += 1
        self.demote_elsewhere(out)
        return out

    def demote_elsewhere(self, known: list[Candidate]) -> None:
        """An entity tied to places the text never names is probably another place's namesake (驻区单位 of 华亭县)."""
        areas_of, below = entity_places(self.kg)
        named = {c.entity for c in known if c.section == "areas" and c.confidence == "high"}
        for c in known:
            places = areas_of.get(c.entity)
            if c.confidence != "high" or not places:
                continue
            if not any(below.get(a, {a}) & named for a in places):
                c.confidence = "low"
                g = self.kg.to_networkx()
                where = "、".join(sorted(g.nodes[a].get("label_zh", a) for a in places))
                c.note = f"an entity of {where}, which the text does not name"

    def known_candidate(self, start: int, end: int, key: str, entries: list[Label]) -> Candidate:
        best = sorted(entries, key=lambda e: (not e.primary, -e.sources, e.entity))
        top = best[0]
        notes, low = [], False
        if len(best) > 1:
            low = True
            notes.append("also the label of " + ", ".join(e.entity for e in best[1:]))
        if len(key) <= _SHORT and not top.primary:
            low = True
            notes.append("short alias")
        elif len(key) <= _SHORT and self.base_freq_of(key) >= _COMMON_FREQ:
            low = True
            notes.append("common word")
        return self.make("entity", start, end, entity=top.entity, section=top.section,
                         confidence="low" if low else "high", note="; ".join(notes))

    def base_freq_of(self, word: str) -> int:
        _, _, base = jieba_tokenizer()
        return base.get(word, 0)

    # ------------------------------------------------------------ new organisations and places

    def names(self, known: list[Candidate]) -> list[Candidate]:
        p, norm = self.p, self.doc.norm
        out: list[Candidate] = []
        seen: set[tuple[int, int]] = set()
        for m in p["suffix_re"].finditer(norm):
            s, e = m.span()
            if e not in self.bounds:
                continue
            spec = p["suffix_map"][m.group()]
            start = self.name_start(s, place=spec["type"] == "place")
            if start is None:
                continue
            prefix = norm[start:s]
            if len(prefix) < p["min_prefix"].get(m.group(), 2) or self.is_generic(start, s):
                continue
            if (start, e) in seen:
                continue
            seen.add((start, e))
            label = self.doc.label(start, e)
            if normalize(label) in self.index:
                continue  # a known entity: reported as such
            if spec["type"] == "place" and self.is_common_word(start, e):
                continue  # 和谐社区, 城市社区: a phrase of the general dictionary, not a place
            section = "organizations" if spec["type"] == "organization" else "areas"
            out.append(self.make(spec["type"], start, e, section=section, kind=spec["kind"], label=label))
        return self.mark_short_forms(out)

    def name_start(self, suffix_start: int, place: bool = False) -> int | None:
        """Where the name ending at `suffix_start` begins: back over name-like words, then trimmed.

        Verbs may stand inside an organisation's name (调解工作室) but not a place's (促进|社区);
        adjectives neither (和谐|社区, 老旧|小区).
        """
        p, toks = self.p, self.tokens
        k = self.token_at.get(suffix_start)
        if k is None:
            return None
        parts = [k] if toks[k][2] < suffix_start else []
        j = k - 1
        while j >= 0 and len(parts) < 8 and suffix_start - toks[j][2] <= 20:
            w, flag = toks[j][0], toks[j][1]
            if w in p["stop"] or flag in _STOP_POS:
                break
            if flag.startswith("v") and flag != "vn" and (place or w not in p["name_verbs"]) and w not in self.index:
                break
            if place and flag not in _PLACE_POS and w not in self.index:
                break
            if flag not in p["name_pos"] and w not in self.index:
                break
            if parts and toks[parts[0]][2] < suffix_start and self.is_known_area(w):
                break  # 上海市长宁区|虹桥街道党工委: the place before a complete name is not part of it
            parts.insert(0, j)
            j -= 1
        while parts and toks[parts[0]][2] < suffix_start and (
                toks[parts[0]][1] in p["leading_trim_pos"] and len(parts) > 2 or toks[parts[0]][0] in p["stop"]):
            parts.pop(0)
            j = None
        # jieba cuts an unknown two-character name into single characters ("吸纳/天/和/科技园"): take them back.
        if j is not None and j >= 1 and self.single(j) and self.single(j - 1) and toks[j - 1][0] not in p["stop_chars"] \
                and toks[j - 1][1] not in _NOT_IN_NAMES | {"v", "a", "d", "c"} and toks[j][1] not in _NOT_IN_NAMES | {"v", "a", "d"} \
                and (j < 2 or not self.single(j - 2) or toks[j - 2][0] in p["stop_chars"]):
            parts[:0] = [j - 1, j]
        if not parts:
            return suffix_start
        return min(toks[parts[0]][2], suffix_start)

    def is_common_word(self, start: int, end: int) -> bool:
        k = self.token_at.get(start)
        if k is None or self.tokens[k][2] != start or self.tokens[k][3] != end:
            return False
        tokenizer, _, base = jieba_tokenizer()
        word = self.tokens[k][0]
        return (base[word] if word in base else tokenizer.FREQ.get(word, 0)) > 0

    def single(self, k: int) -> bool:
        w = self.tokens[k][0]
        return len(w) == 1 and bool(CJK.match(w))

    def is_known_area(self, word: str) -> bool:
        entries = [e for e in self.index.get(word, ()) if e.section == "areas"]
        return bool(entries) and (len(word) > _SHORT or any(e.primary for e in entries))

    def is_generic(self, start: int, end: int) -> bool:
        """True when the words before a name's ending are all generic (社区党委, 各居民区)."""
        generic, words = self.p["generic"], []
        for k in sorted({self.token_at[i] for i in range(start, end) if i in self.token_at}):
            w, _, a, b = self.tokens[k]
            words.append(self.doc.norm[max(a, start):min(b, end)])
        text = "".join(words)
        if text in generic or all(w in generic for w in words):
            return True
        return bool(re.fullmatch(r"[\d" + NUMERALS + r"]+[个家所]?", text))

    def mark_short_forms(self, names: list[Candidate]) -> list[Candidate]:
        """A name that is the tail of a longer name in the same text is probably its short form."""
        norm = self.doc.norm
        spans: dict[str, list[tuple[int, int]]] = {}
        for c in names:
            spans.setdefault(c.label, []).append(c.norm_span)
        # A label is in the text when one of its mentions normalises to it (else look for it once).
        present = {l for l, ss in spans.items() if any(norm[a:b] == normalize(l) for a, b in ss[:3]) or normalize(l) in norm}
        by_tail: dict[str, list[str]] = {}  # every proper tail of a label present → the labels ending with it
        for l in present:
            for i in range(1, len(l)):
                by_tail.setdefault(l[i:], []).append(l)
        for c in names:
            longer = sorted(by_tail.get(c.label, ()), key=lambda l: (len(l), l))
            if longer:
                c.confidence = "low"
                c.note = f"short form of {longer[0]}?"
        return names

    def demote_name_parts(self, known: list[Candidate], names: list[Candidate]) -> None:
        """A known label that ends a longer new name is that name's generic head (…居民区业主委员会)."""
        by_end: dict[int, list[Candidate]] = {}
        for c in names:
            by_end.setdefault(c.norm_span[1], []).append(c)
        for k in known:
            ks, ke = k.norm_span
            for c in by_end.get(ke, ()):
                cs, ce = c.norm_span
                if cs < ks and ke == ce:
                    k.confidence = "low"
                    k.note = (k.note + "; " if k.note else "") + f"the ending of the new name {c.label}"

    # ------------------------------------------------------------ persons

    def persons(self, names: list[Candidate], known: list[Candidate]) -> list[Candidate]:
        norm, p = self.doc.norm, self.p
        out = []
        ends = {c.norm_span[1]: c for c in names + known if c.type in ("organization", "entity")}
        for m in p["post_re"].finditer(norm):
            title_start, e = m.span()
            name_end = self.person_name(e)
            if name_end is None:
                continue
            org = ends.get(title_start)
            post = (org.label if org else "") + m.group()
            cand = self.make("person", e, name_end, section="persons", kind="Person", value=post)
            if org is not None:
                cand.org = org.entity or org.label
            out.append(cand)
        return out

    def person_name(self, start: int) -> int | None:
        k = self.token_at.get(start)
        if k is None or self.tokens[k][2] != start:
            return None
        w, flag, _, end = self.tokens[k]
        if flag in _PERSON_POS and 2 <= len(w) <= 4 and CJK.match(w):
            return end
        if w[0] in self.p["surnames"]:
            if 2 <= len(w) <= 3 and flag not in _STOP_POS and w not in self.index:
                return end
            if len(w) == 1 and k + 1 < len(self.tokens):
                w2, flag2, _, end2 = self.tokens[k + 1]
                if len(w2) <= 2 and CJK.match(w2) and flag2 not in _STOP_POS and w2 not in self.p["stop"]:
                    return end2
        return None

    # ------------------------------------------------------------ mechanisms and documents

    def mechanisms(self, known: list[Candidate], names: list[Candidate], documents: list[Candidate]) -> list[Candidate]:
        norm, p = self.doc.norm, self.p
        out: list[Candidate] = []
        taken = SpanIndex([c.norm_span for c in known if c.confidence == "high"] + [c.norm_span for c in documents])
        name_spans = {c.norm_span for c in names}
        name_index = SpanIndex(name_spans)
        known_spans = SpanIndex(c.norm_span for c in known)
        org_suffixes = [s for s in p["suffix_map"] if p["suffix_map"][s]["type"] == "organization"]
        for open_, close in self.quotes():
            if not 2 <= close - open_ - 1 <= p["max_quoted"]:
                continue
            inner = norm[open_ + 1:close]
            if any(a <= open_ and close < b for a, b in known_spans.near(open_, open_ + 1)):
                continue  # a quote inside a known label: “两新”组织
            if any(ch in SENTENCE_END or ch == "," for ch in inner):
                continue
            if inner in self.index or (open_ + 1, close) in name_spans:
                continue
            if any(inner.endswith(s) for s in org_suffixes) \
                    and any(cs >= open_ and ce <= close for cs, ce in name_index.near(open_, close + 1)):
                continue  # a quoted organisation name: reported as an organisation
            end = close + 1
            head = next((h for h in p["heads"] if norm.startswith(h, end)), None)
            if head and end + len(head) in self.bounds:
                end += len(head)
            out.append(self.make("mechanism", open_, end, section="mechanisms"))
            taken.add((open_, end))
        for regex in p["formula_res"]:
            for m in regex.finditer(norm):
                s, e = m.span()
                e = self.formula_end(s, e)
                if e is None or taken.overlaps(s, e):
                    continue
                tail = norm[s + 2:e]
                if any(tail.endswith(x) for x in p["suffix_map"]):
                    continue  # 两个居民区: a count of places, not a formula
                out.append(self.make("mechanism", s, e, section="mechanisms", note="numbered formula"))
                taken.add((s, e))
        return out

    def formula_end(self, s: int, e: int) -> int | None:
        """The formula's end at a word boundary: 三个|中心 takes one word after the count, others shrink to fit."""
        if self.doc.norm[s + 1] in "个项大条种":
            k = self.token_at.get(s + 2)
            if k is None or self.tokens[k][2] != s + 2 or not 2 <= len(self.tokens[k][0]) <= 4 \
                    or self.tokens[k][1] not in _NOUN_POS:
                return None
            return self.tokens[k][3]
        while e - s >= 4:
            if e in self.bounds and self.doc.norm[e - 1] not in self.p["stop_chars"]:
                return e
            e -= 1
        return None

    def quotes(self) -> Iterable[tuple[int, int]]:
        """(opening, closing) normalised offsets of double quotation marks, paired by their original form."""
        norm, text, open_ = self.doc.norm, self.doc.text, None
        for i, ch in enumerate(norm):
            if ch != '"':
                continue
            original = text[self.doc._origin[i]]
            if original in _OPENERS or (original not in CLOSERS and open_ is None):
                open_ = i
            elif open_ is not None:
                yield open_, i
                open_ = None

    def documents(self) -> list[Candidate]:
        out = []
        for m in re.finditer(r"《([^《》\n]{2,80})》", self.doc.norm):
            title = self.doc.label(m.start(1), m.end(1))
            if normalize(title) in self.index:
                continue
            out.append(self.make("document", m.start(), m.end(), section="documents", label=title, value=title))
        return out

    # ------------------------------------------------------------ dates and numbers

    def dates(self) -> list[Candidate]:
        out, taken = [], SpanIndex()
        for regex in _DATE_PATTERNS:
            for m in regex.finditer(self.doc.norm):
                if taken.overlaps(*m.span()):
                    continue
                iso = _iso_date(*m.groups())
                if iso is None:
                    continue
                taken.add(m.span())
                out.append(self.make("date", m.start(), m.end(), value=iso))
        return out

    def numbers(self, taken: list[Candidate]) -> list[Candidate]:
        p, norm = self.p, self.doc.norm
        spans = SpanIndex(c.norm_span for c in taken)
        out = []
        found = [(m, False) for m in p["number_re"].finditer(norm)] + [(m, True) for m in p["cn_number_re"].finditer(norm)]
        for m, chinese in sorted(found, key=lambda x: x[0].start()):
            s, e = m.span()
            if spans.overlaps(s, e):
                continue
            if chinese:
                value = _chinese_number(m.group(1))
                approx, unit = m.group(2), m.group(3)
                if value is None or value < 2:
                    continue
            else:
                value = float(m.group(1)) * (10000 if m.group(2) else 1)
                value = int(value) if value.is_integer() else value
                approx, unit = m.group(3), m.group(4)
            noun = self.counted_noun(s, e, p["units"][unit])
            cand = self.make("number", s, e, value=value, unit=unit, noun=noun or None, section="observations")
            if approx:
                cand.note = "approximate"
            out.append(cand)
            spans.add((s, e))
        return out

    def counted_noun(self, s: int, e: int, how: str) -> str:
        after = self.nouns_after(e) if how == "count" else ""
        return after or self.nouns_before(s)

    def nouns_after(self, e: int) -> str:
        k = self.token_at.get(e)
        words = []
        while k is not None and k < len(self.tokens) and len(words) < 4:
            w, flag, a, _ = self.tokens[k]
            if a < e or flag not in _NOUN_POS or w in self.p["stop"]:
                break
            words.append(w)
            k += 1
        return "".join(words)[:12]

    def nouns_before(self, s: int) -> str:
        k = self.token_at.get(s - 1)
        words, skipped = [], 0
        while k is not None and k >= 0 and len(words) < 4:
            w, flag, _, b = self.tokens[k]
            if b > s:
                break
            if flag in _NOUN_POS and w not in self.p["stop"]:
                words.insert(0, w)
            elif not words and flag in ("v", "d", "vd") and skipped < 2:
                skipped += 1
            else:
                break
            k -= 1
        return "".join(words)[-12:]


def _iso_date(year: str, month: str | None, day: str | None) -> str | None:
    digits = str.maketrans("〇零一二三四五六七八九", "00123456789")
    y = int(year.translate(digits))
    parts = [f"{y:04d}"]
    for piece, top in ((month, 12), (day, 31)):
        if not piece:
            break
        n = int(piece) if piece.isdigit() else _chinese_number(piece)
        if n is None or not 1 <= n <= top:
            return None
        parts.append(f"{n:02d}")
    return "-".join(parts)


def _chinese_number(text: str) -> int | None:
    """A small Chinese numeral as an int.

    >>> _chinese_number("十二"), _chinese_number("两"), _chinese_number("一百二十")
    (12, 2, 120)
    """
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    units = {"十": 10, "百": 100, "千": 1000, "万": 10000}
    total, section, number = 0, 0, 0
    for ch in text:
        if ch in digits:
            number = digits[ch]
        elif ch in units:
            unit = units[ch]
            if unit == 10000:
                total += (section + number) * unit
                section = 0
            else:
                section += (number or 1) * unit
            number = 0
        else:
            return None
    return total + section + number


# --------------------------------------------------------------------------
# Public functions


def suggest(text_or_path: "str | Path | bytes | SourceDocument", kg) -> list[Candidate]:
    """Candidate annotations of a document (a path, bytes or text), in text order."""
    doc = SourceDocument.read(text_or_path)
    return _Finder(doc, kg).run()


def candidates_result(candidates: list[Candidate], sentences: bool = True) -> QueryResult:
    """Candidates as a `QueryResult` (for `lianjian.results.render`: table, csv, tsv, json, md)."""
    names = ["type", "text", "start", "end", "entity", "kind", "value", "confidence", "note"] + (["sentence"] if sentences else [])
    rows = []
    for c in candidates:
        value = c.value
        if c.type == "number":
            value = f"{c.value} {c.unit}" + (f" {c.noun}" if c.noun else "")
        row = [
            Literal(c.type), Literal(c.text), Literal(c.start), Literal(c.end), _entity_term(c),
            Literal(c.kind) if c.kind else None, Literal(str(value)) if value is not None else None,
            Literal(c.confidence), Literal(c.note) if c.note else None,
        ]
        rows.append(row + ([Literal(c.sentence)] if sentences else []))
    return QueryResult(names, rows)


def _entity_term(c: Candidate):
    if not c.entity:
        return None
    if not is_slug(c.entity):
        return Literal(c.entity)
    # Case-file mechanisms live in the mechanism scheme like the bundled concepts.
    return concept_iri("mechanism", c.entity) if c.section == "mechanisms" else entity_iri(c.entity)


def suggest_file(source: str | Path, cases: Iterable[str] = (), bundled: bool = True, engine: str = "oxigraph",
                 sentences: bool = True) -> QueryResult:
    """Build the graph (bundled corpus plus `cases`) and list the candidate annotations of `source`."""
    from lianjian.graph import KnowledgeGraph

    path = Path(source)
    if not path.is_file():
        raise UsageError(f"{source}: no such file")
    doc = SourceDocument.read(path)
    kg = KnowledgeGraph.from_cases(cases, bundled=bundled, engine=engine)
    return candidates_result(suggest(doc, kg), sentences=sentences)
