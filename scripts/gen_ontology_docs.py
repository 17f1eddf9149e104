"""Generate docs/ontology.md (classes, properties, vocabularies as tables) from the Turtle files.

    python scripts/gen_ontology_docs.py          # rewrite docs/ontology.md
    python scripts/gen_ontology_docs.py --check  # exit 1 if docs/ontology.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph

from lianjian.namespace import LJ, PREFIXES

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generated import write_or_check  # noqa: E402
from lianjian.ontology import ONTOLOGY_DIR, ontology_files

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "ontology.md"


def short(term) -> str:
    text = str(term)
    for prefix, ns in PREFIXES.items():
        if text.startswith(str(ns)) and len(text) > len(str(ns)):
            return f"{prefix}:{text[len(str(ns)):]}"
    return text


def label(g: Graph, s, lang: str, pred=RDFS.label) -> str:
    for o in g.objects(s, pred):
        if getattr(o, "language", None) and o.language.lower().startswith(lang.lower()):
            return str(o)
    return ""


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    g = Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    lines = ["# The lianjian ontology", "",
             "Generated from `lianjian/ontology/lianjian.ttl` and `lianjian/ontology/vocabularies/*.ttl` by",
             "`scripts/gen_ontology_docs.py`; do not edit by hand. Namespace: `lj:` = `" + str(LJ) + "`.", "",
             "Reused vocabularies: W3C ORG (`org:`), PROV-O (`prov:`), SKOS (`skos:`), FOAF (`foaf:`), Dublin Core terms (`dcterms:`).", ""]
    classes = sorted((c for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(str(LJ))), key=str)
    parents = {c: [p for p in g.objects(c, RDFS.subClassOf)] for c in classes}

    def depth(c, seen=()):
        ps = [p for p in parents.get(c, []) if p in parents and p not in seen]
        return 0 if not ps else 1 + max(depth(p, seen + (c,)) for p in ps)

    roots = ["Organization", "Area", "Person", "CollectiveActor", "Initiative", "Event", "JointBuilding", "Mechanism",
             "PolicyDocument", "Observation", "SourceDocument", "Evidence"]

    def family(c):
        cur = c
        while True:
            name = short(cur).split(":")[1]
            if name in roots:
                return roots.index(name)
            ps = [p for p in parents.get(cur, []) if p in parents]
            if not ps:
                return len(roots)
            cur = ps[0]

    lines += ["## Classes", "", "| class | 中文 | English | subclass of | definition |", "|---|---|---|---|---|"]
    def lineage(c, seen=()):
        ps = [p for p in parents.get(c, []) if p in parents and p not in seen]
        return (lineage(ps[0], seen + (c,)) if ps else ()) + (short(c),)

    for c in sorted(classes, key=lambda c: (family(c), lineage(c))):
        indent = "&nbsp;&nbsp;" * depth(c)
        sups = ", ".join(f"`{short(p)}`" for p in sorted(parents[c], key=str))
        lines.append(f"| {indent}`{short(c)}` | {label(g, c, 'zh')} | {label(g, c, 'en')} | {sups} | {cell(label(g, c, 'en', RDFS.comment))} |")
    lines += ["", "## Properties", "", "| property | type | 中文 | English | domain | range | definition |", "|---|---|---|---|---|---|---|"]
    props = sorted({p for t in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in g.subjects(RDF.type, t) if str(p).startswith(str(LJ))}, key=str)
    for p in props:
        kinds = sorted(short(t).split(":")[1] for t in g.objects(p, RDF.type))
        dom = ", ".join(f"`{short(x)}`" for x in g.objects(p, RDFS.domain))
        rng = ", ".join(f"`{short(x)}`" for x in g.objects(p, RDFS.range))
        lines.append(f"| `{short(p)}` | {', '.join(kinds)} | {label(g, p, 'zh')} | {label(g, p, 'en')} | {dom} | {rng} | {cell(label(g, p, 'en', RDFS.comment))} |")
    for scheme, title in ((LJ.SectorScheme, "Sectors"), (LJ.RelationKindScheme, "Relation kinds"), (LJ.MechanismScheme, "Base mechanisms")):
        lines += ["", f"## {title} (`{short(scheme)}`)", "", "| concept | 中文 | English | broader | definition |", "|---|---|---|---|---|"]
        concepts = sorted(g.subjects(SKOS.inScheme, scheme), key=str)
        broader = {c: next(iter(g.objects(c, SKOS.broader)), None) for c in concepts}

        def cdepth(c):
            return 0 if broader.get(c) is None else 1 + cdepth(broader[c])

        def path(c):
            return (path(broader[c]) if broader.get(c) is not None else ()) + (str(c),)

        for c in sorted(concepts, key=path):
            b = f"`{short(broader[c])}`" if broader[c] is not None else ""
            indent = "&nbsp;&nbsp;" * cdepth(c)
            lines.append(f"| {indent}`{short(c)}` | {label(g, c, 'zh', SKOS.prefLabel)} | {label(g, c, 'en', SKOS.prefLabel)} | {b} | {cell(label(g, c, 'en', SKOS.definition))} |")
    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl")
    lines += ["", "## SHACL shapes (`lianjian/ontology/shapes.ttl`)", ""]
    for s in sorted(shapes.subjects(RDF.type, URIRef_SH_NODE), key=str):
        targets = ", ".join(f"`{short(t)}`" for t in sorted(shapes.objects(s, SH_TARGET), key=str))
        comment = next(iter(shapes.objects(s, RDFS.comment)), "")
        lines.append(f"* `{str(s).rsplit('#', 1)[1]}` on {targets}" + (f": {comment}" if comment else ""))
    return "\n".join(lines) + "\n"


from rdflib import URIRef  # noqa: E402

URIRef_SH_NODE = URIRef("http://www.w3.org/ns/shacl#NodeShape")
SH_TARGET = URIRef("http://www.w3.org/ns/shacl#targetClass")


def main() -> int:
    return write_or_check(TARGET, render(), "gen_ontology_docs.py")


if __name__ == "__main__":
    sys.exit(main())
