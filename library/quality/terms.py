"""The term base: names that must read the same in every language, kept, looked up and imported.

The API, the CLI and file imports all go through these functions, which take a session and plain
values (`TermData`) and check them against the supported languages. The content checks read the
term base as `TermEntry` values (`term_entries`); translators get it as notes (`term_notes`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import msgspec
from sqlalchemy import delete, literal, select
from sqlmodel import Session

from library.quality import extract, matching
from library.quality.checks import TermEntry
from library.quality.errors import DuplicateTerm, InvalidTerm, TermNotFound
from library.quality.models import Term
from library.storage.types import utcnow

#: A key is an XML name (TBX uses it as the entry's id) and a URL segment: lower-case letters and
#: digits, single hyphens or underscores inside, starting with a letter.
KEY = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
MAX_KEY = 100
MAX_FORM = 300
MAX_NOTE = 4000


@dataclass(frozen=True)
class TermData:
    """A term as written by a person or a file, before it is checked and stored."""

    key: str
    forms: Mapping[str, str]
    forbidden: Mapping[str, Sequence[str]] = field(default_factory=dict)
    note: str = ""

    def cleaned(self, languages: Sequence[str]) -> TermData:
        """The term with whitespace tidied, empty values dropped, and every rule checked
        (`InvalidTerm` names the broken one)."""
        forms = {lang.strip().lower(): " ".join(form.split()) for lang, form in self.forms.items()}
        forms = {lang: form for lang, form in forms.items() if form}
        forbidden: dict[str, list[str]] = {}
        for lang, values in self.forbidden.items():
            cleaned = list(dict.fromkeys(" ".join(value.split()) for value in values if value.strip()))
            if cleaned:
                forbidden[lang.strip().lower()] = cleaned
        term = TermData(self.key.strip() or make_key(forms), forms, forbidden, self.note.strip())
        term.validate(languages)
        return term

    def validate(self, languages: Sequence[str]) -> None:
        if not KEY.match(self.key) or len(self.key) > MAX_KEY:
            raise InvalidTerm(f"{self.key!r} is not a valid term key: use lower-case letters, digits and single "
                              f"hyphens, starting with a letter (at most {MAX_KEY}).", key=self.key)
        if not self.forms:
            raise InvalidTerm(f"Term {self.key!r} needs its form in at least one language.", key=self.key)
        for lang in [*self.forms, *self.forbidden]:
            if lang not in languages:
                raise InvalidTerm(f"Term {self.key!r}: {lang!r} is not a supported language "
                                  f"({', '.join(languages)}).", key=self.key, language=lang)
        for lang, form in self.forms.items():
            if len(form) > MAX_FORM or not matching.tokens(form):
                raise InvalidTerm(f"Term {self.key!r}: the {lang} form must have a word and at most "
                                  f"{MAX_FORM} characters.", key=self.key, language=lang)
        for lang, values in self.forbidden.items():
            if lang not in self.forms:
                raise InvalidTerm(f"Term {self.key!r}: forbidden {lang} forms need the {lang} form to use "
                                  f"instead.", key=self.key, language=lang)
            if any(value.casefold() == self.forms[lang].casefold() or not matching.tokens(value) for value in values):
                raise InvalidTerm(f"Term {self.key!r}: a forbidden {lang} form is empty or the form itself.",
                                  key=self.key, language=lang)
        if len(self.note) > MAX_NOTE:
            raise InvalidTerm(f"Term {self.key!r}: the note is longer than {MAX_NOTE} characters.", key=self.key)

    @classmethod
    def of(cls, term: Term) -> TermData:
        return cls(term.key, dict(term.forms), {lang: list(v) for lang, v in term.forbidden.items()}, term.note)


class TermFields(msgspec.Struct):
    """A stored term as it leaves the database: the API's answer and a backup's record extend it."""

    key: str
    forms: dict[str, str]
    """The form to use, per language; a trailing "(ABBR)" is an abbreviation that counts as the term."""
    forbidden: dict[str, list[str]]
    """Forms a text in that language must not use."""
    note: str
    updated_by: str | None
    updated_at: datetime


def fields_of(term: Term) -> dict[str, object]:
    """The `TermFields` of ``term``, by name (its mappings copied)."""
    return {"key": term.key, "forms": dict(term.forms),
            "forbidden": {lang: list(values) for lang, values in term.forbidden.items()}, "note": term.note,
            "updated_by": term.updated_by, "updated_at": term.updated_at}


def make_key(forms: Mapping[str, str]) -> str:
    """A key made from the English form (or the first Latin-script one): "Interdepartmental Working
    Group (IWG)" -> "interdepartmental-working-group-iwg"; "term" when no form has Latin letters."""
    for lang in ["en", *sorted(forms)]:
        ascii_form = unicodedata.normalize("NFKD", forms.get(lang, "")).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_form.lower()).strip("-")
        slug = re.sub(r"^[0-9-]+", "", slug)[:MAX_KEY].rstrip("-")
        if slug:
            return slug
    return "term"


