"""``export`` and ``import``: the whole library as JSON Lines (`library.backup`), all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from library.cli.common import engine, open_input, open_output, settings


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default="-")
@click.pass_context
def export_cmd(ctx: click.Context, path: Path) -> None:
    """Write the whole library as JSON Lines to PATH (default: standard output).

    A progress bar on standard error counts the records (on a terminal; elsewhere only its label)."""
    from library.backup import export_library, record_count
    from library.storage import session_scope

    with session_scope(engine(ctx), write=False) as session, open_output(path) as out:
        bar = click.progressbar(length=record_count(session), label="exporting records", file=sys.stderr)
        with bar:
            count = export_library(session, out, bar.update)
    click.echo(f"exported {count} records", err=True)


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace the current content (in the same transaction).")
@click.pass_context
def import_cmd(ctx: click.Context, path: Path, replace: bool) -> None:
    """Import a library exported with `library export`: all of it, or nothing on any error."""
    from library.backup import import_library, parse_library
    from library.storage import session_scope

    with open_input(path) as stream:
        parsed = parse_library(stream, max_text_kb=settings(ctx).max_text_kb)
    with session_scope(engine(ctx)) as session:
        counts = import_library(session, parsed, replace=replace)
    click.echo("imported " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
