"""Checking one case file on its own against the model: shapes, values, labels, evidence and dates.

Every problem is reported with its `file:line:col`; cross-file references are checked by `linker`.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from lianjian.errors import Problem, did_you_mean
from lianjian.loaders.corpus import (
    BASES, MAX_QUOTE, POST_KEYS, SHARED_DOC, CheckedFile, Entry, Later, Places, Quote,
    Reference, Source, assign_ids, entry_marks,
)
from lianjian.loaders.yamlfile import YamlFile, fast_yaml, parse_yaml, read_text
from lianjian.namespace import is_slug
from lianjian.ontology import Vocabulary, model

__all__ = ["check_file", "check_files", "date_problem"]

EARLIEST_YEAR = 1921
_REF_KEYS = {"ref", "evidence", "aliases", "zh-Hant", "en", "note"}
_WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# --------------------------------------------------------------------------
# Checking one file


class _FileChecker:
    """Checks one parsed case file against the model; collects entries, refs and problems."""

    def __init__(self, yf: YamlFile, vocab: Vocabulary, places: Places | None = None):
        self.yf = yf
        self.places = places  # set when `yf` came from the fast reader: positions are looked up later
        self.vocab = vocab
        self.model = model()
        self.problems: list[Problem] = list(yf.problems)
        self.entries: list[Entry] = []
        self.references: list[Reference] = []
        self.source: Source | None = None
        self.doc = SHARED_DOC

    def fail(self, path: tuple, message: str) -> None:
        self.problems.append(self.yf.at(path, message))

    def where(self, path: tuple) -> tuple:
        """The (line, column) of the value at `path`, or (a `Later` for it, None) when positions come later."""
        if self.places is not None:
            return Later(self.places, path), None
        return self.yf.marks.get(path, (1, 1))

    def check(self) -> "_FileChecker":
        data = self.yf.data
        if self.yf.problems and data is None:
            return self
        if not isinstance(data, dict):
            self.fail((), "a case file must be a mapping with a `source:` block and sections")
            return self
        sections = self.model["sections"]
        if "source" in data and "shared" in data:
            self.fail(("shared",), "a file has either a `source:` block or `shared: true`, not both")
        elif "shared" in data:
            if data["shared"] is not True:
                self.fail(("shared",), "`shared` must be `true`")
        elif "source" in data:
            self._check_source(data["source"])
        else:
            self.fail((), "no `source:` block (or `shared: true` for the shared-entities file)")
        for key, value in data.items():
            if key in ("source", "shared"):
                continue
            if key not in sections:
                self.problems.append(self.yf.at_key((key,), f"unknown section '{key}'{did_you_mean(key, sections)}"))
                continue
            if value is None:
                continue
            if not isinstance(value, list):
                self.fail((key,), f"section '{key}' must be a list of entries")
                continue
            for i, item in enumerate(value):
                self._check_entry(key, i, item)
        return self

    def _check_source(self, block: Any) -> None:
        spec = self.model["source"]
        path = ("source",)
        if not isinstance(block, dict):
            self.fail(path, "`source:` must be a mapping (id, file, title, date …)")
            return
        for key in block:
            if key not in spec:
                self.problems.append(self.yf.at_key(path + (key,), f"unknown key '{key}' in source{did_you_mean(key, spec)}"))
        doc_id = block.get("id")
        if doc_id is None:
            self.fail(path, "source has no `id`")
            return
        if not is_slug(doc_id):
            self.fail(path + ("id",), f"source id {doc_id!r} is not a safe id (lowercase letters, digits and single hyphens){_slug_hint(doc_id)}")
            return
        if doc_id == SHARED_DOC:
            self.fail(path + ("id",), f"source id '{SHARED_DOC}' is reserved for the shared-entities file")
            return
        self.doc = doc_id
        self._check_properties(path, {k: p for k, p in spec.items() if k != "id"}, block, "source")
        self.source = Source(doc_id, block, self.yf.path)

    def _check_entry(self, section: str, index: int, item: Any) -> None:
        path = (section, index)
        spec = self.model["sections"][section]
        if path in self.yf.rejected:
            return
        if not isinstance(item, dict):
            self.fail(path, f"each entry of '{section}' must be a mapping")
            return
        line, col = self.where(path)
        if "ref" in item:
            self._check_reference(section, path, item, line, col)
            return
        id_mode = spec.get("id", "required")
        entity_id = item.get("id")
        if entity_id is None and id_mode == "required":
            self.fail(path, f"entry in '{section}' has no `id` (or `ref`)")
            entity_id = None
        elif entity_id is not None and not is_slug(entity_id):
            self.fail(path + ("id",), f"id {entity_id!r} is not a safe id (lowercase ASCII letters, digits and single hyphens, at most 80 characters){_slug_hint(entity_id)}")
            entity_id = None
        allowed = {"id", "evidence", "note", *self.model["labels"], *spec["properties"]}
        if spec.get("kind", "none") != "none":
            allowed.add("kind")
        for key in item:
            if key not in allowed:
                self.problems.append(self.yf.at_key(path + (key,), f"unknown key '{key}' in {section}{did_you_mean(key, allowed)}"))
        self._check_labels(path, item, required=spec.get("labels", "required") == "required")
        kind_mode = spec.get("kind", "none")
        if kind_mode != "none":
            kind = item.get("kind")
            if kind is None:
                if kind_mode == "required":
                    self.fail(path, f"entry in '{section}' has no `kind`")
            elif not isinstance(kind, str) or not self.vocab.is_kind_of(section, kind):
                known = self.vocab.kinds.get(section, {})
                self.fail(path + ("kind",), f"unknown {section[:-1]} kind {kind!r}{did_you_mean(str(kind), known)}")
        self._check_properties(path, spec["properties"], item, f"entry in '{section}'")
        quotes = self._check_evidence(path, item, required=self.doc != SHARED_DOC)
        if entity_id is None and id_mode == "required":
            return
        entry = Entry(entity_id or "", section, item, self.doc, self.yf.path, line, col, minted=entity_id is None)
        entry.marks = Later(self.places, path) if self.places is not None else entry_marks(self.yf.marks, path, item)
        entry.evidence.extend(quotes)
        self.entries.append(entry)

    def _check_properties(self, path: tuple, props: dict, block: dict, what: str) -> None:
        """Check each property of `props` that `block` has; report the required ones it lacks (as `what`)."""
        for key, prop in props.items():
            if path + (key,) in self.yf.rejected:
                continue
            if key not in block or block[key] is None:
                if prop.get("required"):
                    self.fail(path, f"{what} has no `{key}`")
                continue
            self._check_value(path + (key,), key, prop, block[key])

    def _check_reference(self, section: str, path: tuple, item: dict, line: int, col: int) -> None:
        for key in item:
            if key not in _REF_KEYS:
                self.fail(path + (key,), f"a `ref` entry may carry only {', '.join(sorted(_REF_KEYS - {'ref'}))}; '{key}' belongs on the definition")
        ref = item["ref"]
        if not is_slug(ref):
            self.fail(path + ("ref",), f"ref {ref!r} is not a valid id")
            return
        self._check_labels(path, item, required=False)
        if self.doc == SHARED_DOC:
            self.fail(path, "the shared file defines entities; it cannot `ref` them")
            return
        quotes = self._check_evidence(path, item, required=True)
        self.references.append(Reference(ref, section, item, self.doc, self.yf.path, line, col, quotes))

    def _check_labels(self, path: tuple, item: dict, required: bool) -> None:
        for key, prop in self.model["labels"].items():
            if key not in item:
                continue
            value = item[key]
            if prop["type"] == "labels":
                values = value if isinstance(value, list) else [value]
                for i, v in enumerate(values):
                    if not _is_text(v):
                        self.fail(path + (key, i) if isinstance(value, list) else path + (key,), f"`{key}` must be a list of non-empty strings")
            elif not _is_text(value):
                self.fail(path + (key,), f"`{key}` must be a non-empty string on one line")
        if required and not _is_text(item.get("zh")):
            if "zh" not in item:
                self.fail(path, "entry has no `zh` label (Simplified Chinese)")

    def _check_evidence(self, path: tuple, item: dict, required: bool) -> list[Quote]:
        value = item.get("evidence")
        if value is None:
            if required:
                self.fail(path, "entry has no `evidence` quote")
            return []
        values = value if isinstance(value, list) else [value]
        if not values and required:
            self.fail(path + ("evidence",), "`evidence` is empty")
        quotes = []
        for i, quote in enumerate(values):
            qpath = path + ("evidence", i) if isinstance(value, list) else path + ("evidence",)
            if not isinstance(quote, str) or not quote.strip():
                self.fail(qpath, "an evidence quote must be a non-empty string")
                continue
            if "\n" in quote.strip() or "\r" in quote:
                self.fail(qpath, "an evidence quote must not span lines")
                continue
            if len(quote) > MAX_QUOTE:
                self.fail(qpath, f"evidence quote is {len(quote)} characters, over the {MAX_QUOTE}-character limit; quote a shorter span")
                continue
            line, col = self.where(qpath)
            quotes.append(Quote(self.doc, quote, self.yf.path, line, col))
        return quotes

    def _check_value(self, path: tuple, key: str, prop: dict, value: Any) -> None:
        kind = prop.get("type", "text")
        if prop.get("many"):
            values = value if isinstance(value, list) else [value]
            if len(values) < prop.get("min", 0):
                self.fail(path, f"`{key}` needs at least {prop['min']} values, found {len(values)}")
            seen = set()
            for i, v in enumerate(values):
                sub = path + (i,) if isinstance(value, list) else path
                if isinstance(v, str) and v in seen:
                    self.fail(sub, f"`{key}` lists {v!r} twice")
                seen.add(v if isinstance(v, str) else id(v))
                self._check_one(sub, key, prop, kind, v)
        else:
            if isinstance(value, list) and kind not in ("posts",):
                self.fail(path, f"`{key}` takes one value, not a list")
                return
            self._check_one(path, key, prop, kind, value)

    def _check_one(self, path: tuple, key: str, prop: dict, kind: str, v: Any) -> None:
        if kind == "ref":
            if not isinstance(v, str) or not is_slug(v):
                self.fail(path, f"`{key}`: {v!r} is not an id")
        elif kind == "concept":
            scheme = prop["scheme"]
            known = self.vocab.concepts.get(scheme, {})
            if not isinstance(v, str) or v not in known:
                self.fail(path, f"unknown {scheme} {v!r}{did_you_mean(str(v), known)}")
        elif kind == "date":
            err = date_problem(v)
            if err:
                self.fail(path, f"`{key}`: {err}")
        elif kind == "year":
            err = date_problem(v, year_only=True)
            if err:
                self.fail(path, f"`{key}`: {err}")
        elif kind == "number":
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                self.fail(path, f"`{key}` must be a number, not {v!r}")
        elif kind == "boolean":
            if not isinstance(v, bool):
                self.fail(path, f"`{key}` must be true or false")
        elif kind in ("text", "label"):
            if not _is_text(v) and not (kind == "text" and isinstance(v, (int, float)) and not isinstance(v, bool)):
                self.fail(path, f"`{key}` must be a non-empty string on one line")
            elif prop.get("choices") and v not in prop["choices"]:
                self.fail(path, f"`{key}` must be one of {', '.join(prop['choices'])}, not {v!r}")
        elif kind == "iri":
            if not isinstance(v, str) or not _WEB_ADDRESS.match(v):
                self.fail(path, f"`{key}` must be an http:// or https:// address without spaces, not {v!r}")
        elif kind == "definition":
            if not isinstance(v, dict) or not v or any(k not in ("zh", "en", "zh-Hant") or not _is_text(t) for k, t in v.items()):
                self.fail(path, f"`{key}` must be a mapping of zh / en to one-line strings")
        elif kind == "inferred":
            section_props = self.model["sections"][path[0]]["properties"] if path and path[0] in self.model["sections"] else {}
            if not isinstance(v, dict) or not v:
                self.fail(path, f"`{key}` must be a mapping of this entry's keys to the reason each was inferred")
                return
            item = self._item(path[:-1])
            for k, reason in v.items():
                if not isinstance(k, str) or k not in section_props or k in (key, "basis", "reason"):
                    self.fail(path + (k,), f"`{key}`: {k!r} is not a property of this entry{did_you_mean(str(k), section_props)}")
                elif item is not None and item.get(k) is None:
                    self.fail(path + (k,), f"`{key}` names '{k}', which this entry does not give")
                elif not _is_text(reason):
                    self.fail(path + (k,), f"`{key}`: the reason for '{k}' must be a non-empty string on one line")
        elif kind == "posts":
            posts = v if isinstance(v, list) else [v]
            for i, post in enumerate(posts):
                ppath = path + (i,)
                if not isinstance(post, dict):
                    self.fail(ppath, "each post must be a mapping with `title` (and optional title_en, org, since)")
                    continue
                for k in post:
                    if k not in POST_KEYS:
                        self.fail(ppath + (k,), f"unknown key '{k}' in post")
                if not _is_text(post.get("title")):
                    self.fail(ppath, "post has no `title`")
                if post.get("title_en") is not None and not _is_text(post["title_en"]):
                    self.fail(ppath + ("title_en",), "`title_en` must be a string")
                if post.get("org") is not None and not is_slug(post["org"]):
                    self.fail(ppath + ("org",), f"`org`: {post['org']!r} is not an id")
                for k in ("since", "until"):
                    if post.get(k) is not None and (err := date_problem(post[k])):
                        self.fail(ppath + (k,), f"`{k}`: {err}")
                if post.get("basis") is not None and post["basis"] not in BASES:
                    self.fail(ppath + ("basis",), f"`basis` must be one of {', '.join(BASES)}, not {post['basis']!r}")
                if post.get("reason") is not None and not _is_text(post["reason"]):
                    self.fail(ppath + ("reason",), "`reason` must be a non-empty string on one line")

    def _item(self, path: tuple) -> dict | None:
        """The mapping at `path` in the parsed file, if there is one."""
        node: Any = self.yf.data
        for step in path:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return None
        return node if isinstance(node, dict) else None


def _is_text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip()) and "\n" not in v.strip()


def _slug_hint(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    folded = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKC", value).lower()).strip("-")
    return f" (try '{folded}')" if folded and is_slug(folded) and folded != value else ""


def date_problem(value: Any, year_only: bool = False) -> str | None:
    """Why `value` is not an acceptable date (None when it is).

    >>> date_problem(2005), date_problem("2013-07"), date_problem(1900)
    (None, None, 'year 1900 is before 1921')
    """
    today = _dt.date.today()
    if isinstance(value, bool):
        return f"{value!r} is not a date"
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        if year_only:
            return "give a year, not a full date"
        year, month, day = value.year, value.month, value.day
    elif isinstance(value, int):
        year, month, day = value, None, None
    elif isinstance(value, str):
        text = value.strip()
        if any(unicodedata.decimal(c, None) is not None and not c.isascii() for c in text):
            return f"{value!r} has full-width or non-ASCII digits; write ASCII digits"
        m = _DATE.match(text)
        if not m:
            return f"{value!r} is not a date (write YYYY, \"YYYY-MM\" or YYYY-MM-DD)"
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
        if year_only and month:
            return "give a year, not a month or day"
        try:
            _dt.date(year, 1 if month is None else month, 1 if day is None else day)
        except ValueError:
            return f"{value!r} is not a valid date"
    else:
        return f"{value!r} is not a date"
    if year < EARLIEST_YEAR:
        return f"year {year} is before {EARLIEST_YEAR}"
    if (year, month or 1, day or 1) > (today.year, today.month, today.day):
        return f"{value} is in the future"
    return None


# --------------------------------------------------------------------------
# Linking files together


def check_file(path: str, display: str, vocab: Vocabulary) -> CheckedFile:
    """Read and check one case file on its own (cross-file links are checked when the corpus is linked).

    The file is read by the fast reader when it can be, keeping its positions for later; a file the fast reader
    cannot read, or that has a problem, is read again with positions and checked again, so every message is the same.
    """
    text, problem = read_text(path, display)
    checker = None
    if problem is not None:
        checker = _FileChecker(YamlFile(display, problems=[problem]), vocab).check()
    else:
        data = fast_yaml(text)
        if data is not None:
            checker = _FileChecker(YamlFile(display, data), vocab, Places(display, text)).check()
            if checker.problems:
                checker = None
        if checker is None:
            checker = _FileChecker(parse_yaml(text, display), vocab).check()
    if checker.source is not None:
        checker.source.path = path
    return assign_ids(CheckedFile(display, checker.source, checker.entries, checker.references, checker.problems,
                                  checker.where(("source", "id"))[0] if checker.places is not None
                                  else checker.yf.marks.get(("source", "id"), (1, 1))))


def _check_one_file(args: tuple[str, str, Vocabulary]) -> CheckedFile:
    return check_file(*args)


def _check_one_file_tuple(args: tuple[str, str, Vocabulary]) -> tuple:
    return check_file(*args).to_tuple()


def check_files(files: list[tuple[Path | str, str]], vocabulary: Vocabulary, workers: int | None = None, cache=None,
                progress=None) -> list[CheckedFile]:
    """Check each (path, display name) file on its own, in worker processes when there are many.

    `cache` (a `lianjian.cache.BuildCache`) reuses the checks of files whose bytes have not changed and keeps
    the new ones; `progress(done, total)` is called as files are checked.
    """
    jobs = [(str(p), d, vocabulary) for p, d in files]
    checked: list = [cache.get_check(p, d, vocabulary) if cache is not None else None for p, d, _ in jobs]
    todo = [j for j, c in zip(jobs, checked) if c is None]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(todo) >= 64 else 1
    fresh = []
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            for result in pool.map(_check_one_file_tuple, todo, chunksize=max(1, len(todo) // (workers * 8))):
                fresh.append(CheckedFile.from_tuple(result))
                if progress:
                    progress(len(jobs) - len(todo) + len(fresh), len(jobs))
    else:
        for job in todo:
            fresh.append(_check_one_file(job))
            if progress:
                progress(len(jobs) - len(todo) + len(fresh), len(jobs))
    fresh_iter = iter(fresh)
    for i, (job, c) in enumerate(zip(jobs, checked)):
        if c is None:
            checked[i] = next(fresh_iter)
            if cache is not None:
                cache.put_check(job[0], job[1], vocabulary, checked[i])
    return checked


