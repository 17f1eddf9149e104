"""The one registry of file formats: name → file suffixes → what writes (and reads) it.

`build`, `export`, `diff`, `KnowledgeGraph.serialize`/`from_file` and the CLI's choices all read it, so a
format is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from lianjian.errors import UsageError

__all__ = ["Format", "FORMATS", "RDF", "PROJECTION", "FOLDER", "names", "by_suffix", "readable", "get"]

#: What writes a format: the RDF store, the networkx projection (graph.exchange), or a folder of files (graph.neo4j).
RDF, PROJECTION, FOLDER = "rdf", "projection", "folder"


@dataclass(frozen=True)
class Format:
    """One output format: its `--format` name, the suffixes that mean it, and its writer."""

    name: str
    suffixes: tuple[str, ...]
    writer: str
    rdflib: str | None = None
    oxigraph: ox.RdfFormat | None = None
    quads: bool = False
    title: str = ""

    @property
    def readable(self) -> bool:
        """Whether `diff` and `KnowledgeGraph.from_file` read this format back."""
        return self.writer == RDF and self.oxigraph is not None


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("ttl", (".ttl",), RDF, "turtle", ox.RdfFormat.TURTLE, False, "Turtle"),
    Format("nt", (".nt",), RDF, "nt", ox.RdfFormat.N_TRIPLES, False, "N-Triples"),
    Format("nq", (".nq",), RDF, "nquads", ox.RdfFormat.N_QUADS, True, "N-Quads"),
    Format("trig", (".trig",), RDF, "trig", ox.RdfFormat.TRIG, True, "TriG"),
    Format("jsonld", (".jsonld", ".json"), RDF, "json-ld", None, True, "JSON-LD"),
    Format("graphml", (".graphml",), PROJECTION, title="GraphML"),
    Format("gexf", (".gexf",), PROJECTION, title="GEXF 1.3"),
    Format("neo4j", (), FOLDER, title="Neo4j import CSVs"),
)}


def names(writer: str | None = None) -> list[str]:
    """The format names, all or those of one writer (`RDF`, `PROJECTION`, `FOLDER`)."""
    return [n for n, f in FORMATS.items() if writer is None or f.writer == writer]


def get(name: str, option: str = "--format") -> Format:
    """The format called `name`; a usage error naming `option` otherwise."""
    if name not in FORMATS:
        raise UsageError(f"{option}: unknown format {name!r} (choose {', '.join(FORMATS)})")
    return FORMATS[name]


def by_suffix(path: str | Path, writer: str = RDF) -> Format | None:
    """The format of one writer that a file name's suffix means, or None."""
    suffix = Path(path).suffix.lower()
    return next((f for f in FORMATS.values() if f.writer == writer and suffix in f.suffixes), None)


def readable(path: str | Path) -> Format:
    """The readable RDF format of a graph file, from its suffix; a usage error naming the file otherwise.

    >>> readable("g.trig").name
    'trig'
    """
    fmt = by_suffix(path)
    if fmt is None or not fmt.readable:
        known = [s for f in FORMATS.values() if f.readable for s in f.suffixes]
        raise UsageError(f"{path}: cannot tell the RDF format from the extension (use {', '.join(known[:-1])} or {known[-1]})")
    return fmt
