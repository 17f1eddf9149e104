"""The linker's two ways agree: the incremental relink never accepts what the full link refuses, and what it
accepts gives the same document graphs as the full link."""

import re
import shutil

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lianjian.errors import CaseErrors
from lianjian.graph.build import corpus_nquads
from lianjian.loaders.checker import check_file
from lianjian.loaders.corpus import SHARED_DOC, case_files
from lianjian.loaders.linker import doc_corpus, load_corpus, relink, summarize
from lianjian.ontology import base_vocabulary
from lianjian.synth import write_synth

CASES = ["synth-00000.yaml", "synth-00001.yaml", "synth-00002.yaml"]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("linker") / "cases"
    write_synth(folder, 3, seed=9)
    return folder


def _ids(text: str) -> list[str]:
    return re.findall(r"^- id: (\S+)$", text, re.M)


def _drop(text: str, ident: str) -> str:
    """`text` without the entry `ident` (its `- id:` line and the indented lines after it)."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f"- id: {ident}\n")
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return "".join(lines[:start] + lines[end:])


def _edit(folder, kind: str, pick: int) -> None:
    """One edit of the kind a curator makes, some harmless, most breaking a link."""
    shared = folder / "shared.yaml"
    case = folder / CASES[pick % len(CASES)]
    other = folder / CASES[(pick + 1) % len(CASES)]
    if kind == "drop-shared":
        text = shared.read_text(encoding="utf-8")
        ids = [i for i in _ids(text) if i.startswith("synth-shared-org-")]
        shared.write_text(_drop(text, ids[pick % len(ids)]), encoding="utf-8")
    elif kind == "rename":
        text = case.read_text(encoding="utf-8")
        ids = _ids(text)
        ident = ids[pick % len(ids)]
        case.write_text(text.replace(f"- id: {ident}\n", f"- id: {ident}-renamed\n", 1), encoding="utf-8")
    elif kind == "duplicate":
        text, theirs = case.read_text(encoding="utf-8"), _ids(other.read_text(encoding="utf-8"))
        mine = _ids(text)
        case.write_text(text.replace(f"- id: {mine[pick % len(mine)]}\n", f"- id: {theirs[pick % len(theirs)]}\n", 1),
                        encoding="utf-8")
    elif kind == "cycle":
        text = shared.read_text(encoding="utf-8")
        shared.write_text(text.replace("  kind: Province\n", "  kind: Province\n  within: synth-00000-district\n", 1),
                          encoding="utf-8")
    elif kind == "drop-case":
        case.unlink()


def _full(folder):
    try:
        return load_corpus([folder], bundled=False)
    except CaseErrors:
        return None


@pytest.mark.parametrize("kind", ["none", "drop-shared", "rename", "duplicate", "cycle", "drop-case"])
@settings(max_examples=5, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pick=st.integers(min_value=0, max_value=500))
def test_relink_agrees_with_the_full_link(pristine, tmp_path_factory, kind, pick):
    folder = tmp_path_factory.mktemp("edit") / "cases"
    shutil.copytree(pristine, folder)
    _edit(folder, kind, pick)
    vocabulary = base_vocabulary()
    files = case_files([folder], bundled=False)
    checked = {d: check_file(str(p), d, vocabulary) for p, d in files}
    summaries = {d: summarize(checked[d]) for d in checked}
    linked = relink([(d, summaries[d]) for _, d in files], vocabulary)
    corpus = _full(folder)
    event(f"{kind}: full link {'refuses' if corpus is None else 'accepts'}, relink {'refuses' if linked is None else 'accepts'}")
    if corpus is None:
        assert linked is None, f"{kind}: the full link reports a problem, the relink accepted the corpus"
        return
    if kind == "none":
        assert linked is not None, "an unedited corpus must relink"
    if linked is None:
        return  # unsure: the caller links the whole corpus
    for doc in [*corpus.sources, SHARED_DOC]:
        own = [check_file(str(p), d, corpus.vocabulary) for p, d in files if summaries[d][0] == doc]
        part = doc_corpus(own, linked, corpus.vocabulary, corpus.offsets)
        assert sorted(set(corpus_nquads(part, {doc}))) == sorted(set(corpus_nquads(corpus, {doc}))), (kind, doc)
