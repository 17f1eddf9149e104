"""The `lianjian` command line: each command parses options, calls one library function, prints."""

from __future__ import annotations

import collections
import contextlib
import json
import sys
import traceback

import click

from lianjian import __version__, api
from lianjian.errors import CaseErrors, LianjianError, printable
from lianjian.options import case_options, check_result_output, emit, emit_result, engine_option, excel_option, format_option, output_option
from lianjian.results import FORMATS, TABLE_FORMATS, render

__all__ = ["main", "cli"]


class LianjianGroup(click.Group):
    """Turns library errors into one line each and an exit status, in one place."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CaseErrors as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            n = len(exc.problems)
            click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was written.", err=True)
            _debug(ctx)
            ctx.exit(exc.exit_code)
        except LianjianError as exc:
            click.echo(f"Error: {exc}", err=True)
            _debug(ctx)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was written.", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: say so in one line, traceback with --debug
            click.echo(printable(f"Error: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)"), err=True)
            _debug(ctx)
            ctx.exit(1)


def _debug(ctx: click.Context) -> None:
    if (ctx.obj or {}).get("debug"):
        traceback.print_exc()


@click.group(cls=LianjianGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lianjian")
@click.option("--debug", is_flag=True, help="Show the traceback when something fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """lianjian (联建): a knowledge graph of grassroots party-building joint building.

    Build the graph from curated case files, check it, query it and see it.
    Start with `lianjian demo`.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@case_options
@output_option(help="Output file: .ttl, .nt, .nq, .trig or .jsonld ('-' for standard output, as TriG unless --format).")
@click.option("--format", "fmt", type=click.Choice(api.BUILD_FORMATS), default=None,
              help="RDF format; default from the extension of -o.")
@engine_option
@click.option("--cache", "cache_dir", metavar="DIR",
              help="Keep checked files and the built store in DIR; later builds redo only what changed.")
def build(cases, no_bundled, output, fmt, engine, cache_dir):
    """Build the RDF graph from case files and write it to a file (-o).

    The format follows the extension (.ttl Turtle, .nt N-Triples, .nq N-Quads,
    .trig TriG with one named graph per source, .jsonld JSON-LD). Without -o,
    --cache DIR only brings the cache up to date.
    """
    if output is None and cache_dir is None:
        raise click.UsageError("Missing option '-o' / '--output' (or give --cache DIR to refresh the cache only).")
    if output == "-" and fmt is None:
        fmt = "trig"
    with _progress_callback("checking case files") as progress:
        result = api.build(cases, bundled=not no_bundled, output=output, engine=engine, fmt=fmt, cache_dir=cache_dir, progress=progress)
    where = "standard output" if output == "-" else output
    if output is None:
        click.echo(f"Built {result['triples']} triples from {len(result['files'])} case files; cache in {cache_dir} (no -o: no file written)", err=True)
    else:
        click.echo(f"Wrote {result['triples']} triples from {len(result['files'])} case files to {where}", err=True)


