"""The one table from kind of failure to exit status, and the one handler that applies it.

What `library.web.problems` is to HTTP, this is to the command line: every exception a command lets
out becomes one line on stderr, ``error: <what went wrong>``, and the status its kind has in
`ExitCode`. No traceback, database errors included (issue 13); ``LIBRARY_DEBUG=1`` prints it above
the line. README's "Exit status" section shows the same table, and a test holds the two together.
"""

from __future__ import annotations

import os
import sys
import traceback
from enum import IntEnum

import click
from sqlalchemy import exc as sa

from library.errors import ConfigurationError, Conflict, Forbidden, Invalid, LibraryError, NotFound
from library.storage.availability import DatabaseUnavailable, unavailable

DEBUG_VARIABLE = "LIBRARY_DEBUG"


class ExitCode(IntEnum):
    """Exit status of ``library``, one per kind of outcome, each with when it happens (the README's table)."""

    OK = 0, "the command did what it was asked"
    FINDINGS = 1, ("the command ran to the end and found problems: an error finding of `check content` or "
                   "`catalogs check`, coverage counters that drift from a recount (`coverage --verify`)")
    USAGE = 2, "click's own: an unknown command or option, a missing argument, an option value of the wrong form"
    BELOW_THRESHOLD = 3, "`coverage --fail-under`: a language's coverage is below its threshold"
    BAD_INPUT = 4, ("a file or value the library cannot accept: a malformed or rejected import (JSON Lines, "
                    "PO/XLIFF, CSV/TBX, a catalog), a file that cannot be read or written, a value the database "
                    "refuses (a NUL character on PostgreSQL), no password on standard input")
    NOT_FOUND = 5, "something the command names does not exist: an account, a token, a section"
    CONFLICT = 6, ("the request clashes with the library's state: it is not empty, a duplicate, an account not "
                   "allowed to do it, a write the database's constraints refuse; `serve` on an address in use")
    CONFIGURATION = 7, ("a `LIBRARY_*` setting is wrong (an unparsable database URL included), or a PostgreSQL "
                        "schema is older than this version")
    DATABASE = 8, "the database cannot be used: unreachable, locked, or it failed"
    INTERNAL = 9, ("a bug: `error: internal error: <exception type>: <its first line>`; `LIBRARY_DEBUG=1` adds "
                   "the traceback")
    INTERRUPTED = 130, "Ctrl-C (128 + SIGINT); the unfinished write is rolled back"
    BROKEN_PIPE = 141, ("standard output was closed before the end (128 + SIGPIPE), as in "
                        "`library export | head -1`")

    when: str

    def __new__(cls, value: int, when: str) -> ExitCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.when = when
        return member


# The library's own errors, most specific kind first (a class may have several kinds among its bases).
KINDS: tuple[tuple[type[LibraryError], ExitCode], ...] = (
    (DatabaseUnavailable, ExitCode.DATABASE),
    (ConfigurationError, ExitCode.CONFIGURATION),
    (NotFound, ExitCode.NOT_FOUND),
    (Conflict, ExitCode.CONFLICT),
    (Forbidden, ExitCode.CONFLICT),
    (Invalid, ExitCode.BAD_INPUT),
    (LibraryError, ExitCode.BAD_INPUT),  # a bare LibraryError: the request cannot be done as given
)

# Errors of the database driver (wrapped by SQLAlchemy) by what they say about the request.
DATABASE_KINDS: tuple[tuple[type[sa.DBAPIError], ExitCode, str], ...] = (
    (sa.DataError, ExitCode.BAD_INPUT, "the database refused a value"),  # NUL in a text on PostgreSQL
    (sa.IntegrityError, ExitCode.CONFLICT, "the database refused the change"),
    (sa.DBAPIError, ExitCode.DATABASE, "cannot use the database"),
)


