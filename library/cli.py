"""The ``library`` command: the same services as the web app, for operators and scripts.

Every command has ``--help``. Errors the library expects (bad input, unreachable database, bad
settings) print one readable line on stderr and exit non-zero; no traceback for them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError

from library.errors import ConfigurationError, LibraryError
from library.settings import Settings, load_settings

EXIT_ERROR = 1


class LibraryGroup(click.Group):
    """A click group that turns the library's own errors into one line and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigurationError as error:
            _fail(f"configuration: {error.detail}")
        except LibraryError as error:
            _fail(error.detail)
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            _fail(f"cannot use the database: {reason}")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _settings(ctx: click.Context) -> Settings:
    ctx.ensure_object(dict)
    if "settings" not in ctx.obj:
        ctx.obj["settings"] = load_settings()
    return ctx.obj["settings"]


def _engine(ctx: click.Context, *, upgrade_sqlite: bool = True):
    from library.coverage.history import track_changes
    from library.storage import create_engine_for
    from library.storage.migrate import ensure_schema

    settings = _settings(ctx)
    engine = create_engine_for(settings.database_url)
    if upgrade_sqlite:
        ensure_schema(engine, settings)
    track_changes(settings.languages)  # content written by any command records coverage history
    return engine


@click.group(cls=LibraryGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="library")
def main() -> None:
    """A trilingual content library with a translation workflow.

    The database is chosen by LIBRARY_DATABASE_URL (default: sqlite:///library.db, created on
    first use); see README.md for every setting.
    """


@main.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the database, or upgrade it to the current schema."""
    from library.storage import upgrade
    from library.storage.migrate import current_revision

    engine = _engine(ctx, upgrade_sqlite=False)
    upgrade(engine)
    click.echo(f"database ready at schema revision {current_revision(engine)} ({engine.url.render_as_string()})")


@main.group()
def db() -> None:
    """Schema migrations (Alembic, shipped in the package)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target schema revision.")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    from library.storage import current_revision, upgrade

    engine = _engine(ctx, upgrade_sqlite=False)
    upgrade(engine, revision)
    click.echo(f"schema at revision {current_revision(engine)}")


