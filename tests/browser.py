"""Headless Debian Chromium driven by Playwright, for tests that open pages as a reader would."""

from __future__ import annotations

import contextlib
import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def open_page(path, viewport=(1400, 900)):
    """Open a local file in Chromium; yields (page, errors, requests) where requests are non-file URLs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            errors, requests, dialogs = [], [], []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"file://{path}")
            page.wait_for_function("window.lianjian !== undefined", timeout=30000)
            yield page, errors, requests, dialogs
        finally:
            browser.close()
