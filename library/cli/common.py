"""What the commands of every group share: the settings, the engine, the language registry, files.

Settings are read once per invocation and kept in click's ``ctx.meta``, which every nested context
shares, so a group and its sub-command see the same object. PATH ``-`` means standard input or output.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

import click

from library.errors import ConfigurationError, Invalid
from library.settings import Settings, load_settings

_SETTINGS = "library.settings"


def settings(ctx: click.Context) -> Settings:
    """The LIBRARY_* settings, loaded on first use (a bad value raises `ConfigurationError`)."""
    if _SETTINGS not in ctx.meta:
        ctx.meta[_SETTINGS] = load_settings()
    return ctx.meta[_SETTINGS]


def runtime(ctx: click.Context, *, upgrade_sqlite: bool = True):
    """The command's `library.bootstrap.Runtime`, built on first use: the engine of LIBRARY_DATABASE_URL
    (a SQLite file created or upgraded unless ``upgrade_sqlite`` is false, a PostgreSQL schema checked),
    carrying the content events, the languages and the catalogs."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from library.bootstrap import build_runtime

    key = f"library.runtime.{upgrade_sqlite}"
    if key not in ctx.meta:
        try:
            ctx.meta[key] = build_runtime(settings(ctx), migrate_sqlite=upgrade_sqlite)
        except (ArgumentError, NoSuchModuleError, ImportError) as error:  # unparsable URL, unknown or missing driver
            raise ConfigurationError(f"LIBRARY_DATABASE_URL cannot be used: {error}") from None
    return ctx.meta[key]


def engine(ctx: click.Context, *, upgrade_sqlite: bool = True):
    """The runtime's engine: content written through it runs the content events (checks, history)."""
    return runtime(ctx, upgrade_sqlite=upgrade_sqlite).engine


def registry(ctx: click.Context):
    """The supported languages and their fallback chains, from the settings."""
    return runtime(ctx).languages


def split(values: tuple[str, ...]) -> list[str]:
    """Repeated and comma-separated option values as one list (``--lang kk,ru --lang en``)."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def is_std(path: Path | None) -> bool:
    return path is not None and str(path) == "-"


def open_input(path: Path) -> BinaryIO:
    """PATH opened for reading bytes (standard input for ``-``); an unreadable file is bad input."""
    if is_std(path):
        return sys.stdin.buffer
    try:
        return path.open("rb")
    except OSError as error:
        raise Invalid(f"cannot read {path}: {error.strerror}") from None


def read_input(path: Path) -> bytes:
    """All of PATH (standard input for ``-``)."""
    with open_input(path) as stream:
        return stream.read()


@contextmanager
def open_output(path: Path, *, binary: bool = False) -> Iterator[IO]:
    """Standard output for ``-``, else PATH written through ``PATH.partial``, renamed when the block
    ends without error (removed when it fails), so a reader of PATH never sees half a file. Opened
    before any work starts, so an unwritable PATH fails first."""
    if is_std(path):
        out = sys.stdout.buffer if binary else sys.stdout
        yield out
        out.flush()
        return
    tmp = path.with_name(path.name + ".partial")
    try:
        out = tmp.open("wb") if binary else tmp.open("w", encoding="utf-8", newline="\n")
    except OSError as error:
        raise Invalid(f"cannot write {path}: {error.strerror}") from None
    try:
        with out:
            yield out
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)


def write_output(path: Path, data: bytes) -> None:
    """``data`` to PATH (standard output for ``-``), as `open_output` writes."""
    with open_output(path, binary=True) as out:
        out.write(data)
