"""The library instance itself: ``init`` and ``db`` (its schema), ``demo`` (sample content), ``serve``."""

from __future__ import annotations

import click

from library.cli.common import engine
from library.errors import Conflict, Invalid


@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the database, or upgrade it to the current schema."""
    from library.storage import upgrade
    from library.storage.migrate import current_revision

    current = engine(ctx, upgrade_sqlite=False)
    upgrade(current)
    click.echo(f"database ready at schema revision {current_revision(current)} ({current.url.render_as_string()})")


@click.group()
def db() -> None:
    """Schema migrations (Alembic, shipped in the package)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target schema revision.")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    from library.storage import current_revision, upgrade

    current = engine(ctx, upgrade_sqlite=False)
    upgrade(current, revision)
    click.echo(f"schema at revision {current_revision(current)}")


@db.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Print the schema revision of the database and the newest one this version knows."""
    from library.storage import current_revision, head_revision

    current = engine(ctx, upgrade_sqlite=False)
    click.echo(f"database: {current_revision(current) or 'empty'}\nnewest:   {head_revision()}")


@click.command()
@click.option("--replace", is_flag=True, help="Delete the current content first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the library has content.")
@click.pass_context
def demo(ctx: click.Context, replace: bool, if_empty: bool) -> None:
    """Load the demo library: a trilingual SDG news portal with realistic translation gaps."""
    from library.backup import is_empty
    from library.demo.loader import load_demo
    from library.storage import session_scope

    with session_scope(engine(ctx)) as session:
        if if_empty and not is_empty(session):
            click.echo("the library already has content; demo not loaded")
            return
        counts = load_demo(session, replace=replace)
    click.echo(f"demo library loaded: {counts['articles']} articles in {counts['sections']} sections, "
               f"{counts['terms']} terms")


@click.command()
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

    _check_address(host, port)
    engine(ctx).dispose()  # create or check the schema once, before any worker starts
    uvicorn.run("library.web.app:create_app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level=log_level,
                proxy_headers=False)  # the app believes forwarded headers from LIBRARY_TRUSTED_PROXIES only


def _check_address(host: str, port: int) -> None:
    # uvicorn reports an address in use in its log and exits with status 3, this command's
    # "below threshold"; asking first makes it one line with the exit table's status.
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            kind = Conflict if error.errno == errno.EADDRINUSE else Invalid
            raise kind(f"cannot listen on {host}:{port}: {error.strerror}") from None
