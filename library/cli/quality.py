"""The quality groups: ``terms`` (the term base as CSV or TBX files) and ``check`` (content checks).

``library check content`` exits with `ExitCode.FINDINGS` when it finds an error (warnings alone exit 0).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from library.cli.common import engine, is_std, read_input, settings, write_output
from library.cli.exits import ExitCode
from library.errors import Invalid

FORMATS = ("csv", "tbx")


def _file_format(path: Path | None, given: str | None) -> str:
    if given:
        return given
    suffix = path.suffix.lower().lstrip(".") if path and not is_std(path) else ""
    return suffix if suffix in FORMATS else "csv"


def _language(ctx: click.Context, language: str | None) -> str | None:
    languages = settings(ctx).languages
    if language is not None and language not in languages:
        raise Invalid(f"--lang {language!r} is not a supported language ({', '.join(languages)})")
    return language


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def terms() -> None:
    """The term base: names kept the same across languages (CSV and TBX files)."""


@terms.command("list")
@click.option("--lang", "language", help="Only terms with a form in this language.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def list_command(ctx: click.Context, language: str | None, output: str) -> None:
    """Print the terms, by key."""
    from library.quality.terms import TermData, list_terms
    from library.storage import session_scope

    languages = settings(ctx).languages
    with session_scope(engine(ctx), write=False) as session:
        rows = [TermData.of(term) for term in list_terms(session, language=_language(ctx, language))]
    if output == "json":
        click.echo(json.dumps([{"key": t.key, "forms": dict(t.forms), "forbidden": dict(t.forbidden), "note": t.note}
                               for t in rows], ensure_ascii=False, indent=2))
        return
    for term in rows:
        forms = " | ".join(f"{lang}: {term.forms[lang]}" for lang in languages if lang in term.forms)
        forbidden = "; ".join(f"{lang}: {', '.join(values)}" for lang, values in term.forbidden.items())
        click.echo(f"{term.key}  {forms}" + (f"  (forbidden {forbidden})" if forbidden else ""))
    click.echo(f"{len(rows)} terms", err=True)


@terms.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default="-")
@click.option("--format", "file_format", type=click.Choice(FORMATS),
              help="csv or tbx (default: from PATH's extension, else csv).")
@click.pass_context
def export_command(ctx: click.Context, path: Path, file_format: str | None) -> None:
    """Write the term base to PATH (default: standard output) as CSV or TBX."""
    from library.quality import termfiles
    from library.quality.terms import TermData, list_terms
    from library.storage import session_scope

    languages = settings(ctx).languages
    with session_scope(engine(ctx), write=False) as session:
        rows = [TermData.of(term) for term in list_terms(session)]
    kind = _file_format(path, file_format)
    data = termfiles.write_tbx(rows, languages) if kind == "tbx" else termfiles.write_csv(rows, languages).encode()
    write_output(path, data)
    click.echo(f"exported {len(rows)} terms as {kind}", err=True)


@terms.command("import")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--format", "file_format", type=click.Choice(FORMATS),
              help="csv or tbx (default: from PATH's extension, else csv).")
@click.option("--replace", is_flag=True, help="Delete the terms the file does not name.")
@click.pass_context
def import_command(ctx: click.Context, path: Path, file_format: str | None, replace: bool) -> None:
    """Add or update terms from a CSV or TBX file: all of them, or none on any error."""
    from library.quality import termfiles
    from library.quality.terms import import_terms
    from library.storage import session_scope

    data = read_input(path)
    warnings: list[termfiles.FileWarning] = []
    if _file_format(path, file_format) == "tbx":
        rows, warnings = termfiles.read_tbx(data)
    else:
        try:
            rows = termfiles.read_csv(data.decode("utf-8"))
        except UnicodeDecodeError:
            raise Invalid(f"{path} is not UTF-8 text; save the CSV as UTF-8.") from None
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    with session_scope(engine(ctx)) as session:
        result = import_terms(session, rows, languages=settings(ctx).languages, replace=replace, by="cli")
    click.echo(f"imported terms: {result.created} new, {result.updated} updated, {result.unchanged} unchanged, "
               f"{result.deleted} deleted")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def check() -> None:
    """Quality checks."""


@check.command("content")
@click.option("--lang", "language", help="Only variants in this language.")
@click.option("--section", help="Only articles of this section (its slug).")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def content_command(ctx: click.Context, language: str | None, section: str | None, output: str) -> None:
    """Check every variant's current text: language, preserved numbers and links, terms, length.

    Prints one line per finding (article, language, revision, severity, code, message); exits with
    status 1 when any finding is an error. Texts are checked afresh against today's term base.
    """
    from library.content.service import get_section
    from library.quality.findings import as_plain, check_library
    from library.storage import session_scope

    with session_scope(engine(ctx), write=False) as session:
        if section is not None:
            get_section(session, section)
        reports = check_library(session, language=_language(ctx, language), section=section)
    rows = [{"article": r.article, "section": r.section, "language": r.language, "revision": r.revision,
             "status": r.status, **as_plain(f)} for r in reports for f in r.findings]
    errors = sum(row["severity"] == "error" for row in rows)
    if output == "json":
        click.echo(json.dumps({"variants": len(reports), "errors": errors, "warnings": len(rows) - errors,
                               "findings": rows}, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            click.echo(f"{row['article']}  {row['language']}  r{row['revision']}  {row['severity']}  "
                       f"{row['code']}  {row['message']}")
    click.echo(f"{errors} errors, {len(rows) - errors} warnings in {len(reports)} variants", err=True)
    if errors:
        ctx.exit(ExitCode.FINDINGS)
