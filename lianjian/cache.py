"""The build cache: per-file check results and an on-disk Oxigraph store, keyed by content hashes.

A warm build (nothing changed) opens the stored graph; a build after some case
files changed re-checks only those files, re-links the corpus from the link
summaries kept beside the graph (graph/links.json), and replaces only the named
graphs of the documents whose content or links changed. Anything global (ontology, vocabulary
extensions, recorded offsets, the set of files, the shared file) changing means
a full rebuild. A build that dies half-way leaves no manifest, so the next build
starts over.

Nothing in the cache folder can run code: every file is JSON (tagged, so tuples, sets and
IRIs come back as they went in; only the types below are rebuilt), behind a header that names
the format version, the code version, what the file is for and the SHA-256 of its body. A file
that is truncated, edited, swapped for another or written by another version fails that check
and is ignored (rebuilt), never trusted. The store is tied to its manifest by its quad count and
named graphs, checked on every open; a store that does not match is cleared and rebuilt.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import datetime as _dt
import math
import os
import shutil
import stat
from pathlib import Path

import pyoxigraph as ox

from lianjian import __version__
from lianjian.errors import UsageError
from lianjian.graph.build import corpus_nquads
from lianjian.graph.knowledge import KnowledgeGraph, extension_nquads, ontology_nquads
from lianjian.io import atomic_write
from lianjian.loaders.linker import doc_corpus, load_corpus, relink, summarize
from lianjian.namespace import graph_iri
from lianjian.ontology import ONTOLOGY_DIR, ontology_files

__all__ = ["BuildCache", "default_cache_dir", "dump_entry", "load_entry", "FORMAT"]

#: Bump when the layout of cached files changes; files of another format are ignored.
FORMAT = 5
_MAGIC = "lianjian-cache"


#: The end of the one check message that depends on the day it is made (`loaders.checker.date_problem`).
TIME_DEPENDENT = "is in the future"


def default_cache_dir() -> Path:
    """~/.cache/lianjian (or $XDG_CACHE_HOME/lianjian)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lianjian"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------- a data-only codec


def _encode(value):
    """`value` as JSON data in which every object is a one-key tag; refuses types it cannot rebuild."""
    kind = type(value)  # the common exact types first (a link index has about a million values)
    if kind is str or kind is int or value is None:
        return value
    if kind is list:
        return [_encode(v) for v in value]
    if kind is tuple:
        return {"T": [_encode(v) for v in value]}
    if kind is dict:
        return {"D": [[_encode(k), _encode(v)] for k, v in value.items()]}
    return _encode_other(value)


def _encode_other(value):
    from rdflib import URIRef

    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"F": repr(value)}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {"T": [_encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"S": [_encode(v) for v in sorted(value, key=repr)]}
    if isinstance(value, dict):
        return {"D": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, URIRef):
        return {"U": str(value)}
    if isinstance(value, _dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, _dt.date):
        return {"d": value.isoformat()}
    from lianjian.ontology import Vocabulary

    if type(value) is Vocabulary:
        return {"V": [_encode(value.kinds), _encode(value.concepts), _encode(value.broader)]}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode_object(obj: dict):
    if len(obj) != 1:
        raise ValueError("not a cache tag")
    (tag, value), = obj.items()
    if tag == "T":
        return tuple(value)
    if tag == "S":
        return frozenset(value)
    if tag == "D":
        return {k: v for k, v in value}
    if tag == "U":
        from rdflib import URIRef

        return URIRef(value)
    if tag == "F":
        return float(value)
    if tag == "t":
        return _dt.datetime.fromisoformat(value)
    if tag == "d":
        return _dt.date.fromisoformat(value)
    if tag == "V":
        from lianjian.ontology import Vocabulary

        return Vocabulary(*value)
    raise ValueError(f"unknown cache tag {tag!r}")


def dump_entry(purpose: str, value) -> bytes:
    """`value` as a cache file for `purpose`: a header line (format, code version, purpose, body digest), then JSON."""
    body = json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header = {"magic": _MAGIC, "format": FORMAT, "version": __version__, "for": purpose, "sha256": _sha(body), "size": len(body)}
    return json.dumps(header, sort_keys=True).encode("ascii") + b"\n" + body


def load_entry(data: bytes, purpose: str):
    """The value of a cache file written by `dump_entry` for this `purpose`; ValueError if anything does not match."""
    head, sep, body = data.partition(b"\n")
    if not sep:
        raise ValueError("no header")
    header = json.loads(head.decode("ascii"))
    expected = {"magic": _MAGIC, "format": FORMAT, "version": __version__, "for": purpose, "sha256": _sha(body), "size": len(body)}
    if header != expected:
        raise ValueError("header does not match")
    return json.loads(body.decode("utf-8"), object_hook=_decode_object)


def _read_entry(path: Path, purpose: str, limit: int = 1 << 30):
    """The checked value of one cache file, or None (missing, not a regular file, too big, tampered, other version)."""
    try:
        with open(path, "rb", opener=lambda p, f: os.open(p, f | os.O_NOFOLLOW | os.O_NONBLOCK)) as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode) or os.fstat(fh.fileno()).st_size > limit:
                return None
            return load_entry(fh.read(), purpose)
    except (OSError, ValueError, TypeError, UnicodeDecodeError, RecursionError):
        return None


