"""Query results as a neutral table of RDF terms, and its output formats.

`json` is the W3C SPARQL 1.1 Query Results JSON format (full IRIs); `csv` and
`tsv` are tables for spreadsheets: prefixed ids (``id:changning-district``),
literal text, numbers as numbers, no cell a spreadsheet would run as a formula
(`render(..., w3c=True)` gives the W3C SPARQL 1.1 CSV/TSV results formats
instead, for the SPARQL endpoint); `xlsx` is an Excel workbook (bytes);
`table` aligns columns for a terminal (Chinese characters count two cells);
`md` writes a Markdown table.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field

from rdflib import XSD, BNode, Literal, URIRef
from wcwidth import wcswidth, wcwidth

from lianjian.errors import UsageError
from lianjian.namespace import prefixed

__all__ = ["QueryResult", "FORMATS", "TABLE_FORMATS", "EXCEL_FORMATS", "BOM", "render", "short", "safe_text"]

#: Text formats, for every command that prints a table.
FORMATS = ("table", "csv", "tsv", "json", "md")
#: The formats of the query commands (query, sparql, cypher): the text ones and an Excel workbook.
TABLE_FORMATS = FORMATS + ("xlsx",)
#: Formats that --excel applies to (it prefixes a UTF-8 byte-order mark, so Excel reads Chinese).
EXCEL_FORMATS = ("csv", "tsv")
BOM = "\ufeff"
#: Rows a notebook shows before "N more rows".
_HTML_ROWS = 200
_NUMERIC = {str(XSD.integer), str(XSD.decimal), str(XSD.double), str(XSD.float), str(XSD.int), str(XSD.long)}


#: Characters XML 1.0 cannot hold (and controls a CSV reader chokes on): written as visible escapes instead.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def safe_text(text: str) -> str:
    r"""`text` with the characters XML 1.0 cannot hold written as escapes (a NUL becomes ``\x00``).

    >>> safe_text("a" + chr(11) + "b")
    'a\\x0bb'
    """
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


@dataclass
class QueryResult:
    """Variables and rows (each row a list of RDF terms or None)."""

    vars: list[str]
    rows: list[list] = field(default_factory=list)

    @classmethod
    def from_rdflib(cls, result) -> "QueryResult":
        names = [str(v) for v in result.vars]
        return cls(names, [[row[v] for v in result.vars] for row in result])

    def records(self) -> list[dict]:
        """Rows as dicts of plain values (IRIs and text as str, numbers as numbers)."""
        return [{v: _plain(t) for v, t in zip(self.vars, row) if t is not None} for row in self.rows]

    def canonical(self) -> list[tuple]:
        """Rows as sorted tuples of N-Triples strings, for comparing results across engines."""
        return sorted(tuple(_canon(t) for t in row) for row in self.rows)

    def short_rows(self) -> list[dict]:
        """Rows as dicts of what a reader sees: prefixed ids (id:changning-district), literal text, numbers."""
        return [{v: (short(t) if isinstance(t, (URIRef, BNode)) else _plain(t)) for v, t in zip(self.vars, row)
                 if t is not None} for row in self.rows]

    def to_df(self):
        """The rows as a pandas DataFrame with prefixed ids (needs the `notebook` extra: pip install 'lianjian[notebook]')."""
        try:
            import pandas as pd
        except ImportError:
            raise UsageError("to_df() needs pandas: pip install 'lianjian[notebook]'") from None
        return pd.DataFrame(self.short_rows(), columns=self.vars)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"<QueryResult {len(self.rows)} row{'s' if len(self.rows) != 1 else ''}: {', '.join(self.vars)}>"

    def _repr_html_(self) -> str:
        """An HTML table for Jupyter: prefixed ids and text, escaped."""
        from html import escape

        head = "".join(f"<th>{escape(v)}</th>" for v in self.vars)
        body = "".join("<tr>" + "".join(f"<td>{escape('' if t is None else short(t))}</td>" for t in row) + "</tr>"
                       for row in self.rows[:_HTML_ROWS])
        more = f"<p>{len(self.rows) - _HTML_ROWS} more rows</p>" if len(self.rows) > _HTML_ROWS else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _canon(t) -> str:
    if t is None:
        return ""
    if isinstance(t, Literal):
        if t.datatype and str(t.datatype) in _NUMERIC:
            try:
                n = float(t)
                return repr(int(n)) if n.is_integer() else repr(n)
            except ValueError:
                pass
        if t.language:
            return f'"{t}"@{t.language.lower()}'
        if t.datatype and str(t.datatype) != str(XSD.string):
            return f'"{t}"^^<{t.datatype}>'
        return f'"{t}"'
    return t.n3()


def _plain(t):
    if isinstance(t, Literal):
        if t.datatype and str(t.datatype) in _NUMERIC:
            n = float(t)
            return int(n) if n.is_integer() else n
        if t.datatype and str(t.datatype) == str(XSD.boolean):
            return str(t) == "true"
        return str(t)
    return str(t)


def short(t) -> str:
    """A term as a reader sees it: prefixed IRIs, literal text.

    >>> short(URIRef("https://w3id.org/lianjian/id/changning-district"))
    'id:changning-district'
    """
    if t is None:
        return ""
    return prefixed(t) if isinstance(t, URIRef) else str(t)


def _width(text: str) -> int:
    """Terminal columns of `text` (wcwidth: wide CJK characters take two, combining marks none)."""
    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcwidth(c), 0) for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def render(result: QueryResult, fmt: str = "table", *, w3c: bool = False) -> str | bytes:
    """The result in one of TABLE_FORMATS (`xlsx` as bytes, the others as text); `w3c` gives the W3C
    SPARQL CSV/TSV results formats (full IRIs, TSV terms in N-Triples syntax) instead of spreadsheet tables."""
    if fmt == "json":
        return json.dumps(_json(result), ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv" or (fmt == "tsv" and not w3c):
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n" if fmt == "csv" else "\n", delimiter="," if fmt == "csv" else "\t")
        w.writerow(result.vars)
        for row in result.rows:
            w.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else _cell(t, w3c)) for t in row])
        return out.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in result.vars)]
        for row in result.rows:
            lines.append("\t".join(_tsv(t) for t in row))
        return "\n".join(lines) + "\n"
    if fmt == "xlsx":
        return _xlsx(result)
    if fmt in ("table", "md"):
        cells = [[short(t).replace("\n", " ") for t in row] for row in result.rows]
        if fmt == "md":
            esc = lambda s: s.replace("|", "\\|")  # noqa: E731
            lines = ["| " + " | ".join(result.vars) + " |", "|" + "|".join("---" for _ in result.vars) + "|"]
            lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
            return "\n".join(lines) + "\n"
        widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(result.vars)]
        lines = ["  ".join(_pad(v, w) for v, w in zip(result.vars, widths)).rstrip(), "  ".join("-" * w for w in widths)]
        lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
        lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
        return "\n".join(lines) + "\n"
    raise UsageError(f"--format: unknown format {fmt!r} (choose {', '.join(TABLE_FORMATS)})")


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(text: str) -> str:
    """A cell's text that a spreadsheet will not run: one starting like a formula gets a leading `'` (OWASP).

    >>> neutralise("=SUM(A1)"), neutralise("-1+2"), neutralise("党建")
    ("'=SUM(A1)", "'-1+2", '党建')
    """
    return "'" + text if text.startswith(FORMULA_START) else text


def _is_number(t) -> bool:
    """A numeric literal whose text is a plain number (which a spreadsheet reads as a number, not a formula)."""
    if not (isinstance(t, Literal) and t.datatype and str(t.datatype) in _NUMERIC):
        return False
    try:
        float(str(t))
    except ValueError:
        return False
    return all(c in "0123456789+-.eE" for c in str(t))


def _cell(t, w3c: bool = False) -> str:
    """A CSV/TSV cell: the term's text (an IRI prefixed unless `w3c`), neutralised unless it is a plain number."""
    if _is_number(t):
        return str(t)
    return neutralise(str(t) if w3c or not isinstance(t, URIRef) else short(t))


def _xlsx(result: QueryResult) -> bytes:
    """An Excel workbook of the result: a header row, then numbers as numbers and everything else as text cells
    (prefixed ids, neutralised like CSV; characters a workbook cannot hold written as escapes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font


    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append([safe_text(v) for v in result.vars])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for r, row in enumerate(result.rows, start=2):
        for c, t in enumerate(row, start=1):
            if t is None:
                continue
            number = _plain(t) if _is_number(t) else None
            if isinstance(number, (int, float)) and math.isfinite(number) and abs(number) < 1e15:
                ws.cell(row=r, column=c, value=number)
            else:
                text = f"_:{t}" if isinstance(t, BNode) else _cell(t)
                cell = ws.cell(row=r, column=c)
                cell.value = safe_text(text)
                cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _tsv(t) -> str:
    if t is None:
        return ""
    if _is_number(t):
        return str(t)
    if isinstance(t, Literal):
        t = Literal(neutralise(str(t)), lang=t.language, datatype=t.datatype)
    return t.n3().replace("\t", "\\t").replace("\n", "\\n")


def _json(result: QueryResult) -> dict:
    bindings = []
    for row in result.rows:
        b = {}
        for v, t in zip(result.vars, row):
            if t is None:
                continue
            if isinstance(t, URIRef):
                b[v] = {"type": "uri", "value": str(t)}
            elif isinstance(t, BNode):
                b[v] = {"type": "bnode", "value": str(t)}
            else:
                d = {"type": "literal", "value": str(t)}
                if t.language:
                    d["xml:lang"] = t.language
                elif t.datatype:
                    d["datatype"] = str(t.datatype)
                b[v] = d
        bindings.append(b)
    return {"head": {"vars": result.vars}, "results": {"bindings": bindings}}
