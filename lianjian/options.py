"""Option decorators shared by the CLI's commands, and the writer for `-o FILE` / `-o -`."""

from __future__ import annotations

import sys

import click

from lianjian.graph import ENGINES
from lianjian.io import atomic_write

__all__ = ["case_options", "engine_option", "format_option", "output_option", "excel_option", "emit", "emit_result", "check_result_output"]


def case_options(f):
    """--cases DIR (repeatable) and --no-bundled."""
    f = click.option("--no-bundled", is_flag=True, help="Leave out the bundled corpus.")(f)
    f = click.option("--cases", "cases", multiple=True, metavar="DIR",
                     help="A folder of your own case files, added to the bundled corpus (repeatable).")(f)
    return f


def engine_option(f):
    """--engine oxigraph|rdflib."""
    return click.option("--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True,
                        help="The RDF store: Oxigraph, or rdflib's in-memory store.")(f)


def format_option(choices, default):
    """--format with the given choices."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format.")


def output_option(required=False, default=None, help="Output file ('-' for standard output)."):
    """-o/--output FILE, '-' meaning standard output."""
    extra = {} if required else {"default": default}  # click 8.5 takes an explicit default=None as a value for a required option
    return click.option("-o", "--output", required=required, metavar="FILE", help=help, **extra)


def excel_option(f):
    """--excel: CSV/TSV with a UTF-8 byte-order mark, so Excel reads Chinese."""
    return click.option("--excel", is_flag=True,
                        help="Start CSV/TSV with a UTF-8 byte-order mark, so Excel reads Chinese.")(f)


def check_result_output(fmt: str, output: str | None, excel: bool = False) -> None:
    """Usage errors for a query result's output, before the query runs: --excel outside CSV/TSV, and a workbook
    without -o FILE (or with -o - to a terminal)."""
    from lianjian.results import EXCEL_FORMATS

    if excel and fmt not in EXCEL_FORMATS:
        raise click.UsageError(f"--excel: only with --format csv or tsv (not {fmt})")
    if fmt == "xlsx" and (output is None or (output == "-" and sys.stdout.isatty())):
        raise click.UsageError("--format xlsx: a workbook is a binary file; give -o FILE.xlsx")


def emit_result(result, fmt: str, output: str | None, excel: bool = False) -> None:
    """Render a query result in `fmt` (with a byte-order mark if `excel`) and write it like `emit`."""
    from lianjian.results import BOM, render

    check_result_output(fmt, output, excel)
    text = render(result, fmt)
    emit(BOM + text if excel else text, output)


def emit(text: str | bytes, output: str | None = None) -> None:
    """Print to standard output, or write `output` atomically."""
    if output in (None, "-"):
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
            sys.stdout.flush()
        else:
            click.echo(text, nl=False)
    else:
        atomic_write(output, text)
