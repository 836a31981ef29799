"""The ``library`` command: the same services as the web app, for operators and scripts.

One module per group of commands, named after what they work on, and attached here, so the root
imports the groups and no group imports the root:

- `instance`: ``init``, ``db`` (the schema), ``demo`` (sample content), ``serve``
- `backup`: ``export``, ``import`` (the whole library as JSON Lines)
- `workflow`: ``users`` (accounts, tokens), ``exchange`` (PO/XLIFF files for CAT tools)
- `quality`: ``terms`` (the term base as files), ``check`` (content checks)
- `memory`: ``memory`` (the translation memory as TMX files)
- `coverage`: ``coverage`` (the report, the release gate, history snapshots)
- `catalogs`: ``catalogs`` (the interface-string catalogs; no database, also runs alone)
- `search`: ``search reindex`` (the search index)

Two modules serve them all: `common` (settings, engine, language registry, files) and `exits`
(the one table from kind of failure to exit status, applied to every command by `LibraryGroup`).
Domain packages hold no click code. Commands import their services inside the function, so
``library --help`` stays quick.
"""

from __future__ import annotations

import logging
import os

import click

from library.cli.backup import export_cmd, import_cmd
from library.cli.catalogs import catalogs
from library.cli.coverage import coverage
from library.cli.exits import LibraryGroup
from library.cli.instance import db, demo, init, serve
from library.cli.memory import memory
from library.cli.quality import check, terms
from library.cli.search import search
from library.cli.workflow import exchange, users

__all__ = ["main"]


@click.group(cls=LibraryGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="library")
def main() -> None:
    """A trilingual content library with a translation workflow.

    The database is chosen by LIBRARY_DATABASE_URL (default: sqlite:///library.db, created on
    first use); see README.md for every setting. Errors print one line on stderr and exit with
    the status of their kind (README, "Exit status"); LIBRARY_DEBUG=1 adds the traceback.
    """
    ctx = click.get_current_context()
    if ctx.invoked_subcommand != "serve" and not os.environ.get("LIBRARY_DEBUG"):
        # A command's one line is its whole report: warnings that the library or a driver log on the
        # way (psycopg's "error ignored terminating pipeline" after a refused write) stay out of it.
        # The server keeps its logs: uvicorn and the app's log lines are what an operator reads.
        logging.getLogger().addHandler(logging.NullHandler())


for command in (init, db, demo, serve, export_cmd, import_cmd, coverage, catalogs, users, exchange, terms, check,
                search, memory):
    main.add_command(command)
