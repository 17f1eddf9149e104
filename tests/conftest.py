"""Shared fixtures: the bundled graph, the source documents, and small case folders."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run the same examples every time (a fixed seed): CI never passes or fails by chance.
settings.register_profile("lianjian", derandomize=True)
settings.load_profile("lianjian")

ROOT = Path(__file__).resolve().parent.parent
#: The source documents: $LIANJIAN_SOURCES, else ../shared/seeds beside the clone (.ci/run insists on one of them).
SEEDS = Path(os.environ.get("LIANJIAN_SOURCES") or ROOT.parent / "shared" / "seeds")

#: A small valid case file used as the base of many tests; its quotes come from source 000.
MINIMAL_CASE = """\
source:
  id: mini-case
  file: 000_4ea9a70eba53a7dc.txt
  title: 测试案例
  date: 2013-06-23
areas:
  - id: mini-district
    zh: 长宁区
    en: Changning District
    kind: District
    evidence: 上海市长宁区
organizations:
  - id: mini-committee
    zh: 长宁区委
    kind: PartyCommittee
    sectors: [government-agency]
    area: mini-district
    evidence: 长宁区委
  - id: mini-metro
    zh: 申通地铁公司党委
    kind: PartyCommittee
    sectors: [state-enterprise, transport]
    evidence: 申通地铁公司
relationships:
  - kind: signing
    participants: [mini-committee, mini-metro]
    mechanisms: [pairing]
    start: 2005
    evidence: 申通地铁公司
"""


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The folder of source texts; tests that need it skip with one line when a user's clone has none."""
    if not (SEEDS / "000_4ea9a70eba53a7dc.txt").is_file():
        pytest.skip(f"source texts not found in {SEEDS} (set LIANJIAN_SOURCES to their folder)")
    return SEEDS


@pytest.fixture(scope="session")
def bundled_kg():
    from lianjian.graph import KnowledgeGraph

    return KnowledgeGraph.from_cases()


@pytest.fixture
def case_dir(tmp_path):
    """A function writing case files into a fresh folder: case_dir({"a.yaml": text, ...}) -> folder."""

    def make(files: dict[str, str | bytes] | None = None) -> Path:
        folder = tmp_path / "cases"
        folder.mkdir(exist_ok=True)
        for name, text in (files or {"mini.yaml": MINIMAL_CASE}).items():
            path = folder / name
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text), encoding="utf-8")
        return folder

    return make
