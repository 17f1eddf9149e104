"""The explorer's SPARQL 1.1 Protocol endpoint: read-only, each query in a forked worker with a time and a row limit.

Results by content negotiation: SPARQL JSON (default), SPARQL XML, CSV, TSV, or the HTML form page.
Updates are refused with 403; the local-query rules of `run_sparql_text` apply (no files, no network).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import re
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

from starlette.requests import Request
from starlette.responses import Response

from lianjian.errors import LianjianError
from lianjian.results import QueryResult, render

__all__ = ["SparqlEndpoint", "result_xml", "MEDIA_TYPES"]

#: Result formats by media type, in order of preference when the client accepts any.
MEDIA_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
}
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX|BASE)\s[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def result_xml(result: QueryResult) -> str:
    """The W3C SPARQL Query Results XML format."""
    from rdflib import BNode, Literal, URIRef

    def text(s: str) -> str:
        return escape(_XML_BAD.sub("\ufffd", s))

    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in result.vars]
    out.append("</head>\n<results>")
    for row in result.rows:
        out.append("<result>")
        for v, t in zip(result.vars, row):
            if t is None:
                continue
            if isinstance(t, URIRef):
                inner = f"<uri>{text(str(t))}</uri>"
            elif isinstance(t, BNode):
                inner = f"<bnode>{text(str(t))}</bnode>"
            elif isinstance(t, Literal) and t.language:
                inner = f"<literal xml:lang={quoteattr(t.language)}>{text(str(t))}</literal>"
            elif isinstance(t, Literal) and t.datatype:
                inner = f"<literal datatype={quoteattr(str(t.datatype))}>{text(str(t))}</literal>"
            else:
                inner = f"<literal>{text(str(t))}</literal>"
            out.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out)


def _negotiate(accept: str, requested: str | None) -> str:
    if requested:
        if requested not in set(MEDIA_TYPES.values()):
            raise LianjianError(f"format: unknown result format {requested!r} (choose json, xml, csv, tsv, html)")
        return requested
    best, best_q = "json", -1.0
    for i, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        m = re.search(r"q=([0-9.]+)", params)
        if m:
            try:
                q = float(m.group(1))
            except ValueError:
                q = 0.0
        fmt = MEDIA_TYPES.get(media.strip().lower())
        if fmt is None and media.strip() in ("*/*", "application/*"):
            fmt = "json"
        if fmt is not None and q - i * 1e-6 > best_q:
            best, best_q = fmt, q - i * 1e-6
    return best


def _worker(kg, text: str, fmt: str, row_limit: int, conn) -> None:
    """Runs in the forked child: the query, its rendering, and the answer sent back through the pipe."""
    from lianjian.queries.run import run_sparql_text

    try:
        result = run_sparql_text(kg, text)
        truncated = len(result.rows) > row_limit
        result = QueryResult(result.vars, result.rows[:row_limit])
        if fmt == "html":
            payload = {"vars": result.vars, "rows": result.short_rows()}
        else:
            payload = result_xml(result) if fmt == "xml" else render(result, fmt, w3c=True)
        conn.send(("ok", payload, truncated))
    except LianjianError as exc:
        conn.send(("error", str(exc), False))
    except Exception as exc:  # the child must always answer
        conn.send(("error", f"query failed: {type(exc).__name__}", False))
    finally:
        conn.close()


class SparqlEndpoint:
    """GET and POST handling of the SPARQL 1.1 Protocol over one KnowledgeGraph."""

    def __init__(self, kg, seconds: float = 10.0, row_limit: int = 10000):
        self.kg = kg
        self.seconds = seconds
        self.row_limit = row_limit

    def run(self, text: str, fmt: str):
        """Run `text` in a forked worker; ("ok", payload, truncated) or ("error", message, False) or ("timeout", …)."""
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_worker, args=(self.kg, text, fmt, self.row_limit, child), daemon=True)
        proc.start()
        child.close()
        try:
            if parent.poll(self.seconds):
                try:
                    return parent.recv()
                except EOFError:
                    return ("error", "the query worker ended without an answer", False)
            return ("timeout", f"query stopped after {self.seconds:g} s (the time limit)", False)
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join(1)
            parent.close()

    async def handle(self, request: Request, page) -> Response:
        if request.method not in ("GET", "POST"):
            return Response("read-only endpoint: updates are refused\n", status_code=403, media_type="text/plain")
        text = None
        if request.method == "GET":
            if "update" in request.query_params:
                return Response("read-only endpoint: updates are refused\n", status_code=403, media_type="text/plain")
            text = request.query_params.get("query")
        else:
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return Response("read-only endpoint: updates are refused\n", status_code=403, media_type="text/plain")
            body = await request.body()
            if len(body) > 1_000_000:
                return Response("query too long (over 1 MB)\n", status_code=413, media_type="text/plain")
            if ctype == "application/sparql-query":
                text = body.decode("utf-8", errors="replace")
            elif ctype in ("application/x-www-form-urlencoded", ""):
                form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
                if "update" in form:
                    return Response("read-only endpoint: updates are refused\n", status_code=403, media_type="text/plain")
                text = (form.get("query") or [None])[0]
            else:
                return Response(f"unsupported content type {ctype!r}\n", status_code=415, media_type="text/plain")
        try:
            fmt = _negotiate(request.headers.get("accept", ""), request.query_params.get("format"))
        except LianjianError as exc:
            return Response(f"{exc}\n", status_code=400, media_type="text/plain")
        if not text:
            if fmt == "html":
                return page(query=None, result=None, error=None)
            return Response("give a SPARQL query in the `query` parameter\n", status_code=400, media_type="text/plain")
        if _UPDATE.match(text):
            return Response("read-only endpoint: updates are refused\n", status_code=403, media_type="text/plain")
        status, payload, truncated = await asyncio.to_thread(self.run, text, fmt)
        if status != "ok":
            code = 503 if status == "timeout" else 400
            if fmt == "html":
                resp = page(query=text, result=None, error=payload)
                resp.status_code = code
                return resp
            return Response(f"{payload}\n", status_code=code, media_type="text/plain")
        headers = {"X-Lianjian-Truncated": str(self.row_limit)} if truncated else {}
        if fmt == "html":
            resp = page(query=text, result=payload, error=None, truncated=truncated)
            resp.headers.update(headers)
            return resp
        media = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                 "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8"}[fmt]
        return Response(payload.encode("utf-8"), media_type=media, headers=headers)
