"""The fast YAML reader (ryaml) gives exactly what the position-tracking reader gives, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianjian.errors import CaseErrors
from lianjian.loaders.corpus import BUNDLED_CASES
from lianjian.loaders.linker import load_corpus
from lianjian.loaders.yamlfile import fast_yaml, parse_yaml
from lianjian.synth import synth_files


def typed(value):
    """The value with the type of every part made visible (1, 1.0 and True compare equal in Python)."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def agrees(text: str) -> bool:
    """True when the fast reader reads `text` as parse_yaml does; False when it steps aside (returns None)."""
    fast = fast_yaml(text)
    if fast is None:
        return False
    slow = parse_yaml(text, "t.yaml")
    assert not slow.problems, f"the fast reader accepted a file with problems: {slow.problems}"
    assert typed(fast) == typed(slow.data)
    return True


BUNDLED = sorted(p for p in Path(BUNDLED_CASES).glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_case_file_is_read_alike_or_left_to_parse_yaml(path):
    # 000 and 003 have an unquoted date (a date to PyYAML, a string to ryaml); 002 has '!' in its mojibake quotes.
    text = path.read_text(encoding="utf-8")
    assert agrees(text) == (path.name not in {"000-changning-cohesion-2013.yaml", "002-changning-decade-2022.yaml",
                                              "003-pudong-daju-2015.yaml"})


def test_synthetic_case_files_are_read_fast_and_alike():
    files = synth_files(3, seed=1)
    assert files
    for name, text in files.items():
        assert agrees(text), name


# Texts YAML 1.1 (PyYAML) and YAML 1.2 (ryaml) read differently, and texts parse_yaml refuses: the fast reader
# must step aside for each (a wrong value or a missed problem would go unreported).
@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n", "{a: 1, a: 1}\n", "a: yes\n", "a: on\n", "a: Off\n", "a: NULL\n", "a: ~\n",
    "a: 2020-01-01\n", "a: 12:30:00\n", "a: 1:20\n", "a: 010\n", "a: 0o17\n", "a: 0b101\n", "a: 0x1F\n",
    "a: 1_000\n", "a: 1e3\n", "a: 5e-1\n", "a: -.5\n", "a: .inf\n", "a: &x 1\nb: *x\n", "a: !!str 1\n",
    "<<: {a: 1}\n", "%YAML 1.1\n---\na: 1\n", "a: 1\n---\nb: 2\n", "a: \"\\x07\"\n", "a: \"\\u202e\"\n", "a: '\n",
    "a: b: c\n", "1: a\n", "? [a]\n: b\n", "- a\n- - b\n" + "  " * 0,
])
def test_the_fast_reader_steps_aside_where_the_readers_differ(text):
    assert fast_yaml(text) is None or agrees(text)
    slow = parse_yaml(text, "t.yaml")
    if slow.problems or text.startswith(("a: yes", "a: on", "a: Off", "a: 2020", "a: 010", "a: 1e3", "a: 1_000")):
        assert fast_yaml(text) is None


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4),
                    max_leaves=12))
def test_any_yaml_pyyaml_writes_reads_alike_or_is_left_to_parse_yaml(data):
    import yaml

    text = yaml.safe_dump({"data": data}, allow_unicode=True)
    agrees(text)  # asserts equality whenever the fast reader answers


def _problems(folder):
    with pytest.raises(CaseErrors) as caught:
        load_corpus([folder], bundled=False, workers=1)
    return [(p.path, p.line, p.column, p.message) for p in caught.value.problems]


def test_problems_in_a_fast_read_file_are_placed_as_in_a_slow_read_one(tmp_path, monkeypatch):
    # Unknown ids are found only when linking, after the file was read fast: their line:col must still be exact.
    text = (Path(BUNDLED_CASES) / "001-huating-six-systems.yaml").read_text(encoding="utf-8")
    broken = text.replace("[huating-social-organisation-incubation-bases, huating-functional", "[huating-social-organisation-incubation-base, huating-functional", 1)
    broken = broken.replace("huating-owners-committees, huating-property", "huating-owner-committees, huating-property", 1)
    assert broken.count("incubation-base,") == 1 and broken.count("huating-owner-committees") == 1
    assert fast_yaml(broken) is not None
    for path in Path(BUNDLED_CASES).glob("*.yaml"):  # the bundled corpus, with the broken file in place of its own
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "001-huating-six-systems.yaml").write_text(broken, encoding="utf-8")
    fast = _problems(tmp_path)
    import lianjian.loaders.checker as checker

    monkeypatch.setattr(checker, "fast_yaml", lambda text: None)
    slow = _problems(tmp_path)
    assert fast == slow
    lines = broken.splitlines()
    found = {(line, col) for _, line, col, message in fast if "unknown id" in message}
    assert len(found) == 2
    for line, col in found:
        assert lines[line - 1][col - 1:].startswith(("huating-social-organisation-incubation-base,", "huating-owner-committees"))
