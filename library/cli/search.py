"""``search``: the search index's maintenance (issue 17). The index follows every write by itself;
``reindex`` rebuilds it whole, after a change of the analyzer or to repair it."""

from __future__ import annotations

import sys

import click

from library.cli.common import engine


@click.group()
def search() -> None:
    """The search index of published texts."""


@search.command("reindex")
@click.pass_context
def search_reindex(ctx: click.Context) -> None:
    """Rebuild the search index from every published text, in one transaction (on SQLite searches keep
    the old index until it commits; on PostgreSQL they wait for it), with a progress bar on a terminal."""
    from library.search.index import published_variants, rebuild
    from library.storage import session_scope

    with session_scope(engine(ctx)) as session:
        total = published_variants(session)
        with click.progressbar(length=total, label="indexing published texts", file=sys.stderr) as bar:
            done = rebuild(session, bar.update)
    click.echo(f"indexed {done} published texts")