@cli.command()
@case_options
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL check of the built graph.")
@click.option("--strict", is_flag=True, help="Treat the codebook rules' warnings as errors (exit 1).")
@click.option("--shacl-engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="sparql: the shapes compiled to SPARQL on the Oxigraph store; pyshacl: the slower reference engine.")
@format_option(("table", "json"), "table")
def validate(cases, no_bundled, no_shacl, strict, shacl_engine, fmt):
    """Check case files, the built graph (SHACL) and the codebook rules; exit 1 on any problem.

    The rules (lianjian/ontology/rules/*.rq) print located warnings; --strict makes them errors.
    """
    result = api.validate(cases, bundled=not no_bundled, shacl=not no_shacl, shacl_engine=shacl_engine)
    shacl = result["shacl"]
    findings = result["findings"]
    failing = [f for f in findings if strict or f["severity"] == "error"]
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        click.echo(f"{len(result['files'])} case files, {result['sources']} sources, {result['entries']} entries, "
                   f"{result['references']} references, {result['triples']} triples: case files OK")
        if shacl is not None:
            for v in shacl["violations"]:
                click.echo(f"SHACL: {v}", err=True)
            click.echo("SHACL: conforms" if shacl["conforms"] else f"SHACL: {len(shacl['violations'])} violations")
        for f in findings:
            where = f"{f['file']}:{f['line']}:{f['column']}" if f["file"] else f["focus"]
            click.echo(f"{where}: {f['message']} [{f['rule']}]", err=True)
        if findings:
            per_rule = collections.Counter(f["rule"] for f in findings)
            detail = ", ".join(f"{n} {rule}" for rule, n in sorted(per_rule.items()))
            what = "errors" if strict else "warnings"
            click.echo(f"Rules: {len(findings)} {what} ({detail})" + ("" if strict else "; --strict makes them errors"))
        else:
            click.echo("Rules: no findings")
    if (shacl is not None and not shacl["conforms"]) or failing:
        sys.exit(1)


@cli.command()
@case_options
@click.option("--sources", required=True, multiple=True, metavar="DIR",
              help="Folder holding the source documents named in the case files (repeatable; a source beside its case file is found too).")
@click.option("--record", is_flag=True, help="Write the quotes' offsets to evidence-offsets.json beside the case files.")
@format_option(("table", "json"), "table")
def verify(cases, no_bundled, sources, record, fmt):
    """Find every evidence quote in its source document; list the ones not found (exit 1)."""
    report = api.verify(list(sources), cases, bundled=not no_bundled, record=record)
    if fmt == "json":
        click.echo(json.dumps({**report.summary(), "not_found": [str(m) for m in report.missing]}, ensure_ascii=False, indent=1))
    else:
        for m in report.missing:
            click.echo(str(m), err=True)
        s = report.summary()
        pct = 100.0 * s["found"] / s["quotes"] if s["quotes"] else 100.0
        click.echo(f"{s['found']} of {s['quotes']} quotes found ({pct:.1f}%), {s['across_damaged_runs']} across damaged runs")
        for path in getattr(report, "recorded", []):
            click.echo(f"Recorded offsets in {path}", err=True)
    if not report.ok:
        sys.exit(1)


@cli.command()
@case_options
@engine_option
@format_option(("table", "json"), "table")
def stats(cases, no_bundled, engine, fmt):
    """Print what the graph holds: counts per class, per source document and per sector."""
    result = api.stats(cases, bundled=not no_bundled, engine=engine)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    click.echo(_stats_text(result))


def _stats_text(result: dict) -> str:
    lines = [f"{result['triples']} triples ({result['engine']})", "", "Per source document:"]
    w = max([len(s["source"]) for s in result["sources"]] + [6])
    lines.append(f"  {'source':<{w}}  entities  relationships  quotes  file")
    for s in result["sources"]:
        lines.append(f"  {s['source']:<{w}}  {s['entities']:>8}  {s['relationships']:>13}  {s['quotes']:>6}  {s['file']}")
    lines += ["", "Per class:"]
    for cls, n in result["classes"].items():
        lines.append(f"  {cls:<30} {n:>6}")
    lines += ["", "Organisations per sector:"]
    for s in result["sectors"]:
        lines.append(f"  {s['sector']:<24} {s['organizations']:>5}  {s['label_zh']} / {s['label_en']}")
    m = result["mechanisms"]
    lines += ["", f"Mechanism concepts: {m['concepts']}, hierarchy {m['depth']} levels deep"]
    c = result["sector_coverage"]
    lines += ["", f"Relationships with a sector at every end: {c['with_sectors']} of {c['relationships']} ({c['percent']:.1f}%)"]
    lines += ["", "Stated and inferred:"]
    for what, n in result["basis"].items():
        lines.append(f"  {what:<16} {n['stated']:>5} stated  {n['inferred']:>5} inferred")
    return "\n".join(lines)


@cli.command()
@case_options
@click.option("--format", "fmt", required=True, type=click.Choice(api.EXPORT_FORMATS),
              help="RDF (ttl, nt, nq, trig, jsonld), the property graph (graphml, gexf), or neo4j (-o names a folder).")
@output_option(required=True, help="Output file (a folder for neo4j).")
@click.option("--what", type=click.Choice(["ties", "all"]), default="ties", show_default=True,
              help="GraphML/GEXF: the tie network (organisations and areas, one edge per relationship) or the whole projection.")
@engine_option
def export(cases, no_bundled, fmt, output, what, engine):
    """Export the graph as RDF, its property graph as GraphML/GEXF, or Neo4j import CSVs."""
    if fmt == "neo4j" and output == "-":
        raise click.BadParameter("neo4j export writes a folder; give its name, not '-'", param_hint="-o")
    result = api.export(fmt, output, cases, bundled=not no_bundled, engine=engine, what=what)
    click.echo(f"Wrote {fmt} to {result['output']}", err=True)


@cli.command()
@output_option(default="lianjian-network.html", help="Where to write the network page.")
@engine_option
def demo(output, engine):
    """Build the bundled corpus, show what it holds, run two queries and write the network page."""
    result = api.demo(output, engine=engine)
    click.echo(_stats_text(result["stats"]))
    for name, table in result["queries"].items():
        click.echo(f"\n== lianjian query {name}")
        click.echo(render(table, "table"), nl=False)
    click.echo(f"\nWrote the network page to {result['html']['path']} "
               f"({result['html']['nodes']} nodes, {result['html']['edges']} edges); open it in a browser.")
    click.echo("To browse, query and cite the graph in your browser: lianjian serve --sources DIR (the source texts' folder)")


class _Seconds(click.FloatRange):
    """A number of seconds: finite (nan refused, which every range check lets through), above 0, at most a day."""

    def convert(self, value, param, ctx):
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return number


_SECONDS = _Seconds(min=0, min_open=True, max=86400)


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="--param")
        if key.strip() in out:
            raise click.BadParameter(f"'{key.strip()}' is given twice; give each parameter once", param_hint="--param")
        out[key.strip()] = value
    return out