def classify(error: BaseException) -> tuple[ExitCode, str]:
    """The exit status and the one-line message (without ``error: ``) for an exception a command let out."""
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED, "interrupted"
    if isinstance(error, BrokenPipeError):
        return ExitCode.BROKEN_PIPE, "standard output was closed before the end"
    if isinstance(error, click.Abort):
        # click.prompt turns Ctrl-C and the end of standard input into Abort; the cause stays in __context__.
        if isinstance(error.__context__, EOFError):
            return ExitCode.BAD_INPUT, "standard input ended before the answer was given"
        return ExitCode.INTERRUPTED, "interrupted"
    if not isinstance(error, LibraryError) and (outage := unavailable(error)) is not None:
        error = outage  # a lost connection or a pool timeout, whatever the driver called it
    if isinstance(error, DatabaseUnavailable):
        return ExitCode.DATABASE, f"cannot use the database: {error.reason}"
    if isinstance(error, LibraryError):
        code = next(code for kind, code in KINDS if isinstance(error, kind))
        prefix = "configuration: " if code is ExitCode.CONFIGURATION else ""
        return code, prefix + error.detail
    if isinstance(error, sa.DBAPIError):
        code, what = next((code, what) for kind, code, what in DATABASE_KINDS if isinstance(error, kind))
        return code, f"{what}: {_first_line(error.orig if error.orig is not None else error)}"
    if isinstance(error, sa.TimeoutError):
        return ExitCode.DATABASE, f"cannot use the database: {_first_line(error)}"
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return ExitCode.BAD_INPUT, where + (error.strerror or _first_line(error))
    return ExitCode.INTERNAL, f"internal error: {type(error).__name__}: {_first_line(error)}"


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else "(no message)"


def one_line(message: str) -> str:
    """``message`` on a single line: a detail that spans lines is joined with ``; ``."""
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


def debugging(environ=os.environ) -> bool:
    """Whether LIBRARY_DEBUG asks for tracebacks. Read here, not from `Settings`: a traceback is
    wanted most when the settings themselves fail to load."""
    return environ.get(DEBUG_VARIABLE, "").strip().lower() in {"1", "true", "yes", "on"}


def fail(error: BaseException) -> ExitCode:
    """Print ``error`` as one line on stderr (after its traceback when debugging); its exit status."""
    code, message = classify(error)
    if code is ExitCode.BROKEN_PIPE:
        _silence_stdout()
    if debugging():
        traceback.print_exception(error, file=sys.stderr)
    click.echo(f"error: {one_line(message)}", err=True)
    return code


def _silence_stdout() -> None:
    # Python flushes stdout once more at exit; into a closed pipe that is a second BrokenPipeError,
    # printed as "Exception ignored ...". Point the descriptor at /dev/null, as the Python docs advise.
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a test runner's in-memory stdout
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


class OneLineUsageError(click.UsageError):
    """A usage error shown as one line too, with click's hint at the end (click's own takes four lines)."""

    def show(self, file=None) -> None:
        message = one_line(self.format_message()).rstrip(".") + "."
        hint = f" Try '{self.ctx.command_path} --help'." if self.ctx else ""
        click.echo(f"error: {message}{hint}", err=True)


def _one_line_usage(error: click.UsageError) -> click.UsageError:
    if isinstance(error, OneLineUsageError | click.exceptions.NoArgsIsHelpError):  # the latter shows the help
        return error
    return OneLineUsageError(error.format_message(), error.ctx)


class LibraryGroup(click.Group):
    """A command group whose commands' failures go through `fail`: the root ``library`` group, and
    ``catalogs`` when it runs alone (``scripts/catalogs.py``). Nested, the innermost one handles."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:  # the group's own options are parsed here, before `invoke`
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as error:
            raise _one_line_usage(error) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise _one_line_usage(error) from None  # exit status 2, printed by click
        except (click.ClickException, click.exceptions.Exit):
            raise  # explicit exits are click's
        except (Exception, KeyboardInterrupt) as error:  # click.Abort included
            ctx.exit(fail(error))
