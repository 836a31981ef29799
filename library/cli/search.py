"""``search``: the search index's maintenance (issue 17). The index follows every write by itself;
``reindex`` rebuilds it whole, after a change of the analyzer or to repair it."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import Any

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
    with ExitStack() as stack:
        bars: list[Any] = []

        def progress(written: int) -> None:
            # Shown from the first batch on: a reindex refused (another one runs) shows no bar.
            if not bars:
                bars.append(stack.enter_context(
                    click.progressbar(length=total, label="indexing published texts", file=sys.stderr)))
            bars[0].update(written)

        done = rebuild(database, progress)
    click.echo(f"indexed {done} published texts")
