"""The package keeps the layers docs/architecture.md writes down, and the upstream names it leans on still exist."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lianjian"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def _layers() -> dict[str, int]:
    """Module prefix → layer number (1 is the top), read from the numbered list in docs/architecture.md."""
    layers = {}
    for m in re.finditer(r"^(\d+)\. ((?:`[\w.]+`(?:, )?)+) —", ARCHITECTURE.read_text(encoding="utf-8"), re.M):
        for name in re.findall(r"`([\w.]+)`", m.group(2)):
            layers["lianjian" if name == "lianjian" else f"lianjian.{name}"] = int(m.group(1))
    return layers


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imports(path: Path, modules: dict) -> set[str]:
    """Every lianjian module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("lianjian"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("lianjian"):
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                found.add(sub if sub in modules else node.module)
    return found


def _layer_of(module: str, layers: dict) -> int | None:
    owners = [k for k in layers if module == k or module.startswith(k + ".")]
    return layers[max(owners, key=len)] if owners else None


@pytest.fixture(scope="module")
def import_graph():
    modules = _modules()
    g = nx.DiGraph()
    g.add_nodes_from(modules)
    for module, path in modules.items():
        g.add_edges_from((module, t) for t in _imports(path, modules) if t != module)
    return g


def test_the_architecture_doc_lists_the_layers():
    layers = _layers()
    assert len(set(layers.values())) >= 8 and {"lianjian.api", "lianjian.graph", "lianjian.namespace"} <= set(layers)


def test_every_module_belongs_to_a_layer():
    layers = _layers()
    assert [m for m in _modules() if _layer_of(m, layers) is None] == []


def test_no_module_imports_from_a_layer_above_it(import_graph):
    layers = _layers()
    upward = [f"{a} (layer {_layer_of(a, layers)}) imports {b} (layer {_layer_of(b, layers)})"
              for a, b in import_graph.edges if _layer_of(b, layers) < _layer_of(a, layers)]
    assert upward == []


def test_there_is_no_import_circle(import_graph):
    internal = import_graph.subgraph(n for n in import_graph if n in _modules())
    assert list(nx.simple_cycles(internal)) == []


def test_the_cli_reaches_the_library_only_through_api(import_graph):
    allowed = {"lianjian", "lianjian.api", "lianjian.errors", "lianjian.options", "lianjian.results"}
    assert set(import_graph.successors("lianjian.cli")) <= allowed


def test_the_layer_check_catches_an_upward_import(tmp_path):
    layers = _layers()
    assert _layer_of("lianjian.graph.knowledge", layers) > _layer_of("lianjian.queries.run", layers)
    fake = tmp_path / "m.py"
    fake.write_text("def f():\n    from lianjian.queries.run import run_sparql\n", encoding="utf-8")
    assert _imports(fake, _modules()) == {"lianjian.queries.run"}


# Private names of other libraries, each used behind one wrapper: these fail when upstream moves them.

def test_oxrdflib_term_converters_round_trip():
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    from lianjian.graph.knowledge import term_converters

    from_ox, to_ox = term_converters()
    for term in (URIRef("https://w3id.org/lianjian/id/a"), Literal("长宁", lang="zh-Hans"), Literal("2005", datatype=XSD.gYear)):
        assert from_ox(to_ox(term)) == term
    assert isinstance(from_ox(to_ox(BNode())), BNode)


def test_grand_cypher_operators_and_transformer_hook_exist():
    import grandcypher

    for op in ("==", "<>", ">", "<", ">=", "<="):
        assert callable(grandcypher._OPERATORS[op]) and hasattr(grandcypher._OPERATORS[op], "_operator")
    engine = grandcypher.GrandCypher(nx.DiGraph())
    assert hasattr(engine, "_transformer")


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "neo4j"])
def test_exports_are_byte_identical_whatever_the_hash_seed(tmp_path, fmt):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed / f"g.{fmt}"
        out.parent.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", "from lianjian.cli import main; main()", "export", "--format", fmt,
                               "-o", str(out)], env=env, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        files = sorted(out.iterdir()) if out.is_dir() else [out]
        outputs.append({f.name: f.read_bytes() for f in files})
    assert outputs[0] == outputs[1] and sum(map(len, outputs[0].values())) > 10_000


def test_a_build_is_byte_identical_whatever_the_hash_seed(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"g{seed}.nq"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", "from lianjian.cli import main; main()", "build", "-o", str(out)], env=env, cwd=ROOT,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") > 10_000


# Data files that say the same thing in two places agree.

def test_the_quote_limit_is_one_number():
    from rdflib import Graph, Literal
    from rdflib.namespace import SH

    from lianjian.loaders.corpus import MAX_QUOTE
    from lianjian.namespace import LJ
    from lianjian.ontology import ONTOLOGY_DIR, model

    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl")
    limits = {int(v) for p in shapes.subjects(SH.path, LJ.quote) for v in shapes.objects(p, SH.maxLength)}
    assert limits == {model()["limits"]["quote_length"]} == {MAX_QUOTE}
    assert isinstance(Literal(MAX_QUOTE).toPython(), int)


def test_every_area_kind_has_a_size_rank():
    from lianjian.ontology import base_vocabulary, model

    assert set(base_vocabulary().kinds["areas"]) - {"Area"} == set(model()["area_ranks"])


def test_synthetic_organisation_kinds_are_kinds_of_the_vocabulary():
    from lianjian.ontology import base_vocabulary
    from lianjian.synth import _ORG_KINDS

    vocabulary = base_vocabulary()
    assert len(_ORG_KINDS) >= 20
    assert all(vocabulary.is_kind_of("organizations", k) and set(s) <= set(vocabulary.concepts["sector"]) for k, s, _ in _ORG_KINDS)


def test_the_page_draws_the_models_edges_less_the_hidden_ones():
    from lianjian.graph.style import HIDDEN_EDGES
    from lianjian.graph.viz import _page_edges

    assert {"LINKED_WITH", "SUB_ORGANIZATION_OF", "WITHIN", "HOLDS_POST"} <= _page_edges()
    assert not (_page_edges() & HIDDEN_EDGES)