@cli.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the canned queries.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter value (repeatable).")
@case_options
@engine_option
@click.option("--endpoint", metavar="URL", help="Run against a remote SPARQL 1.1 endpoint instead of the local graph.")
@format_option(TABLE_FORMATS, "table")
@excel_option
@output_option()
def query(name, list_, params, cases, no_bundled, engine, endpoint, fmt, excel, output):
    """Run a canned SPARQL query by NAME (see --list)."""
    if list_:
        catalogue = api.queries()
        if fmt == "json":
            emit(json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n", output)
        else:
            lines = []
            for q in catalogue:
                ps = ", ".join(f"{p['name']}={p['default']}" for p in q["parameters"])
                lines.append(f"{q['name']:<34} {q['title']}" + (f"  [{ps}]" if ps else ""))
            emit("\n".join(lines) + "\n", output)
        return
    if not name:
        raise click.UsageError("give a query NAME or --list")
    check_result_output(fmt, output, excel)
    result = api.query(name, _params(params), cases, bundled=not no_bundled, engine=engine, endpoint=endpoint)
    emit_result(result, fmt, output, excel)


@cli.command()
@click.argument("text", required=False)
@click.option("-f", "--file", "path", type=click.Path(dir_okay=False), help="Read the query from a .rq file.")
@case_options
@engine_option
@click.option("--endpoint", metavar="URL", help="Run against a remote SPARQL 1.1 endpoint instead of the local graph.")
@click.option("--allow-remote", is_flag=True, help="Let a local query use SERVICE (and FROM on rdflib), reaching files or the network.")
@format_option(TABLE_FORMATS, "table")
@excel_option
@output_option()
def sparql(text, path, cases, no_bundled, engine, endpoint, allow_remote, fmt, excel, output):
    """Run any SPARQL query (TEXT, or -f FILE.rq); the project's prefixes are predeclared."""
    if (text is None) == (path is None):
        raise click.UsageError("give the query TEXT or -f FILE, not both or neither")
    check_result_output(fmt, output, excel)
    if path is not None:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise click.BadParameter(f"cannot read {path}: {exc}", param_hint="-f")
    result = api.sparql(text, cases, bundled=not no_bundled, engine=engine, endpoint=endpoint, allow_remote=allow_remote)
    emit_result(result, fmt, output, excel)


@cli.command()
@click.argument("text", required=False)
@click.option("--query", "query_name", metavar="NAME", help="Run a canned Cypher query (the twin of a SPARQL query) by name.")
@click.option("--list", "list_", is_flag=True, help="List the canned Cypher queries.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter value, for $KEY (repeatable).")
@click.option("--engine", type=click.Choice(["ladybug", "grand-cypher"]), default="ladybug", show_default=True,
              help="LadybugDB (a cached on-disk database) or grand-cypher (pure Python, in memory).")
@click.option("--db-dir", metavar="DIR", help="Where LadybugDB databases are cached (default ~/.cache/lianjian/ladybug).")
@click.option("--server", metavar="URL", help="Run on a FalkorDB graph instead, redis://HOST:PORT/GRAPH "
                                              "(filled by push --cypher URL); --engine is then not used.")
@case_options
@format_option(TABLE_FORMATS, "table")
@excel_option
@output_option()
def cypher(text, query_name, list_, params, engine, db_dir, server, cases, no_bundled, fmt, excel, output):
    """Run Cypher over the property graph: TEXT, a canned query (--query NAME) or --list.

    Example: lianjian cypher 'MATCH (a:PartyOrganization)-[:LINKED_WITH]-(b)
    WHERE a.sector <> b.sector RETURN a.label_zh, b.label_zh'
    """
    check_result_output(fmt, output, excel)
    result = api.cypher(text, query_name, _params(params), list_queries=list_, cases=cases,
                        bundled=not no_bundled, engine=engine, cache_dir=db_dir, server=server)
    emit_result(result, fmt, output, excel)


@cli.command()
@output_option(required=True, help="Output file: .html page, or .png/.svg figure.")
@case_options
@engine_option
@click.option("--case", "case_filter", multiple=True, metavar="SOURCE", help="Show only entities from this source document id (repeatable).")
@click.option("--sector", "sectors", multiple=True, metavar="SECTOR", help="Show only organisations of this sector (repeatable).")
@click.option("--mechanism", "mechanisms", multiple=True, metavar="MECHANISM", help="Show only links using this mechanism (repeatable).")
@click.option("--around", metavar="ENTITY", help="Show only the neighbourhood of this entity id.")
@click.option("--hops", type=click.IntRange(1, 6), default=1, show_default=True, help="Neighbourhood radius for --around.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Label language.")
@click.option("--size-by", type=click.Choice(["degree", "betweenness"]), default="degree", show_default=True, help="Node size.")
@click.option("--format", "fmt", type=click.Choice(["html", "png", "svg"]), default=None,
              help="html (interactive page), png or svg (static figure); default from the extension.")
@click.option("--open", "open_", is_flag=True, help="Open the page in a browser afterwards.")
def viz(output, cases, no_bundled, engine, case_filter, sectors, mechanisms, around, hops, lang, size_by, fmt, open_):
    """Write the interactive network page (offline HTML) or a static figure.

    Colour shows the sector, shape the kind, size the degree; hover or click for
    names, sources and evidence; filter by source, sector and relation kind;
    search to focus a node.
    """
    if fmt is None:
        fmt = {".png": "png", ".svg": "svg"}.get(output[-4:].lower(), "html")
    result = api.viz(output, cases, bundled=not no_bundled, engine=engine, lang=lang, fmt=fmt, case_filter=case_filter,
                     sectors=sectors, mechanisms=mechanisms, around=around, hops=hops, size_by=size_by)
    click.echo(f"Wrote {result['path']} ({result['nodes']} nodes, {result['edges']} edges)", err=True)
    if result.get("note"):
        click.echo(result["note"], err=True)
    if open_:
        import webbrowser

        webbrowser.open(f"file://{__import__('os').path.abspath(output)}")


@cli.command()
@click.option("--cases", "count", type=click.IntRange(1, 100000), required=True, help="How many case files to write.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same files).")
@output_option(required=True, help="Output folder: new or empty (created atomically).")
@click.option("--force", is_flag=True, help="Write into a folder that is not empty, replacing only the files synth writes.")
def synth(count, seed, output, force):
    """Write a synthetic corpus of N case files in the real annotation format.

    About 2,000 triples per case: 5 cases ≈ 10k triples, 50 ≈ 100k, 500 ≈ 1M.
    Deterministic for a seed.
    """
    if output == "-":
        raise click.BadParameter("synth writes a folder; give its name, not '-'", param_hint="-o")
    with _progress(count + 1, "writing case files") as bar:
        result = api.synth(output, count, seed, progress=bar.update, force=force)
    click.echo(f"Wrote {result['files']} files ({result['bytes'] / 1e6:.1f} MB) to {result['output']}", err=True)


@cli.command()
@click.argument("name")
@case_options
@engine_option
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="N", help="Show only the first N rows.")
@format_option(FORMATS, "table")
@output_option()
def analyze(name, cases, no_bundled, engine, top, fmt, output):
    """Run a network analysis: bridges, mixing, cross-sector, compare, shared-mechanisms or communities."""
    emit(render(api.analyze(name, cases, bundled=not no_bundled, engine=engine, top=top), fmt), output)


