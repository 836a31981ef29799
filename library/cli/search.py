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
    """Rebuild the search index from every published text, with a progress bar on a terminal. Searches
    and publishes use the old index until the new one replaces it."""
    from library.search.rebuild import published_variants, rebuild

    database = engine(ctx)
    with database.connect() as connection:
        total = published_variants(connection)
    with click.progressbar(length=total, label="indexing published texts", file=sys.stderr) as bar:
        done = rebuild(database, bar.update)
    click.echo(f"indexed {done} published texts")