@db.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Print the schema revision of the database and the newest one this version knows."""
    from library.storage import current_revision, head_revision

    engine = _engine(ctx, upgrade_sqlite=False)
    click.echo(f"database: {current_revision(engine) or 'empty'}\nnewest:   {head_revision()}")


@main.command()
@click.option("--replace", is_flag=True, help="Delete the current content first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the library has content.")
@click.pass_context
def demo(ctx: click.Context, replace: bool, if_empty: bool) -> None:
    """Load the demo library: a trilingual SDG news portal with realistic translation gaps."""
    from library.backup import is_empty
    from library.demo.loader import load_demo
    from library.storage import session_scope

    with session_scope(_engine(ctx)) as session:
        if if_empty and not is_empty(session):
            click.echo("the library already has content; demo not loaded")
            return
        counts = load_demo(session, replace=replace)
    click.echo(f"demo library loaded: {counts['articles']} articles in {counts['sections']} sections, "
               f"{counts['terms']} terms")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (each keeps its own caches and counters).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, log_level: str) -> None:
    """Run the HTTP app (API, docs at /api/schema) with uvicorn."""
    import uvicorn

    _engine(ctx).dispose()  # create or check the schema once, before any worker starts
    uvicorn.run("library.web.app:create_app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level=log_level, proxy_headers=True)


@main.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default="-")
@click.pass_context
def export_cmd(ctx: click.Context, path: Path) -> None:
    """Write the whole library as JSON Lines to PATH (default: standard output).

    A progress bar on standard error counts the records (on a terminal; elsewhere only its label)."""
    from library.backup import export_library, record_count
    from library.storage import session_scope

    with session_scope(_engine(ctx), write=False) as session:
        bar = click.progressbar(length=record_count(session), label="exporting records", file=sys.stderr)
        with bar:
            if str(path) == "-":
                count = export_library(session, sys.stdout, bar.update)
            else:
                tmp = path.with_name(path.name + ".partial")
                with tmp.open("w", encoding="utf-8", newline="\n") as out:
                    count = export_library(session, out, bar.update)
                tmp.replace(path)  # a reader of PATH never sees half a file
    click.echo(f"exported {count} records", err=True)


@main.command("import")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace the current content (in the same transaction).")
@click.pass_context
def import_cmd(ctx: click.Context, path: Path, replace: bool) -> None:
    """Import a library exported with `library export`: all of it, or nothing on any error."""
    from library.backup import import_library, parse_library
    from library.storage import session_scope

    stream = sys.stdin.buffer if str(path) == "-" else _open(path)
    with stream:
        parsed = parse_library(stream, max_text_kb=_settings(ctx).max_text_kb)
    with session_scope(_engine(ctx)) as session:
        counts = import_library(session, parsed, replace=replace)
    click.echo("imported " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))


def _open(path: Path):
    try:
        return path.open("rb")
    except OSError as error:
        raise LibraryError(f"cannot read {path}: {error.strerror}") from None


EXIT_BELOW_THRESHOLD = 3


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeated and comma-separated option values as one list (``--lang kk,ru --lang en``)."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@main.group(invoke_without_command=True)
@click.option("--lang", "languages", multiple=True, metavar="LANG[,LANG]",
              help="Report these languages only (repeat or comma-separate; default: every language).")
@click.option("--section", "sections", multiple=True, metavar="SLUG[,SLUG]",
              help="Report these sections only (repeat or comma-separate; default: every section).")
@click.option("--format", "output", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="An aligned table for people, JSON or CSV for scripts.")
@click.option("--fail-under", metavar="LANG=PCT[,LANG=PCT]",
              help=f"Exit with status {EXIT_BELOW_THRESHOLD}, naming each language, when a language's "
                   "published share of articles is below its threshold (e.g. kk=90,en=60).")
@click.option("--words", is_flag=True, help="Measure --fail-under by source words instead of articles.")
@click.pass_context
def coverage(ctx: click.Context, languages: tuple[str, ...], sections: tuple[str, ...], output: str,
             fail_under: str | None, words: bool) -> None:
    """Translation coverage per language and section: published, in review, draft, missing, outdated.

    Percentages are shares of each section's articles (or, weighted, of their source words).
    `library coverage snapshot` records today's figures for the history.
    """
    if ctx.invoked_subcommand is not None:
        return
    from library.coverage import render
    from library.coverage.service import below_thresholds, compute_coverage, parse_thresholds, pick_languages
    from library.storage import session_scope

    settings = _settings(ctx)
    chosen = pick_languages(settings.languages, _split(languages))
    thresholds = parse_thresholds(fail_under, settings.languages) if fail_under else {}
    if left_out := sorted(set(thresholds) - set(chosen)):
        raise LibraryError(f"--fail-under names {', '.join(left_out)}, which --lang leaves out")
    with session_scope(_engine(ctx), write=False) as session:
        result = compute_coverage(session, chosen, _split(sections) or None, locales_dir=settings.locales_dir)
    text = {"table": render.coverage_table, "csv": render.coverage_csv,
            "json": lambda c: json.dumps(render.coverage_dict(c), ensure_ascii=False, indent=2) + "\n"}[output]
    click.echo(text(result), nl=False)
    failing = below_thresholds(result, thresholds, words=words)
    for cell in failing:
        click.echo(f"coverage of {cell.language} is {cell.percent('published', words=words):.1f}%, "
                   f"below the threshold of {thresholds[cell.language]:g}%", err=True)
    if failing:
        sys.exit(EXIT_BELOW_THRESHOLD)


@coverage.command("snapshot")
@click.option("--lang", "languages", multiple=True, metavar="LANG[,LANG]",
              help="Record these languages only (default: every language).")
@click.pass_context
def coverage_snapshot(ctx: click.Context, languages: tuple[str, ...]) -> None:
    """Record today's coverage of every section in each language for the history.

    One snapshot per language, section and UTC day: recording again today replaces today's.
    Each section is written in its own transaction, with a progress bar on a terminal.
    """
    from library.coverage.history import record_snapshots
    from library.coverage.service import load_sections, pick_languages
    from library.storage import session_scope
    from library.storage.types import utcnow

    chosen = pick_languages(_settings(ctx).languages, _split(languages))
    engine = _engine(ctx)
    with session_scope(engine, write=False) as session:
        sections = load_sections(session)
    at, written = utcnow(), 0
    with click.progressbar(sections, label="recording coverage snapshots", file=sys.stderr,
                           item_show_func=lambda s: s.slug if s else None) as bar:
        for section in bar:
            with session_scope(engine) as session:
                written += record_snapshots(session, chosen, [section.id], at=at)
    click.echo(f"recorded {written} snapshots ({len(chosen)} languages x {len(sections)} sections) "
               f"for {at.date().isoformat()}")


def _attach_domain_groups() -> None:
    # Imported last: the domain command groups use this module's settings and engine helpers.
    from library.catalogs.cli import catalogs
    from library.cli_workflow import exchange, users
    from library.quality.cli import check, terms

    main.add_command(catalogs)
    main.add_command(users)
    main.add_command(exchange)
    main.add_command(terms)
    main.add_command(check)


_attach_domain_groups()

if __name__ == "__main__":
    main()
