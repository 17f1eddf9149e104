"""SHACL validation of a `KnowledgeGraph` against `ontology/shapes.ttl`.

Two engines give the same violations: "sparql" (the default) compiles the shapes to SPARQL and runs them on the
Oxigraph store (`graph.shacl_sparql`); "pyshacl" is the reference, over an rdflib copy of the union of the graphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Namespace, RDF

from lianjian.errors import UsageError
from lianjian.ontology import ONTOLOGY_DIR

__all__ = ["ValidationReport", "Violation", "validate", "shapes_graph", "SHACL_ENGINES"]

SH = Namespace("http://www.w3.org/ns/shacl#")
SHACL_ENGINES = ("sparql", "pyshacl")


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result: the node, the property path, the message, the shape, its constraint and the value."""

    focus: str
    path: str
    message: str
    shape: str
    constraint: str = ""
    value: str = ""

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.focus}{where}: {self.message} [{self.shape} {self.constraint}]"

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What two engines must agree on (their messages may be worded differently)."""
        return self.focus, self.path, self.shape, self.constraint, self.value


@dataclass
class ValidationReport:
    """Whether the graph conforms, and every violation found."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)


def shapes_graph() -> Graph:
    """The SHACL shapes shipped with the ontology."""
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def validate(kg, engine: str = "sparql") -> ValidationReport:
    """Validate the union of the graph's named graphs; RDFS subclass links come from the ontology inside it."""
    if engine == "sparql":
        return _validate_sparql(kg)
    if engine == "pyshacl":
        return _validate_pyshacl(kg)
    raise UsageError(f"--shacl-engine: unknown SHACL engine {engine!r} (choose from {', '.join(SHACL_ENGINES)})")


def _validate_sparql(kg) -> ValidationReport:
    from lianjian.graph.shacl_sparql import compile_shapes, run_checks

    store = kg.store
    if store is None:  # the rdflib engine: copy into a scratch Oxigraph store
        store = ox.Store()
        store.bulk_extend(ox.Quad(_ox(s), _ox(p), _ox(o), ox.DefaultGraph()) for s, p, o, _ in kg.quads())
    violations = {Violation(focus, check.path, message, check.shape, check.constraint, value)
                  for check, focus, value, message in run_checks(compile_shapes(shapes_graph(), store), store)}
    return ValidationReport(not violations, sorted(violations))


def _ox(term):
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    return ox.NamedNode(str(term))


def _validate_pyshacl(kg) -> ValidationReport:
    import pyshacl

    from lianjian.graph.shacl_sparql import component_name, path_text, shape_name, term_text

    shapes = shapes_graph()
    data = Graph()
    for s, p, o, _ in kg.quads():
        data.add((s, p, o))
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    violations = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        source = results.value(r, SH.sourceShape)
        value = results.value(r, SH.value)
        component = component_name(results.value(r, SH.sourceConstraintComponent))
        violations.append(Violation(
            term_text(results.value(r, SH.focusNode)),
            path_text(shapes, shapes.value(source, SH.path)),
            str(results.value(r, SH.resultMessage) or "violates a shape"),
            shape_name(shapes, source),
            component,
            term_text(value) if value is not None and component not in _COUNTS else "",
        ))
    return ValidationReport(bool(conforms), sorted(set(violations)))


#: Constraints about how many values there are: their results name no single value.
_COUNTS = {"sh:minCount", "sh:maxCount", "sh:qualifiedMinCount", "sh:qualifiedMaxCount", "sh:hasValue"}
