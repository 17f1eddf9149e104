"""SHACL validation compiled to SPARQL and run on the Oxigraph store (the fast engine of `lianjian validate`).

Each constraint of the shapes graph becomes one SELECT query whose solutions are the violations; the queries are
generated from the shapes, never written per property. Constructs outside the supported subset raise
`UnsupportedShape`, so a new kind of constraint in `shapes.ttl` fails loudly instead of being skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

__all__ = ["Check", "UnsupportedShape", "compile_shapes", "run_checks", "term_text", "shape_name", "path_text",
           "component_name"]

#: XSD datatypes whose lexical forms Oxigraph can check by casting (an ill-typed literal fails sh:datatype).
CASTABLE = {XSD[n] for n in ("boolean", "integer", "decimal", "float", "double", "date", "dateTime", "time", "gYear",
                             "gYearMonth", "duration", "dayTimeDuration", "yearMonthDuration")}
#: Shape parameters that are read (with those of their constraints) or are harmless for validation.
_IGNORED = {RDF.type, SH.message, SH.name, SH.description, SH.order, SH.group, SH.declare, SH.prefixes,
            RDFS.comment, RDFS.label}


class UnsupportedShape(ValueError):
    """A SHACL construct the SPARQL engine does not compile (use the pySHACL engine)."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: its query (solutions ?this, and ?v for a value, ?n for a count) and how to report it."""

    shape: str
    path: str
    constraint: str
    query: str
    message: str | None  # sh:message, else None for the engine's own wording
    describe: str  # the engine's wording, with {value} and {n} to fill


def term_text(term) -> str:
    """An RDF term (rdflib or pyoxigraph) as the report shows it: a prefixed IRI or a quoted literal."""
    from lianjian.namespace import prefixed

    if isinstance(term, (ox.Literal, Literal)):
        lang = term.language
        if isinstance(term, ox.Literal):
            value, dt = term.value, term.datatype.value
        else:
            value, dt = str(term), str(term.datatype or XSD.string)
        text = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        if lang:
            return f"{text}@{lang}"
        return text if dt == str(XSD.string) else f"{text}^^{_short(dt)}"
    if isinstance(term, (ox.BlankNode, BNode)):
        return f"_:{term.value if isinstance(term, ox.BlankNode) else term}"
    return prefixed(term.value if isinstance(term, ox.NamedNode) else str(term))


def _short(iri) -> str:
    from lianjian.namespace import prefixed

    text = str(iri)
    for prefix, ns in (("sh", str(SH)), ("ljsh", "https://w3id.org/lianjian/shapes#")):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return prefixed(text)


def shape_name(shapes: Graph, node) -> str:
    """A stable name for a shape: its IRI, or for a blank property shape the node shape that holds it."""
    if isinstance(node, BNode):
        parent = shapes.value(None, SH.property, node)
        return shape_name(shapes, parent) if parent is not None else f"_:{node}"
    return _short(node)


def component_name(component) -> str:
    """The constraint parameter a component is named for: sh:MinCountConstraintComponent → sh:minCount."""
    local = str(component).removeprefix(str(SH)).removesuffix("ConstraintComponent")
    return "sh:sparql" if local == "SPARQL" else "sh:" + local[:1].lower() + local[1:]


def path_text(shapes: Graph, path) -> str:
    """A SHACL property path in SPARQL syntax with prefixed names (`rdfs:label|skos:prefLabel`)."""
    return _path(shapes, path, _short)


