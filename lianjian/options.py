"""Option decorators shared by the CLI's commands, and the writer for `-o FILE` / `-o -`."""

from __future__ import annotations

import sys

import click

from lianjian.graph import ENGINES
from lianjian.io import atomic_write

__all__ = ["case_options", "engine_option", "format_option", "output_option", "emit"]


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