def list_terms(session: Session, *, language: str | None = None, query: str | None = None) -> list[Term]:
    """Terms by key; ``language`` keeps those with a form in it, ``query`` those with a form
    (or key) containing it, case-insensitively."""
    terms = list(session.scalars(select(Term).order_by(Term.key)))
    if language:
        terms = [term for term in terms if language in term.forms]
    if query:
        needle = query.casefold()
        terms = [t for t in terms if needle in t.key or any(needle in f.casefold() for f in t.forms.values())]
    return terms


def get_term(session: Session, key: str) -> Term:
    term = session.scalar(select(Term).where(Term.key == key))
    if term is None:
        raise TermNotFound(key)
    return term


def _apply(term: Term, data: TermData, by: str | None) -> None:
    term.key, term.forms, term.note = data.key, dict(data.forms), data.note
    term.forbidden = {lang: list(values) for lang, values in data.forbidden.items()}
    term.updated_by, term.updated_at = by, utcnow()


def create_term(session: Session, data: TermData, *, languages: Sequence[str], by: str | None = None) -> Term:
    data = data.cleaned(languages)
    if session.scalar(select(Term.id).where(Term.key == data.key)) is not None:
        raise DuplicateTerm(data.key)
    term = Term(key=data.key, forms={})
    _apply(term, data, by)
    session.add(term)
    session.flush()
    return term


def update_term(session: Session, key: str, data: TermData, *, languages: Sequence[str],
                by: str | None = None) -> Term:
    """Replace term ``key`` with ``data`` (whose key may rename it)."""
    term = get_term(session, key)
    data = data.cleaned(languages)
    if data.key != key and session.scalar(select(Term.id).where(Term.key == data.key)) is not None:
        raise DuplicateTerm(data.key)
    _apply(term, data, by)
    session.add(term)
    session.flush()
    return term


def delete_term(session: Session, key: str) -> None:
    session.delete(get_term(session, key))
    session.flush()


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    deleted: int


def import_terms(session: Session, terms: Sequence[TermData], *, languages: Sequence[str],
                 replace: bool = False, by: str | None = None) -> ImportResult:
    """Add or update terms by key, all of them or none (every term is checked before any is written).

    ``replace`` deletes the terms the import does not name.
    """
    cleaned = [term.cleaned(languages) for term in terms]
    seen: set[str] = set()
    for term in cleaned:
        if term.key in seen:
            raise InvalidTerm(f"The import names term {term.key!r} twice.", key=term.key)
        seen.add(term.key)
    existing = {term.key: term for term in session.scalars(select(Term))}
    created = updated = unchanged = 0
    for data in cleaned:
        term = existing.get(data.key)
        if term is None:
            term, created = Term(key=data.key, forms={}), created + 1
        elif TermData.of(term) == data:
            unchanged += 1
            continue
        else:
            updated += 1
        _apply(term, data, by)
        session.add(term)
    deleted = 0
    if replace and (gone := set(existing) - seen):
        deleted = len(gone)
        session.execute(delete(Term).where(Term.key.in_(gone)))
    session.flush()
    return ImportResult(created, updated, unchanged, deleted)


def term_entries(session: Session, *, notes: bool = False) -> list[TermEntry]:
    """The term base as the content checks read it (with each term's note, for translators' notes)."""
    columns = (Term.key, Term.forms, Term.forbidden, Term.note if notes else literal(""))
    return [TermEntry(key, dict(forms), {lang: tuple(values) for lang, values in forbidden.items()}, note)
            for key, forms, forbidden, note in session.execute(select(*columns).order_by(Term.key))]


def term_notes(session: Session, source_text: str, source_lang: str, target_lang: str) -> list[str]:
    """Translator notes for the terms ``source_text`` uses: the form to write in ``target_lang``,
    the forms not to write, and the term's note. For PO/XLIFF exports (one note per term)."""
    return notes_for(term_entries(session, notes=True), source_text, source_lang, target_lang)


def notes_for(entries: Sequence[TermEntry], source_text: str, source_lang: str, target_lang: str) -> list[str]:
    """`term_notes` over terms already loaded (an export loads the term base once for all its units)."""
    tokens = matching.tokens(extract.plain(source_text))
    notes = []
    for term in entries:
        source_form, target_form = term.forms.get(source_lang), term.forms.get(target_lang)
        if not (source_form and target_form) or matching.find_form(tokens, source_form, source_lang) is None:
            continue
        note = f"Term: {source_form} -> {target_form}"
        if forbidden := term.forbidden.get(target_lang):
            note += f" (not: {'; '.join(forbidden)})"
        if term.note:
            note += f". {term.note}"
        notes.append(note)
    return notes