@cli.command()
@click.argument("a")
@click.argument("b")
@case_options
@engine_option
@format_option(FORMATS, "table")
@output_option()
def path(a, b, cases, no_bundled, engine, fmt, output):
    """The shortest chain of relationships between entities A and B (ids), each step with its evidence."""
    emit(render(api.path(a, b, cases, bundled=not no_bundled, engine=engine), fmt), output)


@cli.command()
@click.option("--endpoint", metavar="URL",
              help="Graph Store service of a SPARQL server, e.g. http://127.0.0.1:7878/store (Oxigraph).")
@click.option("--cypher", metavar="URL",
              help="Instead of --endpoint: a FalkorDB server and graph, redis://[USER:PASSWORD@]HOST:PORT/GRAPH; "
                   "the property graph replaces that graph.")
@click.option("--graph", metavar="IRI", help="Push everything into this one named graph instead of one per source document.")
@click.option("--timeout", type=_SECONDS, default=30.0, show_default=True,
              help="Seconds to wait for the server before giving up.")
@case_options
@engine_option
@format_option(FORMATS, "table")
@output_option()
def push(endpoint, cypher, graph, timeout, cases, no_bundled, engine, fmt, output):
    """Upload the graph to a SPARQL 1.1 Graph Store, replacing each named graph whole (HTTP PUT),
    or its property graph to a FalkorDB server (--cypher), replacing the graph named in the URL."""
    result = api.push(endpoint, graph=graph, cases=cases, bundled=not no_bundled, engine=engine, timeout=timeout,
                      cypher=cypher)
    emit(render(result["table"], fmt), output)
    if cypher is not None:
        click.echo(f"Pushed {result['nodes']} nodes and {result['relationships']} relationships to graph "
                   f"'{result['graph']}' on {result['server']} ({result['seconds']:.1f} s)", err=True)
    else:
        click.echo(f"Pushed {result['triples']} triples in {len(result['graphs'])} graphs to {result['endpoint']} "
                   f"({result['seconds']:.1f} s)", err=True)


