"""The build cache: per-file check results and an on-disk Oxigraph store, keyed by content hashes.

A warm build (nothing changed) opens the stored graph; a build after some case
files changed re-checks only those files, re-links the corpus from the link
summaries kept beside the graph (graph/links.pickle), and replaces only the named
graphs of the documents whose content or links changed. Anything global (ontology, vocabulary
extensions, recorded offsets, the set of files, the shared file) changing means
a full rebuild. A build that dies half-way leaves no manifest, so the next build
starts over.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pickle
import shutil
import tempfile
from pathlib import Path

from lianjian import __version__

__all__ = ["BuildCache", "default_cache_dir"]


def default_cache_dir() -> Path:
    """~/.cache/lianjian (or $XDG_CACHE_HOME/lianjian)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lianjian"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BuildCache:
    """A folder holding cached file checks (files/) and the last built graph (graph/)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        (self.root / "files").mkdir(parents=True, exist_ok=True)
        self._hashes: dict[str, str] = {}

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
        return self.root / "files" / f"{key}.pickle"

    def get_check(self, path: str, display: str, vocab):
        """The cached `CheckedFile` for this exact file content, or None."""
        target = self._check_path(path, display, vocab)
        from lianjian.loaders.cases import CheckedFile

        try:
            with open(target, "rb") as fh:
                result = CheckedFile.from_tuple(pickle.load(fh))
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        if result.source is not None:
            result.source.path = path
        return result

    def put_check(self, path: str, display: str, vocab, checked) -> None:
        target = self._check_path(path, display, vocab)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(checked.to_tuple(), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)

    # ------------------------------------------------------------------ graph

    @property
    def store_path(self) -> Path:
        return self.root / "graph" / "store"

    @property
    def manifest_path(self) -> Path:
        return self.root / "graph" / "manifest.json"

    def manifest(self) -> dict | None:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write_manifest(self, manifest: dict) -> None:
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.manifest_path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, self.manifest_path)

    @property
    def links_path(self) -> Path:
        return self.root / "graph" / "links.pickle"

    def links(self, key: str) -> dict | None:
        """The link index written with the manifest whose key is `key` (see `write_links`), or None."""
        from lianjian.loaders.links import SUMMARY_VERSION

        try:
            with open(self.links_path, "rb") as fh:
                index = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        if not isinstance(index, dict) or index.get("key") != key or index.get("version") != (__version__, SUMMARY_VERSION):
            return None
        return index

    def write_links(self, key: str, vocabulary, files: dict, signatures: dict) -> None:
        """Keep, for the graph of manifest `key`: the vocabulary, each file's (hash, link summary) and each document's signature."""
        from lianjian.loaders.links import SUMMARY_VERSION

        self.links_path.parent.mkdir(parents=True, exist_ok=True)
        index = {"key": key, "version": (__version__, SUMMARY_VERSION), "vocabulary": vocabulary, "files": files, "signatures": signatures}
        fd, tmp = tempfile.mkstemp(dir=self.links_path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.links_path)

    def forget_graph(self) -> None:
        """Drop the manifest first (so a crash cannot leave a half-updated graph looking valid), then the store."""
        with contextlib.suppress(FileNotFoundError):
            self.manifest_path.unlink()
        with contextlib.suppress(FileNotFoundError):
            self.links_path.unlink()
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
