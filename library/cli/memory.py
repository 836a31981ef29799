"""The ``memory`` group: the translation memory as a TMX 1.4b file for CAT tools, out and in."""

from __future__ import annotations

from pathlib import Path

import click

from library.cli.common import engine, read_input, settings, write_output


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def memory() -> None:
    """The translation memory: every published translation, segment by segment (TMX files)."""


@memory.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default="-")
@click.pass_context
def export_command(ctx: click.Context, path: Path) -> None:
    """Write the whole memory to PATH (default: standard output) as TMX 1.4b."""
    from library.memory.files import export_tmx
    from library.storage import session_scope

    with session_scope(engine(ctx), write=False) as session:
        data, count = export_tmx(session)
    write_output(path, data)
    click.echo(f"exported {count} memory units as TMX", err=True)


@memory.command("import")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, path: Path) -> None:
    """Add the units of a TMX file to the memory: all of them, or none when any line is wrong."""
    from library.memory.files import import_tmx
    from library.storage import session_scope

    data = read_input(path)
    config = settings(ctx)
    with session_scope(engine(ctx)) as session:
        result = import_tmx(session, data, languages=config.languages, by="cli", max_text_kb=config.max_text_kb)
    click.echo(f"imported memory units: {result.added} new, {result.unchanged} already known, "
               f"{result.skipped} in other languages left out")