@cli.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@case_options
@engine_option
@format_option(FORMATS, "table")
@output_option()
def suggest(source, cases, no_bundled, engine, fmt, output):
    """List candidate annotations of a new source document.

    Known entities (by label or alias, either script), new organisations,
    places and persons, mechanisms, 《documents》, dates and numbers, with
    offsets into the text as written. The table leaves out the sentences;
    the other formats include them.
    """
    emit(render(api.suggest(source, cases, bundled=not no_bundled, engine=engine, sentences=fmt != "table"), fmt), output)


@cli.command("new-case")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--id", "case_id", required=True, metavar="ID", help="The new source's id (a slug: lowercase letters, digits, hyphens).")
@output_option(required=True, help="The case file to write (.yaml), or '-' for standard output.")
@click.option("--force", is_flag=True, help="Overwrite the case file if it exists.")
@case_options
def new_case(source, case_id, output, force, cases, no_bundled):
    """Draft a case file for a new source document.

    Entities already in the graph become `- ref:` entries with a quote from the
    source; new candidates become commented-out stubs with their evidence.
    The draft validates as written; edit it, then run `lianjian validate`.
    """
    result = api.new_case(source, case_id, output, cases=cases, bundled=not no_bundled, force=force)
    emit(result["text"] if output == "-" else result["message"])


