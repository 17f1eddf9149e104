"""The network page: built from the projection, self-contained, escaped, and usable in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lianjian.graph import KnowledgeGraph
from lianjian.graph.viz import to_pyvis, view_graph, write_html
from tests.browser import open_page
from tests.conftest import MINIMAL_CASE

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

XSS_CASE = MINIMAL_CASE.replace("zh: 申通地铁公司党委", "zh: <img src=x onerror=alert(1)>\n    en: \"</script><script>window.__pwned=1</script>\"\n    aliases: ['javascript:alert(2)', '<b onmouseover=alert(3)>x</b>']").replace(
    "id: mini-case", "id: mini-case").replace("title: 测试案例", "title: <svg onload=alert(4)>").replace(
    "    evidence: 申通地铁公司\n", "    evidence: \"<script>window.__pwned=2</script><a href='javascript:alert(5)'>x</a>\"\n", 1)


@pytest.fixture(scope="module")
def corpus_page(bundled_kg, tmp_path_factory):
    out = tmp_path_factory.mktemp("viz") / "network.html"
    info = write_html(bundled_kg, str(out))
    return out, info


def test_page_is_self_contained(corpus_page):
    out, info = corpus_page
    html = out.read_text(encoding="utf-8")
    assert info["nodes"] > 200 and info["edges"] > 400
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html), "every script and style must be inline"
    assert "bootstrap" not in html.lower()


def test_view_filters(bundled_kg):
    g = bundled_kg.to_networkx()
    full = view_graph(g)
    pudong = view_graph(g, cases=("pudong-daju-2015",))
    assert 0 < pudong.number_of_nodes() < full.number_of_nodes()
    assert all("pudong-daju-2015" in pudong.nodes[n]["sources"] for n in pudong)
    around = view_graph(g, around="changning-district-committee", hops=1)
    assert "changning-district-committee" in around and around.number_of_nodes() < full.number_of_nodes()
    transport = view_graph(g, sectors=("transport",))
    orgs = [n for n in transport if "Organization" in transport.nodes[n]["__labels__"]]
    assert orgs and all("transport" in transport.nodes[n]["sectors"] for n in orgs)


def test_escaping_in_html(case_dir, tmp_path):
    kg = KnowledgeGraph.from_cases([case_dir({"x.yaml": XSS_CASE})], bundled=False)
    out = tmp_path / "x.html"
    write_html(kg, str(out))
    html = out.read_text(encoding="utf-8")
    data = html.split('<script id="lianjian-data" type="application/json">')[1].split("</script>")[0]
    assert "<" not in data and "\\u003cimg src=x onerror=alert(1)\\u003e" in data
    assert "<img src=x" not in html and "<svg onload" not in html


def test_inferred_ties_are_dashed_and_the_legend_says_so(case_dir, tmp_path):
    import json

    inferred = MINIMAL_CASE.replace("    start: 2005\n", "    start: 2005\n    basis: inferred\n    reason: the signing is read from the pairing\n")
    kg = KnowledgeGraph.from_cases([case_dir({"x.yaml": inferred})], bundled=False)
    net = to_pyvis(view_graph(kg.to_networkx()))
    (tie,) = [e for e in net.edges if e["info"].get("type") == "LINKED_WITH"]
    assert tie["dashes"] == [6, 5] and tie["info"]["basis"] == "inferred"
    assert tie["info"]["reasons"] == ["the signing is read from the pairing"]
    out = tmp_path / "x.html"
    write_html(kg, str(out))
    html = out.read_text(encoding="utf-8")
    data = json.loads(html.split('<script id="lianjian-data" type="application/json">')[1].split("</script>")[0])
    assert data["legend"]["inferred"]["en"] == "inferred (not stated in the text)"
    assert "DATA.legend.inferred" in html
    stated = to_pyvis(view_graph(KnowledgeGraph.from_cases([case_dir({"x.yaml": MINIMAL_CASE})], bundled=False).to_networkx()))
    (tie,) = [e for e in stated.edges if e["info"].get("type") == "LINKED_WITH"]
    assert "dashes" not in tie and tie["info"]["basis"] == "stated"


def test_page_in_chromium(corpus_page):
    out, info = corpus_page
    with open_page(out) as (page, errors, requests, dialogs):
        total = page.evaluate("[lianjian.nodes.length, lianjian.edges.length]")
        assert total == [info["nodes"], info["edges"]]
        # The first view: organisations and joint bodies only; "all kinds" shows every node.
        orgs = page.evaluate("lianjian.nodes.get().filter(function (n) { return ['PartyOrganization', 'GovernmentBody', "
                             "'Enterprise', 'SocialOrganization', 'JointBody', 'Organization'].indexOf(n.family) >= 0; }).length")
        assert 0 < orgs == page.evaluate("lianjian.visibleNodes()") < info["nodes"]
        page.check("#scope-all")
        assert page.evaluate("[lianjian.visibleNodes(), lianjian.visibleEdges()]") == [info["nodes"], info["edges"]]
        # Filters: unticking the Pudong source hides its nodes; unticking a relation kind hides those links.
        page.locator("#f-sources input[value='pudong-daju-2015']").uncheck()
        assert page.evaluate("lianjian.visibleNodes()") < info["nodes"]
        page.locator("#f-sources input[value='pudong-daju-2015']").check()
        assert page.evaluate("lianjian.visibleNodes()") == info["nodes"]
        page.locator("#f-kinds input[value='linkage']").uncheck()
        assert page.evaluate("lianjian.visibleEdges()") < info["edges"]
        page.locator("#f-kinds input[value='linkage']").check()
        # "Only this" sector: every visible organisation is in it.
        page.locator("#f-sectors button[data-only='transport']").click()
        sectors = page.evaluate("lianjian.nodesView.get().filter(function (n) { return n.family !== 'Area'; }).map(function (n) { return n.sector; })")
        assert sectors and set(sectors) == {"transport"}
        assert [b.get_attribute("value") for b in page.locator("#f-sectors input:checked").all()] == ["transport"]
        # Basis: only the inferred links.
        page.locator("#f-basis input[value='stated']").uncheck()
        assert page.evaluate("lianjian.edgesView.get().every(function (e) { return e.info.basis === 'inferred'; })")
        page.locator("#f-basis input[value='stated']").check()
        # Click to focus and expand: a node's neighbours, then its neighbours' neighbours.
        page.locator("#f-sectors input").first.check()
        page.evaluate("document.querySelectorAll('#f-sectors input').forEach(function (b) { b.checked = true; }); lianjian.state.sectors = null;")
        first = page.evaluate("lianjian.expand('changning-district-committee')")
        assert 1 < first < info["nodes"]
        neighbour = page.evaluate("lianjian.nodesView.get().map(function (n) { return n.key; }).filter(function (k) { return k !== 'changning-district-committee'; })[0]")
        assert page.evaluate(f"lianjian.expand('{neighbour}')") >= first
        page.click("#reset")
        # Search focuses and selects the node, and the panel explains it.
        page.fill("#search", "长宁区委")
        page.press("#search", "Enter")
        assert page.evaluate("lianjian.selected()") == ["changning-district-committee"]
        panel = page.inner_text("#info")
        assert "中共长宁区委" in panel and "CPC Changning District Committee" in panel and "证据 Evidence" in panel
        # Downloads of the current view.
        svg = page.evaluate("lianjian.svg()")
        assert svg.startswith("<svg") and "中共长宁区委" in svg and "<line" in svg
        with page.expect_download() as dl:
            page.click("#download-png")
        assert dl.value.suggested_filename == "lianjian-network.png"
        page.wait_for_timeout(1500)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "network.png"))
        assert not errors, errors
        assert not requests, requests
        assert not dialogs


def test_every_relation_kind_has_its_own_colour():
    from lianjian.graph.style import EDGE_KINDS

    colours = [v["color"] for v in EDGE_KINDS.values()]
    assert len(colours) == len(set(colours))


def test_xss_payloads_run_nothing(case_dir, tmp_path):
    kg = KnowledgeGraph.from_cases([case_dir({"x.yaml": XSS_CASE})], bundled=False)
    out = tmp_path / "x.html"
    write_html(kg, str(out))
    with open_page(out) as (page, errors, requests, dialogs):
        page.fill("#search", "mini-metro")
        page.press("#search", "Enter")
        panel = page.inner_text("#info")
        assert "<img src=x onerror=alert(1)>" in panel  # shown as text
        assert "javascript:alert(2)" in panel
        assert "<script>window.__pwned=2</script>" in panel  # a quote, shown as text
        page.hover("#info")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned === undefined")
        assert page.evaluate("document.querySelectorAll('#info img, #info script, #info b, #info svg, #info a').length") == 0
        assert not dialogs and not requests


def test_pyvis_lists_are_filled_directly(bundled_kg):
    v = view_graph(bundled_kg.to_networkx())
    net = to_pyvis(v)
    assert len(net.nodes) == v.number_of_nodes() and len(net.edges) == v.number_of_edges()
    assert {n["key"] for n in net.nodes} == set(v.nodes)


def _large_projection(nodes: int = 5000, edges: int = 20000, seed: int = 1):
    """A projection-shaped graph of `nodes` organisations and `edges` joint-building ties."""
    import random

    import networkx as nx

    rng = random.Random(seed)
    sectors = ["community", "transport", "education", "health", "state-enterprise", "social-organisation"]
    g = nx.DiGraph()
    for i in range(nodes):
        g.add_node(f"org-{i}", id=f"org-{i}", **{"class": "PartyBranch"}, __labels__={"PartyBranch", "PartyOrganization", "Organization"},
                   label_zh=f"第{i}党支部", sector=sectors[i % len(sectors)], sectors=[sectors[i % len(sectors)]],
                   sources=[f"case-{i % 40}"], quotes=[], quote="")
    pairs = set()
    while len(pairs) < edges:
        a, b = sorted(rng.sample(range(nodes), 2))
        pairs.add((a, b))
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            g.add_edge(f"org-{x}", f"org-{y}", __labels__={"LINKED_WITH"}, kind="pairing", kinds=["pairing"], sources=["case-1"])
    return g


def test_large_graph_page_opens_in_chromium(tmp_path):
    """5,000 nodes and 20,000 ties: positions precomputed, physics off, the page loads and filters."""
    from lianjian.graph.viz import render_html

    v = view_graph(_large_projection())
    net = to_pyvis(v)
    assert len(net.nodes) == 5000 and len(net.edges) == 20000
    assert all("x" in n and n["physics"] is False for n in net.nodes)
    out = tmp_path / "large.html"
    out.write_text(render_html(net), encoding="utf-8")
    with open_page(out) as (page, errors, requests, dialogs):
        assert page.evaluate("[lianjian.visibleNodes(), lianjian.visibleEdges()]") == [5000, 20000]
        assert "organisations only" in page.inner_text("#note")
        page.locator("#f-sectors input[value='transport']").uncheck()
        assert page.evaluate("lianjian.visibleNodes()") < 5000
        assert page.evaluate("lianjian.focus('第42党支部')") == "org-42"
        assert not errors and not requests


def test_static_figures_render_chinese(tmp_path):
    from click.testing import CliRunner

    from lianjian.cli import cli

    runner = CliRunner()
    png, svg = tmp_path / "net.png", tmp_path / "net.svg"
    assert runner.invoke(cli, ["viz", "-o", str(png), "--case", "pudong-daju-2015"]).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20000
    assert runner.invoke(cli, ["viz", "-o", str(svg), "--case", "pudong-daju-2015"]).exit_code == 0
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "浦东新区" in text and "Noto" in text  # labels kept as text, in a CJK font


def test_missing_cjk_font_is_a_clear_error(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from matplotlib import font_manager

    from lianjian.cli import cli

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name])
    out = tmp_path / "net.png"
    result = CliRunner().invoke(cli, ["viz", "-o", str(out)])
    assert result.exit_code == 1 and "no font with Chinese glyphs found" in result.output and "fonts-noto-cjk" in result.output
    assert not out.exists()


def test_page_is_byte_identical_run_to_run(tmp_path):
    """Two `lianjian viz` runs under different hash seeds write the same bytes (node and edge order fixed)."""
    import os
    import shutil
    import subprocess
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"page-{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([shutil.which("lianjian") or "lianjian", "viz", "-o", str(out)], check=True, env=env,
                       capture_output=True, cwd=tmp_path)
        pages.append(out.read_bytes())
    assert len(pages[0]) > 10000 and pages[0] == pages[1]