def _path(shapes: Graph, path, name) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return name(path)
    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(_path(shapes, p, name) for p in Collection(shapes, path)) + ")"
    for key, fmt in ((SH.alternativePath, "({})"), (SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                     (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = shapes.value(path, key)
        if inner is not None:
            if key == SH.alternativePath:
                return fmt.format("|".join(_path(shapes, p, name) for p in Collection(shapes, inner)))
            return fmt.format(_path(shapes, inner, name))
    raise UnsupportedShape(f"unsupported property path {path}")


def _iri(term) -> str:
    return f"<{term}>"


def _literal(term: Literal) -> str:
    return term.n3()


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class _Compiler:
    def __init__(self, shapes: Graph, store: ox.Store):
        self.shapes = shapes
        self.store = store
        self.fresh = 0
        self.closures: dict[URIRef, list[str]] = {}

    def var(self, stem: str) -> str:
        self.fresh += 1
        return f"?{stem}{self.fresh}"

    def subclasses(self, cls: URIRef) -> str:
        """The classes under `cls` (rdfs:subClassOf*, itself included) as a VALUES list of the data graph."""
        if cls not in self.closures:
            rows = self.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* <{cls}> }}",
                                    use_default_graph_as_union=True)
            self.closures[cls] = sorted({r["c"].value for r in rows} | {str(cls)})
        return " ".join(f"<{c}>" for c in self.closures[cls])

    def instance_of(self, var: str, cls: URIRef) -> str:
        t = self.var("t")
        return f"{var} <{RDF.type}> {t} . VALUES {t} {{ {self.subclasses(cls)} }}"

    # ------------------------------------------------------------------ targets

    def target(self, shape) -> str | None:
        parts = []
        for cls in self.shapes.objects(shape, SH.targetClass):
            parts.append(self.instance_of("?this", cls))
        for node in self.shapes.objects(shape, SH.targetNode):
            parts.append(f"VALUES ?this {{ {node.n3()} }}")
        for p in self.shapes.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this <{p}> [] .")
        for p in self.shapes.objects(shape, SH.targetObjectsOf):
            parts.append(f"[] <{p}> ?this .")
        if (shape, SH.target, None) in self.shapes:
            raise UnsupportedShape(f"sh:target (SHACL-AF targets) in {shape_name(self.shapes, shape)}")
        if not parts:
            return None
        return " UNION ".join(f"{{ {p} }}" for p in parts)

    # ------------------------------------------------------------------ value conditions

    def condition(self, shape, v: str, seen: frozenset = frozenset()) -> str:
        """A SPARQL expression true when the node `v` conforms to `shape` (never an error)."""
        if shape in seen:
            raise UnsupportedShape(f"recursive shape {shape_name(self.shapes, shape)}")
        seen = seen | {shape}
        parts = []
        path = self.shapes.value(shape, SH.path)
        for p, o in self.shapes.predicate_objects(shape):
            if p in _IGNORED or p == SH.path or p in _TARGETS:
                continue
            if path is None:
                parts.append(self.value_condition(p, o, v, seen, shape))
            else:
                parts.append(self.nested_property(shape, path, p, o, v, seen))
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def nested_property(self, shape, path, p, o, v: str, seen) -> str:
        sparql_path = self.sparql_path(path)
        x = self.var("x")
        if p == SH.hasValue:
            return f"EXISTS {{ {v} {sparql_path} {o.n3()} }}"
        if p == SH.minCount and int(o) <= 1:
            return f"EXISTS {{ {v} {sparql_path} {x} }}" if int(o) == 1 else "true"
        if p in _VALUE_PARAMS:
            return f"NOT EXISTS {{ {v} {sparql_path} {x} FILTER(!{self.value_condition(p, o, x, seen, shape)}) }}"
        raise UnsupportedShape(f"{_short(p)} in a nested property shape of {shape_name(self.shapes, shape)}")

    def value_condition(self, p, o, v: str, seen, shape=None) -> str:
        s = self.shapes
        if p == SH["class"]:
            return f"EXISTS {{ {self.instance_of(v, o)} }}"
        if p == SH.datatype:
            check = f"isLiteral({v}) && sameTerm(datatype({v}), <{o}>)"
            if o in CASTABLE:
                check += f" && COALESCE(isLiteral(<{o}>(STR({v}))), false)"
            return f"({check})"
        if p == SH.nodeKind:
            kinds = {SH.IRI: f"isIRI({v})", SH.BlankNode: f"isBlank({v})", SH.Literal: f"isLiteral({v})",
                     SH.BlankNodeOrIRI: f"!isLiteral({v})", SH.BlankNodeOrLiteral: f"!isIRI({v})",
                     SH.IRIOrLiteral: f"!isBlank({v})"}
            return f"({kinds[o]})"
        if p == SH.minLength:
            return f"(!isBlank({v}) && STRLEN(STR({v})) >= {int(o)})"
        if p == SH.maxLength:
            return f"(!isBlank({v}) && STRLEN(STR({v})) <= {int(o)})"
        if p == SH.pattern:
            flags = s.value(shape, SH.flags) if shape is not None else None
            return f"(!isBlank({v}) && REGEX(STR({v}), {_string(str(o))}, {_string(str(flags or ''))}))"
        if p == SH.flags:
            return "true"
        if p == SH.languageIn:
            tags = " || ".join(f"LANGMATCHES(LANG({v}), {_string(str(t))})" for t in Collection(s, o))
            return f"(isLiteral({v}) && ({tags or 'false'}))"
        if p == SH["in"]:
            members = " || ".join(f"sameTerm({v}, {t.n3()})" for t in Collection(s, o))
            return f"({members or 'false'})"
        if p == SH.hasValue:
            return f"sameTerm({v}, {o.n3()})"
        if p == SH["or"]:
            return "(" + " || ".join(self.condition(m, v, seen) for m in Collection(s, o)) + ")"
        if p == SH["and"]:
            return "(" + " && ".join(self.condition(m, v, seen) for m in Collection(s, o)) + ")"
        if p == SH["not"]:
            return f"!{self.condition(o, v, seen)}"
        if p == SH.node:
            return self.condition(o, v, seen)
        if p == SH.property:
            return self.condition(o, v, seen)
        raise UnsupportedShape(f"{_short(p)} is not supported")

    def sparql_path(self, path) -> str:
        return _path(self.shapes, path, _iri)

    # ------------------------------------------------------------------ describing (the engine's messages)

    def describe(self, p, o) -> str:
        s = self.shapes
        if p == SH["class"]:
            return f"an instance of {_short(o)}"
        if p == SH.datatype:
            return f"a valid {_short(o)} literal"
        if p == SH.nodeKind:
            return f"of node kind {_short(o)}"
        if p == SH.minLength:
            return f"at least {int(o)} character{'s' if int(o) != 1 else ''} long"
        if p == SH.maxLength:
            return f"within {int(o)} characters"
        if p == SH.pattern:
            return f"a match for {o}"
        if p == SH.languageIn:
            return "tagged " + " or ".join(str(t) for t in Collection(s, o))
        if p == SH["in"]:
            return "one of " + ", ".join(term_text(t) for t in Collection(s, o))
        if p == SH.hasValue:
            return term_text(o)
        if p in (SH["or"], SH["and"]):
            joiner = " or " if p == SH["or"] else " and "
            return joiner.join(self.describe_shape(m) for m in Collection(s, o))
        if p == SH["not"]:
            return f"not {self.describe_shape(o)}"
        if p in (SH.node, SH.property):
            return self.describe_shape(o)
        return _short(p)

    def describe_shape(self, shape) -> str:
        if isinstance(shape, URIRef):
            return f"conforming to {_short(shape)}"
        path = self.shapes.value(shape, SH.path)
        parts = [self.describe(p, o) for p, o in self.shapes.predicate_objects(shape)
                 if p not in _IGNORED and p != SH.path and p != SH.flags]
        text = " and ".join(parts) or "anything"
        if path is not None:
            return f"with {path_text(self.shapes, path)} {text}"
        return text

    # ------------------------------------------------------------------ checks

    def checks(self) -> list[Check]:
        shapes = self.shapes
        out: list[Check] = []
        roots = set(shapes.subjects(SH.targetClass, None)) | set(shapes.subjects(SH.targetNode, None)) | \
            set(shapes.subjects(SH.targetSubjectsOf, None)) | set(shapes.subjects(SH.targetObjectsOf, None)) | \
            set(shapes.subjects(SH.target, None))
        for shape in sorted(roots, key=str):
            if (shape, SH.deactivated, Literal(True)) in shapes:
                continue
            target = self.target(shape)
            out.extend(self.shape_checks(shape, shape, target, None))
            for prop in shapes.objects(shape, SH.property):
                if (prop, SH.deactivated, Literal(True)) in shapes:
                    continue
                out.extend(self.shape_checks(shape, prop, target, shapes.value(prop, SH.path)))
        return out

    def shape_checks(self, root, shape, target: str, path) -> list[Check]:
        shapes = self.shapes
        if (shape, SH.severity, None) in shapes and shapes.value(shape, SH.severity) != SH.Violation:
            raise UnsupportedShape(f"sh:severity other than sh:Violation in {shape_name(shapes, shape)}")
        name = shape_name(shapes, root)
        message = shapes.value(shape, SH.message)
        message = str(message) if message is not None else None
        shown = path_text(shapes, path) if path is not None else ""
        sp = self.sparql_path(path) if path is not None else None
        out = []

        def add(constraint, query, describe, own_message=message):
            out.append(Check(name, shown, constraint, query, own_message, describe))

        for p, o in shapes.predicate_objects(shape):
            if p in _IGNORED or p in _TARGETS or p in (SH.path, SH.flags, SH.property, SH.deactivated, SH.severity,
                                                      SH.qualifiedMaxCount, SH.qualifiedMinCount,
                                                      SH.qualifiedValueShapesDisjoint):
                continue
            constraint = _short(p)
            if p == SH.sparql:
                add("sh:sparql", self.sparql_constraint(o, target),
                    "violates the SPARQL constraint of " + name, _message(shapes.value(o, SH.message)) or message)
                continue
            if path is None:
                if p not in _VALUE_PARAMS:
                    raise UnsupportedShape(f"{constraint} on node shape {name}")
                cond = self.value_condition(p, o, "?this", frozenset(), shape)
                add(constraint, f"SELECT DISTINCT ?this ?v WHERE {{ {target} BIND(?this AS ?v) FILTER(!{cond}) }}",
                    f"{{value}} is not {self.describe(p, o)}")
            elif p == SH.minCount:
                add(constraint, self.count(target, sp, "<", int(o)),
                    f"needs at least {int(o)} value{'s' if int(o) != 1 else ''} of {shown}, has {{n}}")
            elif p == SH.maxCount:
                add(constraint, self.count(target, sp, ">", int(o)),
                    f"allows at most {int(o)} value{'s' if int(o) != 1 else ''} of {shown}, has {{n}}")
            elif p == SH.hasValue:
                add(constraint, f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {sp} {o.n3()} }} }}",
                    f"needs the value {term_text(o)}")
            elif p == SH.qualifiedValueShape:
                if shapes.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
                    raise UnsupportedShape(f"sh:qualifiedValueShapesDisjoint in {name}")
                x = self.var("q")
                cond = self.condition(o, x)
                what = self.describe_shape(o)
                for bound, op, word in ((SH.qualifiedMinCount, "<", "at least"), (SH.qualifiedMaxCount, ">", "at most")):
                    limit = shapes.value(shape, bound)
                    if limit is not None:
                        add(_short(bound), self.count(target, sp, op, int(limit), f"FILTER({cond})", x),
                            f"needs {word} {int(limit)} value{'s' if int(limit) != 1 else ''} of {shown} {what}, has {{n}}")
            elif p in _VALUE_PARAMS:
                add(constraint, self.values_query(target, sp, shape, p, o), f"value {{value}} is not {self.describe(p, o)}")
            else:
                raise UnsupportedShape(f"{constraint} in {name}")
        return out

    def values_query(self, target: str, sp: str, shape, p, o) -> str:
        """The values of `sp` that fail the constraint `p o`; class tests are anti-joins (much faster than EXISTS)."""
        head = f"SELECT DISTINCT ?this ?v WHERE {{ {target} ?this {sp} ?v ."
        classes = self.class_set(o) if p == SH["not"] else self.constraint_classes(p, o)
        if classes is not None:
            t = self.var("t")
            typed = f"?v <{RDF.type}> {t} . VALUES {t} {{ {classes} }}"
            return f"{head} {typed} }}" if p == SH["not"] else f"{head} MINUS {{ {typed} }} }}"
        return f"{head} FILTER(!{self.value_condition(p, o, '?v', frozenset(), shape)}) }}"

    def class_set(self, shape) -> str | None:
        """The classes a node must be an instance of (of any of) to conform to `shape`, when that is all it asks."""
        params = [(p, o) for p, o in self.shapes.predicate_objects(shape) if p not in _IGNORED]
        if (shape, SH.path, None) in self.shapes or len(params) != 1:
            return None
        return self.constraint_classes(*params[0])

    def constraint_classes(self, p, o) -> str | None:
        if p == SH["class"]:
            return self.subclasses(o)
        if p == SH["or"]:
            members = [self.class_set(m) for m in Collection(self.shapes, o)]
            return None if None in members else " ".join(sorted(set(" ".join(members).split())))
        if p == SH.node:
            return self.class_set(o)
        return None

    def count(self, target: str, sp: str, op: str, limit: int, filt: str = "", x: str = "?v") -> str:
        if op == "<" and limit == 1 and not filt:
            return f"SELECT DISTINCT ?this (0 AS ?n) WHERE {{ {target} FILTER NOT EXISTS {{ ?this {sp} [] }} }}"
        body = f"OPTIONAL {{ ?this {sp} {x} {filt} }}" if op == "<" else f"?this {sp} {x} {filt}"
        return (f"SELECT ?this (COUNT(DISTINCT {x}) AS ?n) WHERE {{ {target} {body} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT {x}) {op} {limit})")

    def sparql_constraint(self, node, target: str) -> str:
        shapes = self.shapes
        select = shapes.value(node, SH.select)
        if select is None or (node, SH.deactivated, Literal(True)) in shapes:
            raise UnsupportedShape("sh:sparql without sh:select")
        text = str(select)
        if "PREFIX" in text.upper().split("SELECT")[0] or "$currentShape" in text or "$shapesGraph" in text:
            raise UnsupportedShape("a SPARQL constraint with its own PREFIX, $currentShape or $shapesGraph")
        prologue = "".join(f"PREFIX {d.value(SH.prefix)}: <{d.value(SH.namespace)}>\n"
                           for decl in shapes.objects(node, SH.prefixes)
                           for d in (shapes.resource(x) for x in shapes.objects(decl, SH.declare)))
        inner = text.replace("$this", "?this")
        return f"{prologue}SELECT DISTINCT ?this WHERE {{ {target} {{ {inner} }} }}"


_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
_VALUE_PARAMS = {SH["class"], SH.datatype, SH.nodeKind, SH.minLength, SH.maxLength, SH.pattern, SH.languageIn, SH["in"],
                 SH["or"], SH["and"], SH["not"], SH.node}


def _message(m) -> str | None:
    return None if m is None else str(m)


def compile_shapes(shapes: Graph, store: ox.Store) -> list[Check]:
    """The SPARQL checks for `shapes` (class closures are read from `store`); raises `UnsupportedShape`."""
    return _Compiler(shapes, store).checks()


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def run_checks(checks: list[Check], store: ox.Store):
    """Yield (check, focus, value, message) for every violation, querying the union of the store's graphs."""
    for check in checks:
        rows = store.query(check.query, use_default_graph_as_union=True)
        names = {v.value for v in rows.variables}
        for row in rows:
            focus = term_text(row["this"])
            value = row["v"] if "v" in names else None
            n = row["n"] if "n" in names else None
            value_text = term_text(value) if value is not None else (focus if check.constraint == "sh:sparql" else "")
            if check.message is not None:
                message = check.message
            else:
                message = check.describe.format(value=_shorten(value_text), n=n.value if n is not None else "")
            yield check, focus, value_text, message
