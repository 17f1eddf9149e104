"""The build cache under tampering and faults: nothing in it runs, nothing damaged is trusted."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lianjian import cache as cache_module
from lianjian.cache import BuildCache, cached_graph, dump_entry, load_entry
from lianjian.cli import cli
from lianjian.errors import Problem
from lianjian.graph import KnowledgeGraph
from lianjian.loaders.checker import check_file
from lianjian.ontology import base_vocabulary
from lianjian.synth import write_synth


LIANJIAN = str(Path(sys.executable).parent / "lianjian")


def _nquads(kg) -> list[str]:
    return sorted(kg.serialize("nq").decode("utf-8").splitlines())


class _Marker:
    """Unpickling this touches a file: proof that a cache file was unpickled."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    cases = tmp_path_factory.mktemp("cases")
    write_synth(cases, 3, seed=11)
    return cases, _nquads(KnowledgeGraph.from_cases([cases], bundled=False))


def _damage(kind: str, files: list[Path], marker: Path) -> None:
    for i, path in enumerate(files):
        data = path.read_bytes()
        if kind == "pickle":
            path.write_bytes(pickle.dumps(_Marker(marker)))
        elif kind == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif kind == "flipped":
            at = len(data) - 5
            path.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:])
        elif kind == "version":
            head, _, body = data.partition(b"\n")
            header = json.loads(head)
            header["format"] = header["format"] + 1
            path.write_bytes(json.dumps(header, sort_keys=True).encode() + b"\n" + body)
        elif kind == "swapped":
            path.write_bytes(files[(i + 1) % len(files)].read_bytes() if len(files) > 1 else b"")
        elif kind == "empty":
            path.write_bytes(b"")


@pytest.mark.parametrize("kind", ["pickle", "truncated", "flipped", "version", "swapped", "empty"])
def test_damaged_cache_files_are_ignored_and_rebuilt(corpus, tmp_path, kind):
    cases, expected = corpus
    cache = tmp_path / "cache"
    cached_graph([cases], bundled=False, cache_dir=cache)
    files = sorted((cache / "files").glob("*.json")) + [cache / "graph" / "links.json", cache / "graph" / "manifest.json"]
    originals = {f: f.read_bytes() for f in files}
    marker = tmp_path / "unpickled"
    _damage(kind, files, marker)
    # Touch a case file so the incremental path (links index) is taken too.
    path = cases / "synth-00001.yaml"
    assert _nquads(cached_graph([cases], bundled=False, cache_dir=cache)) == expected
    assert not marker.exists()
    for f in files:
        # each file was rewritten whole and checks again
        assert f.read_bytes() == originals[f] or f.name.endswith(".json") and load_entry(f.read_bytes(), json.loads(f.read_bytes().partition(b"\n")[0])["for"]) is not None
    assert path.is_file()


def test_no_cache_file_is_a_pickle(corpus, tmp_path):
    cases, _ = corpus
    cache = tmp_path / "cache"
    cached_graph([cases], bundled=False, cache_dir=cache)
    written = [p for p in cache.rglob("*") if p.is_file() and "store" not in p.parts and p.name != ".lock"]
    assert written and not list(cache.rglob("*.pickle"))
    for p in written:
        head = json.loads(p.read_bytes().partition(b"\n")[0])
        assert head["magic"] == "lianjian-cache"


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.floats(allow_nan=False),
                    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                    | st.dictionaries(st.text(max_size=4) | st.tuples(st.text(max_size=3), st.integers()), inner, max_size=4),
                    max_leaves=20))
@settings(max_examples=150, deadline=None)
def test_codec_round_trips_and_any_byte_change_is_refused(value):
    data = dump_entry("x", value)
    assert load_entry(data, "x") == value
    with pytest.raises(ValueError):
        load_entry(data, "y")
    head, _, body = data.partition(b"\n")
    if body:
        with pytest.raises(ValueError):
            load_entry(head + b"\n" + body[:-1], "x")


def test_an_emptied_store_is_rebuilt_not_answered_from(corpus, tmp_path):
    cases, expected = corpus
    cache = tmp_path / "cache"
    cached_graph([cases], bundled=False, cache_dir=cache)
    cache_module._DISK_STORES[str((cache / "graph" / "store").resolve())].clear()
    assert _nquads(cached_graph([cases], bundled=False, cache_dir=cache)) == expected


