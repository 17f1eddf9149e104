"""A reader's path through the explorer in headless Chromium (Playwright), against a server started on a free port."""

from __future__ import annotations

import contextlib
import csv
import io
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.browser import ARGS, CHROMIUM
from tests.test_viz import XSS_CASE

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@contextlib.contextmanager
def running(app):
    """Serve `app` with uvicorn on 127.0.0.1 and a free port, in a thread; yields the base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def browser_page(base):
    """A Chromium page that records console errors, dialogs and every request that leaves `base`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
            page = context.new_page()
            errors, outside, dialogs = [], [], []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:", "about:")) else None)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            yield page, errors, outside, dialogs
        finally:
            browser.close()


@pytest.fixture(scope="module")
def base(bundled_kg, seeds):
    from lianjian.serve.app import create_app

    with running(create_app(bundled_kg, [seeds])) as url:
        yield url


def test_reader_path_search_entity_citation_source(base):
    ARTIFACTS.mkdir(exist_ok=True)
    with browser_page(base) as (page, errors, outside, dialogs):
        page.goto(base + "/")
        page.screenshot(path=str(ARTIFACTS / "explorer-home.png"))
        for text in ("長寧區委", "长宁"):  # Traditional input finds the Simplified entity too
            page.fill("#search-box", text)
            page.wait_for_selector("#search-suggestions li[data-id='changning-district-committee']", timeout=10000)
        page.click("#search-suggestions li[data-id='changning-district-committee']", force=True)
        page.wait_for_url("**/entity/changning-district-committee")
        assert page.inner_text("h1") == "中共长宁区委"
        page.wait_for_selector("#neighbourhood[data-ready='1']", timeout=15000)
        page.screenshot(path=str(ARTIFACTS / "explorer-entity.png"), full_page=False)
        # Expand the neighbourhood: a click on the centre node adds its neighbours' neighbours.
        before = page.evaluate("document.getElementById('neighbourhood').nodesData.length")
        assert before > 1
        # Cite copies source, quote and offsets.
        cite = page.locator("section.tie button.cite").first
        cite.click()
        page.wait_for_selector("section.tie button.cite[data-copied]", timeout=5000)
        copied = cite.get_attribute("data-copied")
        assert copied == page.evaluate("navigator.clipboard.readText()")
        assert copied and "characters" in copied and "“" in copied
        # The citation's link opens the source page at the highlighted quote.
        link = page.locator("section.tie a.cite-link").first
        href = link.get_attribute("href")
        link.click()
        page.wait_for_url("**/source/**")
        anchor = href.split("#", 1)[1]
        mark = page.locator(f"mark#{anchor}")
        assert mark.is_visible()
        assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == anchor
        page.screenshot(path=str(ARTIFACTS / "explorer-source.png"))
        # Every page honours the language switch.
        page.click("#lang-switch")
        page.wait_for_url("**lang=en**")
        assert "Source documents" in page.content() or "Statements" in page.content()
        assert not errors, errors
        assert not outside, outside
        assert not dialogs


def test_reader_path_gallery_query_form_and_network_view(base):
    from click.testing import CliRunner

    from lianjian.cli import cli

    with browser_page(base) as (page, errors, outside, dialogs):
        page.goto(base + "/queries")
        page.click("a[href='/queries/organizations-in-area']")
        page.wait_for_url("**/queries/organizations-in-area")
        page.fill("input[name='area']", "長寧區")
        page.wait_for_selector("li[data-id='changning-district']", timeout=10000)
        page.click("li[data-id='changning-district']", force=True)
        assert page.input_value("input[name='area']") == "changning-district"
        page.click("#run")
        page.wait_for_url("**area=changning-district**")
        shown = int(page.inner_text("#row-count"))
        cli_rows = list(csv.reader(io.StringIO(CliRunner().invoke(
            cli, ["query", "organizations-in-area", "--param", "area=changning-district", "--format", "csv"]).output)))
        assert shown == len(cli_rows) - 1 == page.locator("table.results tbody tr").count()
        page.click("nav.views a[data-view='graph']")
        page.wait_for_function("document.getElementById('view-graph').dataset.nodes > 0", timeout=15000)
        assert "#view-graph" in page.url  # the view is part of the URL
        page.screenshot(path=str(ARTIFACTS / "explorer-query.png"))
        assert not errors, errors
        assert not outside, outside
        assert not dialogs


def test_network_page_only_this_sector_and_click_to_expand(base):
    with browser_page(base) as (page, errors, outside, dialogs):
        page.goto(base + "/network")
        page.wait_for_function("window.lianjian !== undefined", timeout=30000)
        total = page.evaluate("lianjian.visibleNodes()")
        page.locator("#f-sectors button[data-only='community']").click()
        shown = page.evaluate("lianjian.nodesView.get().filter(function (n) { return n.family !== 'Area'; }).map(function (n) { return n.sector; })")
        assert shown and set(shown) == {"community"} and len(shown) < total
        # The view is in the URL: opening the link again shows the same nodes.
        assert "sectors=community" in page.url
        link = page.url
        page.goto(base + "/")
        page.goto(link)
        page.wait_for_function("window.lianjian !== undefined", timeout=30000)
        assert page.evaluate("lianjian.visibleNodes()") == len(page.evaluate("lianjian.nodesView.get()")) and \
            sorted(page.evaluate("lianjian.nodesView.get().filter(function (n) { return n.family !== 'Area'; }).map(function (n) { return n.sector; })")) == sorted(shown)
        # Click a node on the canvas: it is selected and, after a double-click, the view is its neighbourhood.
        page.click("#reset")
        key = "changning-district-committee"
        page.evaluate(f"lianjian.focus('{key}')")
        page.wait_for_timeout(300)
        box = page.locator("#network canvas").bounding_box()
        pos = page.evaluate("(function (key) { var id = lianjian.nodes.get().filter(function (n) { return n.key === key; })[0].id;"
                            " var p = lianjian.network.getPositions([id])[id]; return lianjian.network.canvasToDOM(p); })", key)
        page.mouse.dblclick(box["x"] + pos["x"], box["y"] + pos["y"])
        page.wait_for_timeout(500)
        focused = page.evaluate("lianjian.visibleNodes()")
        assert 1 < focused < total and "#focus=" in page.url
        page.goto(base + "/network?around=changning-district-committee&hops=1")
        page.wait_for_function("window.lianjian !== undefined", timeout=30000)
        assert 1 < page.evaluate("lianjian.visibleNodes()") < total + 100
        assert not errors, errors
        assert not outside, outside


def test_script_payloads_in_a_case_file_show_as_text(case_dir):
    from lianjian.graph import KnowledgeGraph
    from lianjian.serve.app import create_app

    kg = KnowledgeGraph.from_cases([case_dir({"x.yaml": XSS_CASE})], bundled=False)
    with running(create_app(kg)) as url, browser_page(url) as (page, errors, outside, dialogs):
        for path in ("/", "/entity/mini-metro", "/source/mini-case", "/queries/find-entities?text=%3C",
                     "/search?q=%3Cimg", "/entity/mini-committee"):
            page.goto(url + path)
            page.wait_for_timeout(300)
        page.goto(url + "/entity/mini-metro")
        assert "<img src=x onerror=alert(1)>" in page.inner_text("h1")
        page.type("#search-box", "<img")
        page.wait_for_timeout(800)
        assert page.evaluate("window.__pwned") is None
        assert not dialogs, dialogs
        assert not outside, outside
