"""The build cache: a warm build reopens the stored graph; a changed file rebuilds only its document."""

import shutil

from click.testing import CliRunner

from lianjian.cli import cli
from lianjian.cache import cached_graph
from lianjian.graph import KnowledgeGraph
from lianjian.synth import write_synth


def _nquads(kg) -> list[str]:
    return sorted(kg.serialize("nq").decode("utf-8").splitlines())


def test_incremental_build_equals_full_build(tmp_path):
    cases = tmp_path / "cases"
    write_synth(cases, 4, seed=3)
    cache = tmp_path / "cache"
    cold = cached_graph([cases], bundled=False, cache_dir=cache)
    manifest = (cache / "graph" / "manifest.json").read_text()
    warm = cached_graph([cases], bundled=False, cache_dir=cache)
    assert len(warm) == len(cold) and (cache / "graph" / "manifest.json").read_text() == manifest
    # Change one document: a quote, a label and a relationship's year.
    path = cases / "synth-00002.yaml"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("积极推进党建联建工作", "积极推进党建联建工作（修订）", 3).replace("start: 2005", "start: 2006", 1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    incremental = cached_graph([cases], bundled=False, cache_dir=cache)
    full = KnowledgeGraph.from_cases([cases], bundled=False)
    assert _nquads(incremental) == _nquads(full)
    assert incremental.select("SELECT (COUNT(*) AS ?n) WHERE { ?e lj:quote ?q FILTER(CONTAINS(?q, '修订')) }")[0]["n"] >= 1


def test_adding_a_file_rebuilds_everything(tmp_path):
    cases = tmp_path / "cases"
    write_synth(cases, 3, seed=4)
    cache = tmp_path / "cache"
    cached_graph([cases], bundled=False, cache_dir=cache)
    extra = tmp_path / "more"
    write_synth(extra, 4, seed=4)
    shutil.copy(extra / "synth-00003.yaml", cases / "synth-00003.yaml")
    assert _nquads(cached_graph([cases], bundled=False, cache_dir=cache)) == _nquads(KnowledgeGraph.from_cases([cases], bundled=False))


def test_bad_change_is_reported_and_cache_still_works(tmp_path):
    cases = tmp_path / "cases"
    write_synth(cases, 2, seed=5)
    cache = tmp_path / "cache"
    runner = CliRunner()
    out = tmp_path / "g.nt"
    assert runner.invoke(cli, ["build", "--no-bundled", "--cases", str(cases), "--cache", str(cache), "-o", str(out)]).exit_code == 0
    path = cases / "synth-00001.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("kind: PartyCommittee", "kind: Nowhere", 1), encoding="utf-8")
    before = out.read_bytes()
    bad = runner.invoke(cli, ["build", "--no-bundled", "--cases", str(cases), "--cache", str(cache), "-o", str(out)])
    assert bad.exit_code == 1 and "unknown organization kind 'Nowhere'" in bad.output
    assert out.read_bytes() == before
    path.write_text(good, encoding="utf-8")
    assert runner.invoke(cli, ["build", "--no-bundled", "--cases", str(cases), "--cache", str(cache), "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == before


def _no_full_load(monkeypatch):
    """Make a build fail if it loads the whole corpus (the incremental path must not need to)."""
    from lianjian.graph import knowledge

    def refuse(*args, **kwargs):
        raise AssertionError("the rebuild loaded the whole corpus")

    monkeypatch.setattr(knowledge, "load_corpus", refuse)


def test_rebuild_at_80_cases_equals_full_build(tmp_path, monkeypatch):
    # 80 files: the first build checks them in worker processes; the rebuild checks one and relinks from the summaries.
    cases = tmp_path / "cases"
    write_synth(cases, 80, seed=6)
    cache = tmp_path / "cache"
    cached_graph([cases], bundled=False, cache_dir=cache)
    assert (cache / "graph" / "links.json").is_file()
    path = cases / "synth-00040.yaml"
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("  title:"))
    changed = text.replace(title, title + " (修订 1)", 1).replace("积极推进党建联建工作", "积极推进党建联建工作（修订）", 2)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    with monkeypatch.context() as m:
        _no_full_load(m)
        incremental = cached_graph([cases], bundled=False, cache_dir=cache)
    assert _nquads(incremental) == _nquads(KnowledgeGraph.from_cases([cases], bundled=False))
    assert "synth-00040" in incremental.sources and len(incremental.files) == 81


def _add_ref_label(text: str, ref: str, key: str, value: str) -> str:
    head = f"- ref: {ref}\n"
    assert head in text
    return text.replace(head, f"{head}  {key}: {value}\n", 1)


def test_rebuild_rewrites_documents_whose_links_changed(tmp_path, monkeypatch):
    # A ref's English label is kept only if the definition and every earlier ref lack one, so a change in one
    # file can change another document's graph although that document's file did not change.
    import yaml

    cases = tmp_path / "cases"
    write_synth(cases, 4, seed=7)
    shared = cases / "shared.yaml"
    org = yaml.safe_load(shared.read_text(encoding="utf-8"))["organizations"][0]
    one, two = cases / "synth-00001.yaml", cases / "synth-00002.yaml"
    shared.write_text(shared.read_text(encoding="utf-8").replace(f"  en: {org['en']}\n", "", 1), encoding="utf-8")
    one.write_text(_add_ref_label(one.read_text(encoding="utf-8"), org["id"], "en", "Label from one"), encoding="utf-8")
    two.write_text(_add_ref_label(two.read_text(encoding="utf-8"), org["id"], "en", "Label from two"), encoding="utf-8")
    cache = tmp_path / "cache"
    before = _nquads(cached_graph([cases], bundled=False, cache_dir=cache))
    assert any('"Label from one"@en' in q for q in before) and not any('"Label from two"@en' in q for q in before)
    one.write_text(one.read_text(encoding="utf-8").replace("  en: Label from one\n", "", 1), encoding="utf-8")
    with monkeypatch.context() as m:
        _no_full_load(m)
        after = _nquads(cached_graph([cases], bundled=False, cache_dir=cache))
    assert any('"Label from two"@en' in q and "synth-00002" in q for q in after)
    assert after == _nquads(KnowledgeGraph.from_cases([cases], bundled=False))
    # An id another document names (through `involves`, any section) moves from mechanisms to organizations:
    # its IRI changes in that other document's graph too.
    three = cases / "synth-00003.yaml"
    three.write_text(three.read_text(encoding="utf-8").replace("  involves:\n", "  involves:\n  - synth-00002-mech-0\n", 1), encoding="utf-8")
    cached_graph([cases], bundled=False, cache_dir=cache)
    text = two.read_text(encoding="utf-8").replace("synth-00002-mech-0\n", "synth-00002-mech-0x\n")
    org = "- id: synth-00002-mech-0\n  zh: 新单位\n  kind: PartyCommittee\n  sectors:\n  - government-agency\n  evidence: 新单位共同开展党建联建工作\n"
    two.write_text(text.replace("organizations:\n", "organizations:\n" + org, 1), encoding="utf-8")
    with monkeypatch.context() as m:
        _no_full_load(m)
        moved = _nquads(cached_graph([cases], bundled=False, cache_dir=cache))
    assert any("involves> <https://w3id.org/lianjian/id/synth-00002-mech-0> <https://w3id.org/lianjian/graph/synth-00003>" in q for q in moved)
    assert moved == _nquads(KnowledgeGraph.from_cases([cases], bundled=False))
    # A document that changes its source id leaves no graph behind under the old id.
    three.write_text(three.read_text(encoding="utf-8").replace("  id: synth-00003\n", "  id: synth-renamed\n", 1), encoding="utf-8")
    with monkeypatch.context() as m:
        _no_full_load(m)
        renamed = cached_graph([cases], bundled=False, cache_dir=cache)
    assert "synth-renamed" in renamed.sources and "synth-00003" not in renamed.sources
    assert _nquads(renamed) == _nquads(KnowledgeGraph.from_cases([cases], bundled=False))


def test_rebuild_reports_a_reference_broken_in_another_file_like_a_cold_build(tmp_path):
    import pytest

    from lianjian.errors import CaseErrors

    cases = tmp_path / "cases"
    write_synth(cases, 3, seed=8)
    cache = tmp_path / "cache"
    built = _nquads(cached_graph([cases], bundled=False, cache_dir=cache))
    shared = cases / "shared.yaml"
    good = shared.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("- id: synth-province-"))
    province = lines[start].split(":")[1].strip()
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  "))
    shared.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    with pytest.raises(CaseErrors) as cold:
        KnowledgeGraph.from_cases([cases], bundled=False)
    with pytest.raises(CaseErrors) as warm:
        cached_graph([cases], bundled=False, cache_dir=cache)
    assert str(warm.value) == str(cold.value)
    assert f"ref '{province}' is not defined" in str(cold.value) and "synth-0000" in str(cold.value)
    shared.write_text(good, encoding="utf-8")
    assert _nquads(cached_graph([cases], bundled=False, cache_dir=cache)) == built


def test_each_document_graph_from_its_own_files(tmp_path):
    # What a rebuild writes for one document, from that document's files and the link summaries alone,
    # is that document's graph in the whole linked corpus.
    from lianjian.graph.build import corpus_nquads
    from lianjian.loaders.checker import check_file
    from lianjian.loaders.corpus import SHARED_DOC, case_files
    from lianjian.loaders.linker import load_corpus
    from lianjian.loaders.linker import doc_corpus, relink

    cases = tmp_path / "cases"
    write_synth(cases, 5, seed=9)
    texts = {n: (cases / f"synth-0000{n}.yaml").read_text(encoding="utf-8") for n in (1, 2, 3)}
    org = min(set.intersection(*({line[7:] for line in t.splitlines() if line.startswith("- ref: synth-shared-org-")} for t in texts.values())))
    lines = (cases / "shared.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"- id: {org}\n")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  "))
    lines[start:end] = [line for line in lines[start:end] if not line.startswith(("  en:", "  zh-Hant:"))]
    (cases / "shared.yaml").write_text("".join(lines), encoding="utf-8")
    for n, key, value in [(1, "en", "One"), (2, "en", "Two"), (2, "zh-Hant", "貳"), (3, "aliases", "[别名]")]:
        texts[n] = _add_ref_label(texts[n], org, key, value)
        (cases / f"synth-0000{n}.yaml").write_text(texts[n], encoding="utf-8")
    summaries: dict = {}
    corpus = load_corpus([cases], bundled=False, summaries=summaries)
    files = case_files([cases], bundled=False)
    linked = relink([(d, summaries[d]) for _, d in files], corpus.vocabulary)
    assert linked is not None and linked.winners
    for doc in [*corpus.sources, SHARED_DOC]:
        checked = [check_file(str(p), d, corpus.vocabulary) for p, d in files if summaries[d][0] == doc]
        part = doc_corpus(checked, linked, corpus.vocabulary, corpus.offsets)
        assert sorted(set(corpus_nquads(part, {doc}))) == sorted(set(corpus_nquads(corpus, {doc}))), doc
