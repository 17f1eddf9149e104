"""Linking checked case files into one `Corpus`: references across files, identity, cycles.

`load_corpus` reads, checks and links a whole corpus; `link` is the full cross-file link. A cached build keeps
one small summary per file (`summarize`) and, after a few files change, `relink` re-runs the cross-file checks
over the summaries. `relink` answers None whenever the full link could report a problem (the caller then links
the whole corpus, which reports it exactly as a cold build does); tests/test_linker.py checks the two agree.
`doc_corpus` rebuilds just enough of the linked corpus, from one document's own files, to write its named graph.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from lianjian.errors import CaseErrors, Problem, did_you_mean
from lianjian.loaders.checker import check_files
from lianjian.loaders.corpus import (
    FIRST_WINS_LABELS, SHARED_DOC, CheckedFile, Corpus, Entry, acyclic_properties, apply_ref, case_files,
    ref_values, resolved, vocabulary_entry, vocabulary_files,
)
from lianjian.namespace import is_slug
from lianjian.ontology import Vocabulary, base_vocabulary

__all__ = ["load_corpus", "link", "SUMMARY_VERSION", "Linked", "doc_corpus", "relink", "summarize"]

def load_corpus(dirs: Iterable[str | Path] = (), bundled: bool = True, vocabulary: Vocabulary | None = None,
                workers: int | None = None, cache=None, progress=None, summaries: dict | None = None) -> Corpus:
    """Read, check and link case files; raise `CaseErrors` listing every problem found.

    `cache` (a `lianjian.cache.BuildCache`) reuses the checks of files whose bytes have not changed;
    `progress(done, total)` is called as files are checked; `summaries`, if given, is filled with each
    file's link summary (display name -> `summarize`), for incremental rebuilds.
    """
    dirs = list(dirs)
    files = case_files(dirs, bundled)
    problems: list[Problem] = []
    extension: list = []
    if vocabulary is None:
        from lianjian.loaders.vocabulary import extend_vocabulary

        vocabulary, extension, vocab_problems = extend_vocabulary(base_vocabulary(), vocabulary_files(dirs))
        problems.extend(vocab_problems)
    checked = check_files(files, vocabulary, workers=workers, cache=cache, progress=progress)
    if summaries is not None:
        summaries.update((fc.file, summarize(fc)) for fc in checked)
    corpus = Corpus({}, {}, [], vocabulary, [d for _, d in files], extension)
    for fc in checked:
        problems.extend(fc.problems)
        if fc.source:
            if fc.source.id in corpus.sources:
                other = corpus.sources[fc.source.id]
                problems.append(Problem(fc.file, *resolved(fc.source_mark), f"source id '{fc.source.id}' is already used by {other.file}"))
            else:
                corpus.sources[fc.source.id] = fc.source
    link(corpus, checked, problems)
    if problems:
        raise CaseErrors(problems)
    return corpus


def link(corpus: Corpus, checked: list[CheckedFile], problems: list[Problem]) -> None:
    base_mechanisms = corpus.vocabulary.concepts.get("mechanism", {})
    for fc in checked:
        for e in fc.entries:
            if e.id in corpus.entries:
                first = corpus.entries[e.id]
                what = "the same relationship or observation appears twice" if e.minted else f"id '{e.id}' is already defined in {first.file}:{first.line}"
                problems.append(Problem(e.file, e.line, e.column, what + ("" if e.minted else "; use `- ref: " + e.id + "` to add evidence to it")))
                continue
            if e.section == "mechanisms" and e.id in base_mechanisms:
                problems.append(Problem(e.file, e.line, e.column, f"mechanism '{e.id}' is already a concept of the bundled mechanism scheme; use it directly or `- ref: {e.id}`"))
                continue
            if e.id in base_mechanisms:
                problems.append(Problem(e.file, e.line, e.column, f"id '{e.id}' is already a mechanism concept of the bundled scheme; choose another id"))
                continue
            corpus.entries[e.id] = e
    # References add evidence and labels to entries defined elsewhere.
    for fc in checked:
        for r in fc.references:
            target = corpus.entries.get(r.id)
            if target is None and r.section == "mechanisms" and r.id in base_mechanisms:
                target = _vocabulary_entry(corpus, r.id)
            if target is None:
                problems.append(Problem(r.file, r.line, r.column, f"ref '{r.id}' is not defined in any case file{did_you_mean(r.id, corpus.entries)}"))
                continue
            if target.section != r.section:
                problems.append(Problem(r.file, r.line, r.column, f"ref '{r.id}' is defined under '{target.section}', not '{r.section}'"))
                continue
            apply_ref(target, r, [key for key in FIRST_WINS_LABELS if key in r.data and key not in target.data
                                  and not any(k == key for _, k, _ in target.extra_labels)])
            corpus.references.append(r)
    # Every reference-valued property must name an entry of the right section.
    for e in list(corpus.entries.values()):
        if e.section == "vocabulary":
            continue
        for key, v, allowed, acyclic, where in ref_values(e):
            if acyclic and v == e.id:
                problems.append(Problem(e.file, *e.position(where), f"'{e.id}' names itself as its own `{key}`"))
                continue
            _check_ref(corpus, e, key, v, allowed, problems, where)
        if not e.evidence and e.doc == SHARED_DOC:
            # (A case file's own entries without evidence were reported when the file was checked.)
            problems.append(Problem(e.file, e.line, e.column, f"'{e.id}' has no evidence: no case file quotes it (add `- ref: {e.id}` with evidence in a case file)"))
    for c in corpus.sources.values():
        area = c.data.get("area")
        if isinstance(area, str) and is_slug(area):
            t = corpus.entries.get(area)
            if t is None or t.section != "areas":
                problems.append(Problem(c.file, 1, 1, f"source area {area!r} is not an area defined in any case file"))
    _check_cycles(corpus, problems)


def _check_ref(corpus: Corpus, e: Entry, key: str, value: str, allowed: list[str], problems: list[Problem],
               where: tuple) -> None:
    target = corpus.entries.get(value)
    if target is None and value in corpus.vocabulary.concepts.get("mechanism", {}):
        if "mechanisms" in allowed or "any" in allowed:
            return
        problems.append(Problem(e.file, *e.position(where), f"`{key}` of '{_label(e)}': '{value}' is a mechanism, expected one of {', '.join(allowed)}"))
        return
    if target is None:
        pool = list(corpus.entries) + list(corpus.vocabulary.concepts.get("mechanism", {}))
        problems.append(Problem(e.file, *e.position(where), f"`{key}` of '{_label(e)}': unknown id '{value}'{did_you_mean(value, pool)}"))
    elif "any" not in allowed and target.section not in allowed:
        problems.append(Problem(e.file, *e.position(where), f"`{key}` of '{_label(e)}': '{value}' is in {target.section}, expected one of {', '.join(allowed)}"))


def _label(e: Entry) -> str:
    return e.id if not e.minted else f"{e.section[:-1]} at line {e.line}"


def _check_cycles(corpus: Corpus, problems: list[Problem]) -> None:
    for name, key in acyclic_properties():
        edges = {}
        for e in corpus.entries.values():
            if e.section == name and isinstance(e.data.get(key), str):
                edges[e.id] = e.data[key]
        if name == "mechanisms":
            edges = {**corpus.vocabulary.broader, **edges}
        reported: set[str] = set()
        for start in edges:
            seen, node = [], start
            while node in edges and node not in seen:
                seen.append(node)
                node = edges[node]
            if node in seen and node == start and not reported & set(seen):
                reported.update(seen)
                e = corpus.entries.get(start)
                cycle = " → ".join(seen + [start])
                if e is not None:
                    problems.append(Problem(e.file, e.line, e.column, f"`{key}` forms a cycle: {cycle}"))


def _vocabulary_entry(corpus: Corpus, slug: str) -> Entry:
    entry = corpus.entries[slug] = vocabulary_entry(slug)
    return entry


# --------------------------------------------------------------------------
# Link summaries and the incremental relink

#: Bump when the summary tuple changes shape or meaning (old link indexes are then ignored).
SUMMARY_VERSION = 2

_CANONICAL: dict = {}


def _same(value):
    """One shared object per distinct small value, so the pickled index stores each once."""
    return _CANONICAL.setdefault(value, value)


def _first_wins(data: dict) -> tuple:
    return _same(tuple(k for k in FIRST_WINS_LABELS if k in data))


@functools.cache
def _acyclic(section: str) -> tuple[str, ...]:
    return tuple(k for s, k in acyclic_properties() if s == section)


def summarize(fc: CheckedFile) -> tuple:
    """What linking needs of one checked (not yet linked) file, as plain tuples:

    (doc, source, ids, sections, keys, quotes, refs, targets, edges, problem)

    - source: (source id, area or None), or None for a shared file;
    - ids, sections, keys: the ids the file defines, their sections and which first-wins labels they
      carry; unnamed entries are left out (their minted ids hold the document id and two hyphens, so
      no other document can define or name them) except in shared files, which share one document;
    - quotes: in a shared file, how many quotes each entry carries itself (else empty);
    - refs: (id, section, first-wins label keys, quotes) of each `- ref:` entry;
    - targets: the distinct (id, allowed sections) that properties name and the file does not define;
    - edges: ((section, key), ((id, value), …)) of the acyclic properties;
    - problem: whether linking is bound to report something within the file itself (an entry naming
      itself through an acyclic property, an unnamed entry twice, a property naming an entry of the
      file in the wrong section).
    """
    doc = fc.source.id if fc.source is not None else SHARED_DOC
    shared = doc == SHARED_DOC
    source = None
    if fc.source is not None:
        area = fc.source.data.get("area")
        source = (fc.source.id, area if is_slug(area) else None)
    own: dict[str, str] = {}
    minted: set[str] = set()
    ids, secs, keys, quotes = [], [], [], []
    problem = False
    for e in fc.entries:
        if e.minted:
            problem |= e.id in minted
            minted.add(e.id)
            if not shared:
                continue
        else:
            own.setdefault(e.id, e.section)
        ids.append(e.id)
        secs.append(_same(e.section))
        keys.append(_first_wins(e.data))
        if shared:
            quotes.append(len(e.evidence))
    targets: dict[tuple, None] = {}
    edges: dict[tuple, list] = {}
    for e in fc.entries:
        for _key, value, allowed, acyclic, _pos in ref_values(e):
            if acyclic and value == e.id:
                problem = True
                continue
            section = own.get(value)
            if section is None:
                targets.setdefault((value, _same(tuple(allowed))), None)
            elif "any" not in allowed and section not in allowed:
                problem = True
        for key in _acyclic(e.section):
            if isinstance(e.data.get(key), str):
                edges.setdefault(_same((e.section, key)), []).append((e.id, e.data[key]))
    refs = tuple((r.id, _same(r.section), _first_wins(r.data), len(r.quotes)) for r in fc.references)
    return (doc, source, tuple(ids), tuple(secs), tuple(keys), tuple(quotes), refs, tuple(targets),
            tuple((k, tuple(v)) for k, v in edges.items()), problem)


@dataclass
class Linked:
    """The outcome of a successful `relink`."""

    #: id -> section of every named entry defined in a case file.
    sections: dict[str, str]
    #: id -> document of the same entries.
    docs: dict[str, str]
    #: display name -> ((ref index, label key), …): the first-wins labels that file's refs add.
    winners: dict[str, tuple]
    #: doc -> a digest of everything outside the document's own files that its graph depends on.
    signatures: dict[str, str]


def relink(summaries: Iterable[tuple[str, tuple]], vocabulary: Vocabulary) -> Linked | None:
    """Check the links between files from their summaries (display name, summary), in corpus order.

    None when `link` (or `load_corpus`) could report any problem, or when unsure.
    """
    summaries = list(summaries)
    mechanisms = vocabulary.concepts.get("mechanism", {})
    sources: set[str] = set()
    sections: dict[str, str] = {}
    docs: dict[str, str] = {}
    labels: dict[str, tuple] = {}
    unquoted: dict[str, int] = {}  # shared entries -> quotes so far
    for _display, (doc, source, ids, secs, keys, quotes, _refs, _targets, _edges, problem) in summaries:
        if problem:
            return None
        if source is not None:
            if source[0] in sources:
                return None
            sources.add(source[0])
        before = len(sections)
        sections.update(zip(ids, secs))
        if len(sections) != before + len(ids) or not mechanisms.keys().isdisjoint(ids):
            return None
        docs.update(dict.fromkeys(ids, doc))
        labels.update(zip(ids, keys))
        if quotes:
            unquoted.update(zip(ids, quotes))
    winners: dict[str, tuple] = {}
    taken: set[tuple[str, str]] = set()
    for display, summary in summaries:
        won = []
        for i, (rid, section, keys, quotes) in enumerate(summary[6]):
            have = sections.get(rid)
            if have is None:
                if section != "mechanisms" or rid not in mechanisms:
                    return None
                have = ()
            elif have != section:
                return None
            else:
                have = labels[rid]
            for key in keys:
                if key not in have and (rid, key) not in taken:
                    taken.add((rid, key))
                    won.append((i, key))
            if rid in unquoted:
                unquoted[rid] += quotes
        if won:
            winners[display] = tuple(won)
    if 0 in unquoted.values():
        return None
    for _display, (_doc, source, *_, targets, _edges, _problem) in summaries:
        for value, allowed in targets:
            section = sections.get(value)
            if section is None:
                if value in mechanisms and ("mechanisms" in allowed or "any" in allowed):
                    continue
                return None
            if section not in allowed and "any" not in allowed:
                return None
        if source is not None and source[1] is not None and sections.get(source[1]) != "areas":
            return None
    if _has_cycle(summaries, vocabulary):
        return None
    return Linked(sections, docs, winners, _signatures(summaries, sections, winners))


def _has_cycle(summaries: list, vocabulary: Vocabulary) -> bool:
    """Whether any acyclic property (mechanisms with the vocabulary's broader links) loops; `link` may report fewer."""
    graphs = {(name, key): dict(vocabulary.broader) if name == "mechanisms" else {} for name, key in acyclic_properties()}
    for _display, summary in summaries:
        for which, pairs in summary[8]:
            graphs[which].update(pairs)
    for edges in graphs.values():
        done: set[str] = set()
        for start in edges:
            if start in done:
                continue
            path: set[str] = set()
            node = start
            while node in edges and node not in done:
                if node in path:
                    return True
                path.add(node)
                node = edges[node]
            done |= path
    return False


def _signatures(summaries: list, sections: dict, winners: dict) -> dict[str, str]:
    """Per document: the sections of the ids its files name from elsewhere and the first-wins labels its refs add."""
    parts: dict[str, list] = {}
    get = sections.get
    for display, (doc, source, *_, refs, targets, _edges, _problem) in summaries:
        resolved = ([get(v) for v, _ in targets], [get(r[0]) for r in refs], source and get(source[1] or ""))
        parts.setdefault(doc, []).append((display, resolved, winners.get(display, ())))
    return {doc: hashlib.sha256(repr(p).encode("utf-8")).hexdigest() for doc, p in parts.items()}


def doc_corpus(checked: list[CheckedFile], linked: Linked, vocabulary: Vocabulary,
               offsets: dict | None = None) -> Corpus:
    """A corpus that writes the same named graph as the whole linked corpus for the document of `checked`.

    `checked` are all the (unlinked) files of one document; entries defined elsewhere appear only as
    stand-ins carrying their section, which is all the graph of this document needs of them.
    """
    entries: dict[str, Entry] = {}
    sources = {}
    for fc in checked:
        if fc.source is not None:
            sources[fc.source.id] = fc.source
        for e in fc.entries:
            entries[e.id] = e

    def known(eid: str) -> Entry | None:
        if eid not in entries and eid in linked.sections:
            entries[eid] = Entry(eid, linked.sections[eid], {}, linked.docs[eid], "", 0, 0)
        return entries.get(eid)

    for e in list(entries.values()):
        for _key, value, _allowed, _acyclic, _pos in ref_values(e):
            known(value)
    for src in sources.values():
        if is_slug(src.data.get("area")):
            known(src.data["area"])
    references = []
    for fc in checked:
        won = set(linked.winners.get(fc.file, ()))
        for i, r in enumerate(fc.references):
            target = known(r.id)
            if target is None:
                target = entries[r.id] = vocabulary_entry(r.id)
            apply_ref(target, r, [key for key in FIRST_WINS_LABELS if (i, key) in won])
            references.append(r)
    return Corpus(sources, entries, references, vocabulary, [fc.file for fc in checked], [], offsets if offsets is not None else {})
