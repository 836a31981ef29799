"""``coverage``: translation coverage per language and section, a release gate, and history snapshots."""

from __future__ import annotations

import json
import sys

import click

from library.cli.common import engine, settings, split
from library.cli.exits import ExitCode
from library.errors import Invalid


@click.group(invoke_without_command=True)
@click.option("--lang", "languages", multiple=True, metavar="LANG[,LANG]",
              help="Report these languages only (repeat or comma-separate; default: every language).")
@click.option("--section", "sections", multiple=True, metavar="SLUG[,SLUG]",
              help="Report these sections only (repeat or comma-separate; default: every section).")
@click.option("--format", "output", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="An aligned table for people, JSON or CSV for scripts.")
@click.option("--fail-under", metavar="LANG=PCT[,LANG=PCT]",
              help=f"Exit with status {ExitCode.BELOW_THRESHOLD:d}, naming each language, when a language's "
                   "published share of articles is below its threshold (e.g. kk=90,en=60).")
@click.option("--words", is_flag=True, help="Measure --fail-under by source words instead of articles.")
@click.option("--verify", is_flag=True,
              help=f"Recount the coverage counters from the library and report every cell that drifted "
                   f"from the recount; exit with status {ExitCode.FINDINGS:d} when one did.")
@click.option("--repair", is_flag=True, help="As --verify, then rewrite the counters from the recount.")
@click.pass_context
def coverage(ctx: click.Context, languages: tuple[str, ...], sections: tuple[str, ...], output: str,
             fail_under: str | None, words: bool, verify: bool, repair: bool) -> None:
    """Translation coverage per language and section: published, in review, draft, missing, outdated.

    Percentages are shares of each section's articles (or, weighted, of their source words).
    `library coverage snapshot` records today's figures for the history.
    """
    if ctx.invoked_subcommand is not None:
        return
    if verify or repair:
        if languages or sections or fail_under or words:
            raise click.UsageError("--verify and --repair check every language and section: "
                                   "they take no --lang, --section, --fail-under or --words")
        _verify(ctx, output, repair=repair)
        return
    from library.coverage import render
    from library.coverage.service import below_thresholds, compute_coverage, parse_thresholds, pick_languages
    from library.storage import session_scope

    current = settings(ctx)
    chosen = pick_languages(current.languages, split(languages))
    thresholds = parse_thresholds(fail_under, current.languages) if fail_under else {}
    if left_out := sorted(set(thresholds) - set(chosen)):
        raise Invalid(f"--fail-under names {', '.join(left_out)}, which --lang leaves out")
    with session_scope(engine(ctx), write=False) as session:
        result = compute_coverage(session, chosen, split(sections) or None, locales_dir=current.locales_dir)
    text = {"table": render.coverage_table, "csv": render.coverage_csv,
            "json": lambda c: json.dumps(render.coverage_dict(c), ensure_ascii=False, indent=2) + "\n"}[output]
    click.echo(text(result), nl=False)
    failing = below_thresholds(result, thresholds, words=words)
    for cell in failing:
        click.echo(f"coverage of {cell.language} is {cell.percent('published', words=words):.1f}%, "
                   f"below the threshold of {thresholds[cell.language]:g}%", err=True)
    if failing:
        ctx.exit(ExitCode.BELOW_THRESHOLD)


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

    chosen = pick_languages(settings(ctx).languages, split(languages))
    current = engine(ctx)
    with session_scope(current, write=False) as session:
        sections = load_sections(session)
    at, written = utcnow(), 0
    with click.progressbar(sections, label="recording coverage snapshots", file=sys.stderr,
                           item_show_func=lambda s: s.slug if s else None) as bar:
        for section in bar:
            with session_scope(current) as session:
                written += record_snapshots(session, chosen, [section.id], at=at)
    click.echo(f"recorded {written} snapshots ({len(chosen)} languages x {len(sections)} sections) "
               f"for {at.date().isoformat()}")


def _verify(ctx: click.Context, output: str, *, repair: bool) -> None:
    """``coverage --verify`` / ``--repair``: one line per drifting figure (or JSON), then a summary."""
    from library.coverage.verify import repair_counters, verify_counters
    from library.storage import session_scope

    check = repair_counters if repair else verify_counters
    with session_scope(engine(ctx)) as session:  # a writer: on SQLite nothing changes while it counts
        result = check(session, settings(ctx).languages)
    drift = result.drift
    if output == "json":
        click.echo(json.dumps({"cells": result.cells, "variants": result.variants, "repaired": repair and bool(drift),
                               "drift": [vars(d) for d in drift]}, ensure_ascii=False, indent=2))
    else:
        for d in drift:
            click.echo(f"drift: {d.language}/{d.section} {d.measure}: counted {d.counted}, recounted {d.recounted}")
        cells = len({(d.language, d.section) for d in drift})
        if not drift:
            click.echo(f"the coverage counters equal a recount ({result.cells} cells, {result.variants} variants)")
        elif repair:
            click.echo(f"repaired {cells} drifting cells of {result.cells}: the counters now equal the recount")
        else:
            click.echo(f"{cells} of {result.cells} cells drift from a recount; "
                       f"`library coverage --repair` rewrites the counters")
    if drift and not repair:
        ctx.exit(ExitCode.FINDINGS)