def _build(cases: Path, cache: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([LIANJIAN, "build", "--no-bundled", "--cases", str(cases),
                           "--cache", str(cache), "-o", str(out)], capture_output=True, text=True, timeout=120)


def test_a_swapped_or_truncated_store_is_rebuilt(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_synth(a, 2, seed=1)
    write_synth(b, 3, seed=2)
    for cases in (a, b):
        assert _build(cases, tmp_path / f"cache-{cases.name}", tmp_path / f"{cases.name}.nq").returncode == 0
    expected = (tmp_path / "a.nq").read_bytes()
    store_a, store_b = tmp_path / "cache-a" / "graph" / "store", tmp_path / "cache-b" / "graph" / "store"
    os.rename(store_a, tmp_path / "old-store")
    os.rename(store_b, store_a)
    run = _build(a, tmp_path / "cache-a", tmp_path / "again.nq")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "again.nq").read_bytes() == expected
    for f in store_a.iterdir():
        if f.suffix == ".sst" or f.name.startswith("MANIFEST"):
            os.truncate(f, min(100, f.stat().st_size))
    run = _build(a, tmp_path / "cache-a", tmp_path / "third.nq")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert (tmp_path / "third.nq").read_bytes() == expected


def test_a_time_dependent_check_is_not_kept(corpus, tmp_path):
    cases, _ = corpus
    path = cases / "synth-00000.yaml"
    cache = BuildCache(tmp_path / "cache")
    vocab = base_vocabulary()
    checked = check_file(str(path), path.name, vocab)
    cache.put_check(str(path), path.name, vocab, checked)
    assert cache.get_check(str(path), path.name, vocab) is not None
    checked.problems.append(Problem(path.name, 3, 10, "2999-01 is in the future"))
    other = BuildCache(tmp_path / "cache2")
    other.put_check(str(path), path.name, vocab, checked)
    assert other.get_check(str(path), path.name, vocab) is None


def test_a_file_edited_during_the_build_leaves_no_manifest(corpus, tmp_path, monkeypatch):
    cases, _ = corpus
    own = tmp_path / "cases"
    write_synth(own, 2, seed=12)
    target = own / "synth-00001.yaml"
    real = cache_module.relink

    def edit_then_relink(*args, **kwargs):
        target.write_text(target.read_text(encoding="utf-8") + "\n# edited during the build\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(cache_module, "relink", edit_then_relink)
    cache = tmp_path / "cache"
    cached_graph([own], bundled=False, cache_dir=cache)
    assert not (cache / "graph" / "manifest.json").exists()


def test_a_cache_path_that_is_a_file_is_one_line(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(cli, ["build", "--cache", str(blocker), "-o", str(tmp_path / "g.nt")])
    assert result.exit_code == 2 and "not a folder" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 3
    assert blocker.read_text() == "not a folder"


def test_a_truncated_ladybug_database_is_rebuilt(tmp_path):
    db = tmp_path / "db"
    count = [LIANJIAN, "cypher", "--db-dir", str(db), "MATCH (n) RETURN count(n) AS n"]
    first = subprocess.run(count, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    (folder,) = [p for p in db.iterdir() if p.is_dir()]
    lbug = next(p for p in folder.iterdir() if p.suffix == ".lbug")
    os.truncate(lbug, lbug.stat().st_size // 3)
    second = subprocess.run(count, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and second.stdout == first.stdout, second.stderr


def test_a_cache_folder_whose_graph_is_a_link_is_refused_and_its_target_kept(tmp_path):
    # Dropping the cached graph removes graph/store: through a link it would delete the user's own folder.
    from click.testing import CliRunner

    from lianjian.cli import cli

    outside = tmp_path / "mine"
    (outside / "store").mkdir(parents=True)
    (outside / "store" / "notes.txt").write_text("keep me", encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "graph").symlink_to(outside, target_is_directory=True)
    result = CliRunner().invoke(cli, ["build", "--cache", str(cache)])
    assert result.exit_code == 2, result.output
    assert "'graph' is a symbolic link" in result.output and "Traceback" not in result.output
    assert (outside / "store" / "notes.txt").read_text(encoding="utf-8") == "keep me"