@cli.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@format_option(("table", "json"), "table")
@output_option()
def diff(old, new, fmt, output):
    """Compare two built graphs (.ttl, .trig, .nt, .nq): new and removed entities, links and mechanisms."""
    result = api.diff(old, new)
    emit(json.dumps(result, ensure_ascii=False, indent=1) + "\n" if fmt == "json" else api.diff_text(result), output)


def _progress(total: int, label: str):
    """A progress bar on a terminal, silent when standard error is not one."""
    import contextlib

    if sys.stderr.isatty():
        return click.progressbar(length=total, label=label, file=sys.stderr)

    class _Quiet:
        def update(self, n: int = 1) -> None:
            pass

    return contextlib.nullcontext(_Quiet())


@contextlib.contextmanager
def _progress_callback(label: str):
    """A `progress(done, total)` callback drawing a bar on a terminal (created at the first call); quiet when piped."""
    state: dict = {}

    def progress(done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done

    try:
        yield progress
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)



@cli.command()
@click.argument("target", required=False, metavar="[ID-OR-QUOTE]")
@case_options
@engine_option
@format_option(("bibtex", "csl-json", "text", "json"), "bibtex")
@output_option()
def cite(target, cases, no_bundled, engine, fmt, output):
    """Cite the sources (BibTeX or CSL-JSON), or one statement: its source, quote and offsets.

    Without TARGET, writes every source document as BibTeX (--format bibtex) or
    CSL-JSON (--format csl-json). With an id (changning-district-committee,
    id:…, or an IRI) or part of a quote, prints where the statement comes from
    (--format text, or json).
    """
    if target is None and fmt in ("text", "json"):
        raise click.UsageError("--format text/json cite one statement: give an id or part of a quote")
    result = api.cite(target, fmt="bibtex" if fmt in ("text", "json") else fmt, cases=cases,
                      bundled=not no_bundled, engine=engine)
    if target is None:
        emit(result["text"], output)
    elif fmt == "json":
        emit(json.dumps(result["citations"], ensure_ascii=False, indent=1) + "\n", output)
    else:
        lines = []
        for c in result["citations"]:
            lines.append(f"{c['subject']}  [{c['source']}]  {c['citation']}" + ("" if c["basis"] == "stated" else f"  (inferred: {c['reason']})"))
        emit("\n".join(lines) + "\n", output)


@cli.command()
@case_options
@click.option("--sources", multiple=True, metavar="DIR",
              help="Folder of the source texts, for the source pages' highlighted quotes (repeatable).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (another than 127.0.0.1 opens the explorer to the network).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the explorer in the web browser.")
@engine_option
def serve(cases, no_bundled, sources, host, port, open_browser, engine):
    """Run the explorer: a local, read-only web app to browse, query and cite the graph.

    Pages for every entity and source (with the quotes highlighted in the text),
    the canned-query gallery with downloads, the network, and a SPARQL endpoint.
    """
    import socket

    import uvicorn

    app = api.explorer(cases, bundled=not no_bundled, sources=sources, engine=engine)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)  # connections wait from now on, so the printed URL answers at once
    except OSError as exc:
        raise click.UsageError(f"--port {port}: cannot listen on {host}:{port} ({exc.strerror})") from None
    url = f"http://{host if ':' not in host else '[' + host + ']'}:{sock.getsockname()[1]}/"
    click.echo(f"lianjian explorer at {url} (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])

def main() -> None:
    """Entry point of the `lianjian` console script."""
    cli(prog_name="lianjian")
