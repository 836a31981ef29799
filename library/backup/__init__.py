"""The whole library as JSON Lines, for backup and for moving between SQLite and PostgreSQL.

The file is deterministic (records in a fixed order, keys sorted, no export time), so a round trip
SQLite -> file -> PostgreSQL -> file gives identical bytes. Import checks every line before it
writes anything, then writes everything in one transaction: a bad line changes nothing.

What a backup holds: content, every revision, the refused edits kept beside them (texts people wrote
that lost a race: "nothing is lost" includes backups), the audit log, reader demand (the translators'
signal of what to translate next), the term base, the content-check findings of every revision and
the publishing overrides (an editor's written reason to publish despite errors: an audit record),
and the coverage history (one snapshot per language, section and day). Records name what they
belong to by slug, language and revision number, never by database id.

Importing writes rows as they are (bulk inserts, not `save_variant`): the content checks do not run
again, so the findings are the file's and no more, and no coverage snapshot is recorded for the import.

What it leaves out, on purpose: accounts and tokens, and newsletter subscribers. A content backup is
shared more widely than credentials should be (an Argon2 hash can still be attacked offline), and
subscribers' e-mail addresses are personal data that has no business in it. Accounts are re-created
with ``library users add`` (or kept by backing up the database itself); tokens are re-issued;
subscribers stay in the database they gave their address to.

Format 2 added the term base, findings, overrides and coverage snapshots; a format 1 file (without
them) still imports. A format 1 file says nothing about the term base, so ``--replace`` with one
keeps the current terms; a format 2 file replaces them with its own.
"""

from library.backup.export import export_library, export_lines, record_count
from library.backup.load import ParsedLibrary, clear_library, import_library, is_empty, parse_library
from library.backup.records import FORMAT

__all__ = ["FORMAT", "ParsedLibrary", "clear_library", "export_library", "export_lines",
           "import_library", "is_empty", "parse_library", "record_count"]
