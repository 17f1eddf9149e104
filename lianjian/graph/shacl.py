"""SHACL validation of a `KnowledgeGraph` against `ontology/shapes.ttl` (pySHACL)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Namespace, RDF

from lianjian.namespace import prefixed
from lianjian.ontology import ONTOLOGY_DIR

__all__ = ["ValidationReport", "Violation", "validate", "shapes_graph"]

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result: the node, the property path, the message and the shape."""

    focus: str
    path: str
    message: str
    shape: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.focus}{where}: {self.message}"


@dataclass
class ValidationReport:
    """Whether the graph conforms, and every violation found."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)


def shapes_graph() -> Graph:
    """The SHACL shapes shipped with the ontology."""
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def validate(kg) -> ValidationReport:
    """Validate the union of the graph's named graphs; RDFS subclass links come from the ontology inside it."""
    import pyshacl

    data = Graph()
    for s, p, o, _ in kg.quads():
        data.add((s, p, o))
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True)
    violations = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        violations.append(Violation(
            prefixed(results.value(r, SH.focusNode)),
            prefixed(results.value(r, SH.resultPath) or ""),
            str(results.value(r, SH.resultMessage) or "violates a shape"),
            prefixed(results.value(r, SH.sourceShape) or ""),
        ))
    return ValidationReport(bool(conforms), sorted(set(violations)))
