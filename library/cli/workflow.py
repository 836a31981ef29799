"""The workflow's groups: ``users`` (accounts and their API tokens) and ``exchange`` (PO/XLIFF files).

They call the same services as the HTTP API. Token secrets are printed once, alone on standard
output, so scripts can capture them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from library.cli.common import engine, read_input, registry, settings, write_output
from library.errors import Invalid

ROLES = ["reader", "translator", "editor", "admin"]


def _operator():
    """Who the CLI acts as when no account is named: the operator, with every right."""
    from library.workflow.accounts import Principal
    from library.workflow.models import Role

    return Principal(0, "cli", Role.ADMIN, ())


@click.group()
def users() -> None:
    """Accounts (reader, translator, editor, admin) and their API tokens."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@click.option("--language", "languages", multiple=True, metavar="CODE",
              help="A language a translator works in (repeat for several).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.pass_context
def users_add(ctx: click.Context, username: str, role: str, languages: tuple[str, ...], password_stdin: bool) -> None:
    """Create an account; the password is asked for (or read with --password-stdin) and stored as an Argon2 hash."""
    from library.storage import session_scope
    from library.workflow.accounts import create_user
    from library.workflow.models import Role

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sys.stdin.isatty():  # getpass would warn and echo; a script says where the password comes from
        raise Invalid("standard input is not a terminal to ask for the password: use --password-stdin")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with session_scope(engine(ctx)) as session:
        user = create_user(session, registry(ctx), username=username, role=Role(role), password=password,
                           languages=languages, by="cli")
        click.echo(f"added {user.username} ({user.role}{': ' + ', '.join(user.languages) if user.languages else ''})")


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """List accounts with their role, languages and live tokens."""
    from library.storage import session_scope
    from library.workflow.accounts import list_users, tokens_of

    with session_scope(engine(ctx), write=False) as session:
        for user in list_users(session):
            live = sum(1 for t in tokens_of(session, user) if t.revoked_at is None)
            state = "" if user.active else ", disabled"
            click.echo(f"{user.username}\t{user.role}\t{','.join(user.languages) or '-'}\t{live} token(s){state}")


@users.group("token")
def token() -> None:
    """Issue, list and revoke bearer tokens for the API."""


@token.command("issue")
@click.argument("username")
@click.option("--name", default="", help="A label for the token (where it is used).")
@click.pass_context
def token_issue(ctx: click.Context, username: str, name: str) -> None:
    """Issue a token for USERNAME and print it once (only its SHA-256 digest is stored)."""
    from library.storage import session_scope
    from library.workflow.accounts import get_user, issue_token

    with session_scope(engine(ctx)) as session:
        issued = issue_token(session, get_user(session, username), name=name, by="cli")
    click.echo(f"token {issued.id} for {issued.username}; it is shown only now:", err=True)
    click.echo(issued.secret)


@token.command("list")
@click.argument("username")
@click.pass_context
def token_list(ctx: click.Context, username: str) -> None:
    """List USERNAME's tokens (ids and labels; the secrets are not stored)."""
    from library.storage import session_scope
    from library.workflow.accounts import get_user, tokens_of

    with session_scope(engine(ctx), write=False) as session:
        for t in tokens_of(session, get_user(session, username)):
            state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "live"
            click.echo(f"{t.id}\t{t.name or '-'}\tissued {t.created_at:%Y-%m-%d %H:%M}\t{state}")


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
def token_revoke(ctx: click.Context, token_id: int) -> None:
    """Revoke token TOKEN_ID: requests presenting it get 401 from now on."""
    from library.storage import session_scope
    from library.workflow.accounts import revoke_token

    with session_scope(engine(ctx)) as session:
        revoke_token(session, token_id)
    click.echo(f"token {token_id} revoked")


@click.group()
def exchange() -> None:
    """Translation files for CAT tools: export a language's queue, import the filled file."""


@exchange.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default="-")
@click.option("--lang", "language", required=True, help="Target language (e.g. kk).")
@click.option("--format", "fmt", type=click.Choice(["po", "xliff"]), default="po", show_default=True)
@click.option("--section", default=None, help="Only this section's articles.")
@click.option("--base-url", default="http://localhost:8000", show_default=True,
              help="Site address used in the article links given to translators.")
@click.pass_context
def exchange_export(ctx: click.Context, path: Path, language: str, fmt: str, section: str | None,
                    base_url: str) -> None:
    """Write the queue of --lang (missing and outdated variants) to PATH as PO or XLIFF 1.2."""
    from library.memory import machine
    from library.storage import session_scope
    from library.workflow.exchange.service import export_file

    translator = machine.engine(settings(ctx).machine_translation)
    with session_scope(engine(ctx), write=False) as session:
        exported = export_file(session, registry(ctx), _operator(), language, fmt, base_url=base_url,
                               section=section, engine=translator)
    write_output(path, exported.data)
    click.echo(f"exported {exported.units} units for {language}", err=True)


@exchange.command("import")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--lang", "language", required=True, help="Target language of the file (e.g. kk).")
@click.option("--as", "username", required=True, help="The translator the imported texts are attributed to.")
@click.option("--format", "fmt", type=click.Choice(["po", "xliff"]), default=None,
              help="File format (default: from the name or content).")
@click.option("--dry-run", is_flag=True, help="Check the file and report, write nothing.")
@click.pass_context
def exchange_import(ctx: click.Context, path: Path, language: str, username: str, fmt: str | None,
                    dry_run: bool) -> None:
    """Import a filled PO or XLIFF file: all of it (as "in review"), or nothing when any entry is wrong."""
    from library.storage import session_scope
    from library.workflow.accounts import Principal, get_user
    from library.workflow.errors import ImportRejected
    from library.workflow.exchange.service import guess_format, import_file, prepare_import

    data = read_input(path)
    db, languages, fmt = engine(ctx), registry(ctx), fmt or guess_format(path.name, data)
    with session_scope(db, write=False) as session:  # the content checks, before taking the write lock
        principal = Principal.of(get_user(session, username))
        prepared = None if dry_run else prepare_import(session, languages, principal, language, data, fmt,
                                                       max_text_kb=settings(ctx).max_text_kb)
    try:
        with session_scope(db, write=not dry_run) as session:
            report = import_file(session, languages, principal, language, data, fmt, dry_run=dry_run,
                                 prepared=prepared, max_text_kb=settings(ctx).max_text_kb)
    except ImportRejected as rejected:
        for line in rejected.report.messages():
            click.echo(line)  # the report is the output; the one error line follows on stderr
        raise
    for line in report.messages():
        click.echo(line)
    counts = ", ".join(f"{n} {kind}" for kind, n in report.summary().items() if n)
    click.echo(f"{'checked' if dry_run else 'imported'}: {counts or 'nothing to do'}")
