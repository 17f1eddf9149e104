"""The explorer: a read-only Starlette app over one `KnowledgeGraph`, every view at a URL that reproduces it.

Pages answer as HTML, and as JSON with `?format=json`; query results also as CSV (UTF-8 with BOM), TSV and
SPARQL JSON. Everything the pages need (scripts, styles) is served from the package: no request leaves the machine.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Iterable
from urllib.parse import urlencode

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lianjian.errors import LianjianError, UsageError
from lianjian.serve import pages
from lianjian.serve.sparql import SparqlEndpoint

__all__ = ["create_app"]

HERE = Path(str(resources.files("lianjian") / "serve"))
#: Content-Security-Policy of the app's own pages: scripts and styles from the app only, nothing else.
CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
#: The interface strings in both languages (serve/ui.yaml); every template takes them as `t`.
UI = yaml.safe_load((HERE / "ui.yaml").read_text(encoding="utf-8"))


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "zh"


def create_app(kg, sources: Iterable[str | Path] = (), query_seconds: float = 10.0, row_limit: int = 10000) -> Starlette:
    """The explorer over `kg`; `sources` are the folders of the source texts (for the source pages)."""
    folders = [Path(s) for s in sources]
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True))
    endpoint = SparqlEndpoint(kg, seconds=query_seconds, row_limit=row_limit)

    def url(request: Request, path: str, **params) -> str:
        params = {k: v for k, v in params.items() if v not in (None, "")}
        if _lang(request) == "en":
            params.setdefault("lang", "en")
        return path + ("?" + urlencode(params) if params else "")

    def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        lang = _lang(request)
        other = dict(request.query_params)
        if lang == "en":
            other.pop("lang", None)
        else:
            other["lang"] = "en"
        html = env.get_template(template).render(
            request=request, lang=lang, t=UI[lang], url=lambda path, **p: url(request, path, **p),
            switch=request.url.path + ("?" + urlencode(other) if other else ""), **context)
        return HTMLResponse(html, status_code=status)

    def wants_json(request: Request) -> bool:
        return request.query_params.get("format") == "json"

    async def home(request: Request):
        data = pages.overview(kg)
        if wants_json(request):
            return JSONResponse(data)
        return render(request, "home.html", data=data)

    async def search(request: Request):
        results = pages.search(kg, request.query_params.get("q", ""))
        if wants_json(request):
            return JSONResponse(results)
        return render(request, "search.html", q=request.query_params.get("q", ""), results=results)

    async def entity(request: Request):
        data = pages.entity(kg, request.path_params["id"])
        if wants_json(request):
            return JSONResponse(data)
        return render(request, "entity.html", e=data)

    async def neighbours(request: Request):
        hops = request.query_params.get("hops", "1")
        if not hops.isdigit():
            raise UsageError("hops: give 1, 2 or 3")
        return JSONResponse(pages.neighbourhood(kg, request.path_params["id"], int(hops)))

    async def source(request: Request):
        data = pages.source(kg, request.path_params["id"], folders)
        if wants_json(request):
            return JSONResponse(data)
        return render(request, "source.html", s=data)

    async def gallery(request: Request):
        data = pages.catalogue()
        if wants_json(request):
            return JSONResponse(data)
        return render(request, "queries.html", queries=data)

    async def query(request: Request):
        from lianjian.results import render as render_result

        name = request.path_params["name"]
        fmt = request.query_params.get("format", "html")
        params = {}
        for key, value in request.query_params.multi_items():
            if key in ("format", "lang"):
                continue
            if key in params:
                raise UsageError(f"parameter '{key}' is given twice")
            params[key] = value
        out = pages.run_canned(kg, name, params)
        result = out["result"]
        if fmt == "csv":
            body = "\ufeff" + render_result(result, "csv")
            return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        if fmt == "tsv":
            return Response(render_result(result, "tsv").encode("utf-8"), media_type="text/tab-separated-values; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}.tsv"'})
        if fmt == "json":
            return Response(render_result(result, "json").encode("utf-8"), media_type="application/sparql-results+json")
        if fmt != "html":
            raise UsageError(f"format: unknown format {fmt!r} (choose html, csv, tsv, json)")
        rows = result.short_rows()[:pages.PAGE_ROWS]
        views = _views(result.vars, rows)
        return render(request, "query.html", q=out["query"], text=out["text"], vars=result.vars, rows=rows,
                      total=len(result.rows), seconds=out["seconds"], params=params, views=views,
                      views_json=json.dumps({"vars": result.vars, "rows": rows, "views": views}, ensure_ascii=False)
                      .replace("<", "\\u003c"))

    async def network(request: Request):
        from lianjian.graph.style import vocabulary_labels
        from lianjian.graph.viz import render_html, to_pyvis, view_graph

        qp = request.query_params
        around = qp.get("around") or None
        hops = qp.get("hops", "1")
        if not hops.isdigit() or not 1 <= int(hops) <= 3:
            raise UsageError("hops: give 1, 2 or 3")
        cases = qp.getlist("case")
        unknown = [c for c in cases if c not in kg.corpus.sources]
        if unknown:
            raise UsageError(f"case: no source with id {unknown[0]!r}")
        g = kg.to_networkx()
        if around is not None and around not in g:
            raise pages.NotFound(f"no entity with id {around!r} in the network")
        v = view_graph(g, cases=cases, sectors=qp.getlist("sector"), around=around, hops=int(hops))
        lang = _lang(request)
        page = render_html(to_pyvis(v, lang=lang), lang=lang, labels=vocabulary_labels(kg))
        return HTMLResponse(page)

    async def sparql(request: Request):
        return await endpoint.handle(request, lambda **ctx: render(request, "sparql.html", **ctx))

    async def vis_js(request: Request):
        from lianjian.graph.viz import vis_assets

        return Response(vis_assets()[0], media_type="text/javascript; charset=utf-8")

    def error_page(request: Request, status: int, message: str) -> Response:
        if wants_json(request) or request.url.path.endswith("/neighbours"):
            return JSONResponse({"error": message}, status_code=status)
        return render(request, "error.html", status=status, code=status, message=message)

    async def on_not_found(request: Request, exc: pages.NotFound):
        return error_page(request, 404, str(exc))

    async def on_usage(request: Request, exc: LianjianError):
        return error_page(request, 400, str(exc))

    async def on_http(request: Request, exc):
        return error_page(request, getattr(exc, "status_code", 500), getattr(exc, "detail", "") or "not found")

    async def on_error(request: Request, exc: Exception):
        return error_page(request, 500, f"internal error: {type(exc).__name__}")

    app = Starlette(
        middleware=[Middleware(SecurityHeaders)],
        debug=False,
        routes=[
            Route("/", home),
            Route("/search", search),
            Route("/entity/{id}", entity),
            Route("/entity/{id}/neighbours", neighbours),
            Route("/source/{id}", source),
            Route("/queries", gallery),
            Route("/queries/{name}", query),
            Route("/network", network),
            Route("/sparql", sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
            Route("/static/vis-network.min.js", vis_js),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ],
        exception_handlers={pages.NotFound: on_not_found, LianjianError: on_usage, 404: on_http, 405: on_http,
                            Exception: on_error},
    )

    return app


class SecurityHeaders:
    """ASGI middleware: the app's Content-Security-Policy and no-sniff on every answer (the network page has its own)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if scope["path"] != "/network":
                    headers.append((b"content-security-policy", CSP.encode()))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _views(names: list[str], rows: list[dict]) -> list[str]:
    """Which result views fit the rows: a network (two entity columns), a timeline (dates), a bar chart (counts)."""
    views = ["table"]
    entity_cols = [n for n in names if any(str(r.get(n, "")).startswith("id:") for r in rows[:50])]
    if len(entity_cols) >= 2:
        views.append("graph")
    if any(n in names for n in ("date", "start", "year", "as_of")):
        views.append("timeline")
    numeric = [n for n in names if rows and all(isinstance(r.get(n), (int, float)) and not isinstance(r.get(n), bool)
                                                 for r in rows if n in r) and any(n in r for r in rows)]
    if numeric and len(rows) <= 200:
        views.append("chart")
    return views
