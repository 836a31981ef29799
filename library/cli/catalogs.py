"""``catalogs``: extract, update, compile, stats and check the interface catalogs (`library.catalogs`).

It needs no database, so it also runs alone from a checkout (``scripts/catalogs.py``), handling its
errors with the same table as ``library``: bad input (a missing locales folder, a malformed .po) is
`ExitCode.BAD_INPUT`, and ``check`` exits with `ExitCode.FINDINGS` when it finds an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from library.catalogs.checks import DEFAULT_REQUIRED
from library.catalogs.compile import compile_catalogs
from library.catalogs.extract import extract, update
from library.catalogs.stats import CatalogStats, stats_for
from library.cli.exits import ExitCode, LibraryGroup
from library.errors import Invalid
from library.quality.interface import check_interface_catalogs

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class _Options:
    locales_dir: Path | None
    languages: tuple[str, ...] | None

    def resolve(self) -> tuple[Path, tuple[str, ...]]:
        """The locales folder and languages: from the options, else from LIBRARY_* settings."""
        if self.locales_dir is not None and self.languages is not None:
            return self.locales_dir, self.languages
        from library.settings import load_settings

        settings = load_settings()
        return self.locales_dir or settings.locales_dir, self.languages or settings.languages


def _codes(raw: str | None) -> tuple[str, ...] | None:
    if raw is None:
        return None
    codes = tuple(code.strip().lower() for code in raw.split(",") if code.strip())
    if not codes:
        raise click.BadParameter("name at least one language, e.g. en,ru,kk")
    return codes


@click.group(cls=LibraryGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--locales-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder with <lang>/LC_MESSAGES/messages.po (default: LIBRARY_LOCALES_DIR or the project's locales/).",
)
@click.option("--languages", metavar="CODES", help="Comma-separated languages (default: LIBRARY_LANGUAGES).")
@click.pass_context
def catalogs(ctx: click.Context, locales_dir: Path | None, languages: str | None) -> None:
    """Interface-string catalogs: extract, update, compile, stats, check."""
    ctx.obj = _Options(locales_dir, _codes(languages))


pass_options = click.make_pass_decorator(_Options)


@catalogs.command("extract")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=PROJECT_ROOT,
    show_default="the project folder",
    help="Folder holding babel.cfg and the sources.",
)
@pass_options
def extract_command(options: _Options, root: Path) -> None:
    """Extract marked strings into messages.pot.

    Keywords: N_, _, gettext, ngettext, pgettext, npgettext; mapping: babel.cfg. The file is left
    untouched when only its creation date would change.
    """
    locales_dir, _ = options.resolve()
    written = extract(root, locales_dir)
    state = "wrote" if written.changed else "unchanged:"
    click.echo(f"{state} {written.path} ({written.messages} messages)")


@catalogs.command("update")
@click.option(
    "--extract/--no-extract", "run_extract", default=True, help="Extract first (default) or merge the pot as is."
)
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=PROJECT_ROOT, hidden=True)
@pass_options
def update_command(options: _Options, run_extract: bool, root: Path) -> None:
    """Extract, then merge messages.pot into each .po.

    Translations are kept; new messages arrive untranslated, changed ones fuzzy, removed ones obsolete.
    A missing .po is created with the right Plural-Forms header.
    """
    locales_dir, languages = options.resolve()
    if run_extract:
        written = extract(root, locales_dir)
        click.echo(f"{'wrote' if written.changed else 'unchanged:'} {written.path} ({written.messages} messages)")
    for result in update(locales_dir, languages):
        click.echo(f"{'updated' if result.changed else 'unchanged:'} {result.path} ({result.messages} messages)")


@catalogs.command("compile")
@pass_options
def compile_command(options: _Options) -> None:
    """Write .mo files with complete translations only.

    Untranslated, fuzzy and partly filled plural messages are left out, so they fall back to the next
    language at run time. The same .po always gives the same bytes.
    """
    locales_dir, languages = options.resolve()
    for result in compile_catalogs(locales_dir, languages):
        state = "wrote" if result.changed else "unchanged:"
        click.echo(f"{state} {result.path} ({result.messages} messages)")


def _table(rows: list[CatalogStats]) -> str:
    header = ("language", "translated", "fuzzy", "untranslated", "obsolete", "total", "done")
    body = [
        (s.language, s.translated, s.fuzzy, s.untranslated, s.obsolete, s.total, f"{s.percent_translated:.1f}%")
        for s in rows
    ]
    widths = [max(len(str(row[i])) for row in (header, *body)) for i in range(len(header))]
    lines = []
    for row in (header, *body):
        cells = [str(cell).ljust(widths[0]) if i == 0 else str(cell).rjust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells))
    return "\n".join(lines)


@catalogs.command("stats")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_options
def stats_command(options: _Options, output: str) -> None:
    """Translation progress per language.

    Translated, fuzzy, untranslated and obsolete messages, counted as `msgfmt --statistics` counts.
    """
    locales_dir, languages = options.resolve()
    rows = stats_for(locales_dir, languages)
    if output == "json":
        click.echo(json.dumps([row.as_dict() for row in rows], indent=2))
    else:
        click.echo(_table(rows))


@catalogs.command("check")
@click.option(
    "--required",
    metavar="CODES",
    default=",".join(DEFAULT_REQUIRED),
    show_default=True,
    help="Languages that must be completely translated; gaps elsewhere are warnings.",
)
@click.option("--compiled/--no-compiled", default=True, help="Also require each .mo to be in step with its .po.")
@pass_options
@click.pass_context
def check_command(ctx: click.Context, options: _Options, required: str, compiled: bool) -> None:
    """Report problems as file:line: msgid: message.

    Untranslated or fuzzy messages in required languages, placeholder and plural mistakes, text in the
    wrong script or language, Kazakh identical to Russian, stale .mo files. Exits 1 on any error.
    A reviewed exception is marked on the entry with the comment "# library: allow-identical" (identical
    to the original or to Russian, or without Cyrillic) or "# library: language-ok" (taken for another
    language by the language detector).
    """
    locales_dir, languages = options.resolve()
    required_codes = _codes(required) or ()
    if unknown := [code for code in required_codes if code not in languages]:
        raise Invalid(f"--required names {', '.join(unknown)}, not among the languages checked ({','.join(languages)})")
    findings = check_interface_catalogs(locales_dir, languages, required_codes, check_compiled=compiled)
    for finding in findings:
        click.echo(str(finding))
    errors = sum(finding.severity == "error" for finding in findings)
    click.echo(f"{errors} errors, {len(findings) - errors} warnings in {len(languages)} catalogs", err=True)
    if errors:
        ctx.exit(ExitCode.FINDINGS)