def _write_entry(path: Path, purpose: str, value) -> bool:
    """Write one cache file atomically; False (nothing written) if the value holds a type the cache cannot keep."""
    try:
        data = dump_entry(purpose, value)
    except (TypeError, ValueError, RecursionError):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data, option="--cache")
    return True


#: What a cache folder holds; a folder holding anything else is not adopted (the cache deletes what it replaces).
CACHE_ENTRIES = frozenset({"files", "graph", ".lock"})


class BuildCache:
    """A folder holding cached file checks (files/) and the last built graph (graph/)."""

    def __init__(self, root: str | Path, option: str = "--cache"):
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise UsageError(f"{option} {root}: exists and is not a folder")
        if self.root.is_dir():
            # The cache removes and replaces what it keeps: never adopt a folder holding anything else.
            names = os.listdir(self.root)
            strangers = sorted(set(names) - CACHE_ENTRIES)
            links = sorted(n for n in names if n in CACHE_ENTRIES and os.path.islink(self.root / n))
            if links:  # removing graph/store through a link would delete what the link points to
                raise UsageError(f"{option} {root}: not a lianjian cache folder ({links[0]!r} is a symbolic link); "
                                 "give a new or empty folder")
            if strangers:
                raise UsageError(f"{option} {root}: not a lianjian cache folder (it holds {strangers[0]!r}); "
                                 "give a new or empty folder")
        try:
            (self.root / "files").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"{option} {root}: cannot use this folder: {exc.strerror or exc}") from None
        self._hashes: dict[str, str] = {}
        self._clean_stale()

    def _clean_stale(self) -> None:
        """Remove temporary files of our own naming left by a build that was killed (older than an hour)."""
        import time

        limit = time.time() - 3600
        for folder in (self.root / "files", self.root / "graph"):
            for tmp in folder.glob(".lianjian-*.tmp"):
                with contextlib.suppress(OSError):
                    if tmp.lstat().st_mtime < limit:
                        tmp.unlink()

    # ------------------------------------------------------------------ files

    def file_hash(self, path: str | Path) -> str:
        key = str(path)
        if key not in self._hashes:
            self._hashes[key] = _sha(Path(path).read_bytes())
        return self._hashes[key]

    @staticmethod
    def vocabulary_fingerprint(vocab) -> str:
        parts = [sorted((s, sorted(k)) for s, k in vocab.kinds.items()), sorted((s, sorted(c)) for s, c in vocab.concepts.items()),
                 sorted(vocab.broader.items())]
        return _sha(repr(parts).encode("utf-8"))

    def _check_path(self, path: str, display: str, vocab) -> Path:
        key = _sha("\x1f".join([__version__, display, self.file_hash(path), self.vocabulary_fingerprint(vocab)]).encode())
        return self.root / "files" / f"{key}.json"

    def get_check(self, path: str, display: str, vocab):
        """The cached `CheckedFile` for this exact file content, or None."""
        target = self._check_path(path, display, vocab)
        from lianjian.loaders.corpus import CheckedFile

        value = _read_entry(target, "check:" + target.stem)
        if value is None:
            return None
        try:
            result = CheckedFile.from_tuple(value)
        except (AttributeError, TypeError, ValueError):
            return None
        if result.source is not None:
            result.source.path = path
        return result

    def put_check(self, path: str, display: str, vocab, checked) -> None:
        if any(p.message.endswith(TIME_DEPENDENT) for p in checked.problems):
            return  # "in the future" stops being true: such a check must be made again next time
        target = self._check_path(path, display, vocab)
        try:
            if _sha(Path(path).read_bytes()) != self.file_hash(path):
                return  # the file changed while it was checked: the check belongs to neither content
        except OSError:
            return
        _write_entry(target, "check:" + target.stem, checked.to_tuple())

    # ------------------------------------------------------------------ graph

    @property
    def store_path(self) -> Path:
        return self.root / "graph" / "store"

    @property
    def manifest_path(self) -> Path:
        return self.root / "graph" / "manifest.json"

    def manifest(self) -> dict | None:
        """The checked manifest of the stored graph, or None."""
        value = _read_entry(self.manifest_path, "manifest")
        return value if isinstance(value, dict) else None

    def write_manifest(self, manifest: dict) -> None:
        _write_entry(self.manifest_path, "manifest", manifest)

    @property
    def links_path(self) -> Path:
        return self.root / "graph" / "links.json"

    def links(self, key: str) -> dict | None:
        """The link index written with the manifest whose key is `key` (see `write_links`), or None."""
        from lianjian.loaders.linker import SUMMARY_VERSION

        index = _read_entry(self.links_path, "links")
        if not isinstance(index, dict) or index.get("key") != key or index.get("version") != (__version__, SUMMARY_VERSION):
            return None
        return index

    def write_links(self, key: str, vocabulary, files: dict, signatures: dict) -> None:
        """Keep, for the graph of manifest `key`: the vocabulary, each file's (hash, link summary) and each document's signature."""
        from lianjian.loaders.linker import SUMMARY_VERSION

        self.links_path.parent.mkdir(parents=True, exist_ok=True)
        index = {"key": key, "version": (__version__, SUMMARY_VERSION), "vocabulary": vocabulary, "files": files, "signatures": signatures}
        if not _write_entry(self.links_path, "links", index):
            self.links_path.unlink(missing_ok=True)

    def forget_graph(self) -> None:
        """Drop the manifest first (so a crash cannot leave a half-updated graph looking valid), then the store."""
        with contextlib.suppress(FileNotFoundError):
            self.manifest_path.unlink()
        with contextlib.suppress(FileNotFoundError):
            self.links_path.unlink()
        if self.store_path.is_symlink():  # only the link goes, never what it points to
            self.store_path.unlink()
        else:
            shutil.rmtree(self.store_path, ignore_errors=True)

    @contextlib.contextmanager
    def lock(self):
        """An exclusive lock on the cache folder for the duration of a build."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


# ---------------------------------------------------------------------- the cached build

def cached_graph(dirs: list, bundled: bool = True, offsets: bool = True, cache_dir=None, progress=None) -> KnowledgeGraph:
    """The graph of the case files through the build cache in `cache_dir`: unchanged files are not checked again,
    an unchanged corpus opens the stored graph, and only changed documents' named graphs are rebuilt."""
    from lianjian.loaders.corpus import BUNDLED_CASES, case_files, vocabulary_files
    from lianjian.loaders.evidence import OFFSETS_FILE, load_offsets

    cache = BuildCache(cache_dir)
    store = _open_cached_store(cache)
    if store is None:
        # Another process holds the cached store (or it cannot be opened): build in memory (same result, slower).
        return KnowledgeGraph.from_cases(dirs, bundled=bundled, engine="oxigraph", offsets=offsets)
    files = case_files(dirs, bundled)
    hashes = {d: cache.file_hash(p) for p, d in files}
    folders = ([BUNDLED_CASES] if bundled else []) + [Path(d) for d in dirs]
    context = {
        "version": __version__,
        "ontology": {p.name: cache.file_hash(p) for p in [*ontology_files(), ONTOLOGY_DIR / "model.yaml"]},
        "vocabularies": {d: cache.file_hash(p) for p, d in vocabulary_files(dirs)},
        "offsets": {str(f / OFFSETS_FILE): cache.file_hash(f / OFFSETS_FILE) for f in folders if offsets and (f / OFFSETS_FILE).is_file()},
        "files": sorted(hashes),
    }
    key = hashlib.sha256(json.dumps([context, hashes], sort_keys=True).encode("utf-8")).hexdigest()
    with cache.lock():
        manifest = cache.manifest()
        if manifest and manifest.get("store") != _store_fingerprint(store):
            manifest = None  # an empty, swapped or damaged store: never answer from it
        if manifest and manifest.get("key") == key:
            return KnowledgeGraph.over_store(store, manifest["sources"], manifest["files"])
        if manifest and manifest.get("context") == context:
            kg = _rebuild_changed(cache, store, manifest, dirs, bundled, offsets, files, hashes, key, progress)
            if kg is not None:
                return kg
        summaries: dict = {}
        corpus = load_corpus(dirs, bundled=bundled, cache=cache, progress=progress, summaries=summaries)
        if offsets:
            corpus.offsets = load_offsets(dirs, bundled)
        cache.manifest_path.unlink(missing_ok=True)
        store.clear()
        data = ontology_nquads() + extension_nquads(corpus.extension_triples) + "".join(corpus_nquads(corpus))
        store.bulk_load(data.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        store.flush()
        order = [(d, summaries[d]) for _, d in files]
        linked = relink(order, corpus.vocabulary)
        if linked is not None:
            cache.write_links(key, corpus.vocabulary, {d: (hashes[d], s) for d, s in order}, linked.signatures)
        if _unchanged(files, hashes):
            cache.write_manifest({"key": key, "context": context, "docs": _doc_hashes(order, hashes), "sources": sorted(corpus.sources),
                                  "files": corpus.files, "store": _store_fingerprint(store)})
        kg = KnowledgeGraph.over_store(store, sorted(corpus.sources), corpus.files)
        kg.corpus = corpus
        return kg

def _rebuild_changed(cache, store: ox.Store, manifest: dict, dirs: list, bundled: bool, offsets: bool,
                     files: list, hashes: dict, key: str, progress=None) -> "KnowledgeGraph | None":
    """Rebuild after some case files changed (same files, ontology and vocabularies), or None if the caller must
    load the whole corpus: no link index, a changed file with problems, or any doubt about the links.

    Only the changed files are checked; the links are checked again from the files' link summaries, and only
    the named graphs of documents whose files or links changed are written again.
    """
    from lianjian.loaders.checker import check_files
    from lianjian.loaders.evidence import load_offsets

    index = cache.links(manifest["key"])
    if index is None:
        return None
    vocabulary, old = index["vocabulary"], index["files"]
    changed = [(p, d) for p, d in files if d not in old or old[d][0] != hashes[d]]
    same = len(files) - len(changed)
    fresh = {fc.file: fc for fc in check_files(changed, vocabulary, cache=cache,
                                               progress=progress and (lambda done, total: progress(same + done, same + total)))}
    if any(fc.problems for fc in fresh.values()):
        return None
    order = [(d, summarize(fresh[d]) if d in fresh else old[d][1]) for _, d in files]
    linked = relink(order, vocabulary)
    if linked is None:
        return None
    docs = _doc_hashes(order, hashes)
    stale = sorted(d for d in docs if manifest["docs"].get(d) != docs[d] or index["signatures"].get(d) != linked.signatures[d])
    recorded = load_offsets(dirs, bundled) if offsets else {}
    paths = {d: str(p) for p, d in files}
    cache.manifest_path.unlink()
    for doc in sorted(set(manifest["docs"]) - set(docs)):
        store.clear_graph(ox.NamedNode(str(graph_iri(doc))))
    for doc in stale:
        own = [d for d, summary in order if summary[0] == doc]
        fresh.update((fc.file, fc) for fc in check_files([(paths[d], d) for d in own if d not in fresh], vocabulary, cache=cache))
        corpus = doc_corpus([fresh[d] for d in own], linked, vocabulary, recorded)
        store.clear_graph(ox.NamedNode(str(graph_iri(doc))))
        data = "".join(corpus_nquads(corpus, {doc}))
        if data:
            store.load(data.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    store.flush()
    cache.write_links(key, vocabulary, {d: (hashes[d], s) for d, s in order}, linked.signatures)
    sources = sorted(s[1][0] for _, s in order if s[1] is not None)
    names = [d for _, d in files]
    if _unchanged(files, hashes):
        cache.write_manifest({"key": key, "context": manifest["context"], "docs": docs, "sources": sources, "files": names,
                              "store": _store_fingerprint(store)})
    return KnowledgeGraph.over_store(store, sources, names)


_DISK_STORES: dict[str, ox.Store] = {}


def _doc_hashes(order: list[tuple[str, tuple]], hashes: dict[str, str]) -> dict[str, str]:
    """Per document: a digest of the hashes of its files (case files in name order), from the files' link summaries."""
    import hashlib

    docs: dict[str, str] = {}
    for display, summary in sorted(order):
        doc = summary[0]
        docs[doc] = hashlib.sha256((docs.get(doc, "") + hashes[display]).encode()).hexdigest()
    return docs


def _open_cached_store(cache) -> "ox.Store | None":
    """The cache's on-disk store; a damaged one (truncated files) is removed and made anew; None if it is
    locked by another process or still cannot be opened."""
    for attempt in (1, 2):
        try:
            return _open_disk_store(cache.store_path)
        except OSError as exc:
            if "lock" in str(exc).lower() or attempt == 2:
                return None
        except Exception:  # RocksDB reports corruption as RuntimeError
            if attempt == 2:
                return None
        cache.forget_graph()
    return None


def _store_fingerprint(store: ox.Store) -> dict:
    """What ties a store to its manifest: its quad count and its named graphs (checked on every open)."""
    return {"quads": len(store), "graphs": sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))}


def _unchanged(files: list, hashes: dict) -> bool:
    """Whether every case file still has the content it had when the build began (else the build is not cached)."""
    import hashlib

    try:
        return all(hashlib.sha256(Path(p).read_bytes()).hexdigest() == hashes[d] for p, d in files)
    except OSError:
        return False


def _open_disk_store(path: Path) -> ox.Store:
    """The on-disk store at `path`, opened once per process (RocksDB allows one writer)."""
    key = str(Path(path).resolve())
    if key not in _DISK_STORES:
        Path(path).mkdir(parents=True, exist_ok=True)
        _DISK_STORES[key] = ox.Store(key)
    return _DISK_STORES[key]
