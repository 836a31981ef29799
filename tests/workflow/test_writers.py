"""Writers do not wait on each other's content checks (issue 13), through a real server on both engines.

A save runs the content checks of its text before its write transaction begins, so on SQLite the
write lock is held only for reads and writes. The checks are held open here with real events at the
point where they run (`library.quality.findings.check_text`), so each test acts while one save is
being checked: another writer gets through, optimistic concurrency stays as strict, and the findings
stored are always those of the stored text against its stored source and today's term base.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import event, select

from library.content.models import Status, Variant
from library.content.service import VariantText
from library.quality import findings
from library.quality.terms import TermData, create_term
from library.storage import session_scope
from library.workflow import review
from library.workflow.review import Precondition
from tests.factories import make_article, translate

WAIT = 30
"""Seconds any test waits for an event (more than SQLite's busy timeout, 10 s)."""


class HeldChecks:
    """The content checks, stopped at their first run on a text whose title starts with ``marker``
    until `release` (or `WAIT` seconds); ``calls`` counts their runs on such texts."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
        self.running, self.released = threading.Event(), threading.Event()
        self.calls = 0
        original = findings.check_text

        def check_text(target, source=None, terms=()):
            if target.title.startswith(marker):
                self.calls += 1
                if self.calls == 1:
                    self.running.set()
                    self.released.wait(WAIT)
            return original(target, source, terms)

        monkeypatch.setattr(findings, "check_text", check_text)

    def release(self) -> None:
        self.released.set()


def _url(slug: str, language: str) -> str:
    return f"/api/v1/workflow/variants/{slug}/{language}"


def _etag(server: str, headers: dict, slug: str, language: str) -> str:
    with httpx.Client(base_url=server) as client:
        return client.get(_url(slug, language), headers=headers).headers["etag"]


def _put(server: str, headers: dict, slug: str, language: str, etag: str, body: dict) -> httpx.Response:
    with httpx.Client(base_url=server, timeout=WAIT * 2) as client:
        return client.put(_url(slug, language), headers={**headers, "If-Match": etag}, json=body)


def test_a_small_save_commits_while_a_big_save_is_still_being_checked(server, staff, engine, monkeypatch):
    with session_scope(engine) as session:
        for slug in ("big", "small"):
            translate(session, make_article(session, slug=slug), "kk", "Су")
    tags = {slug: _etag(server, staff["olga"], slug, "kk") for slug in ("big", "small")}
    held = HeldChecks(monkeypatch, "Үлкен")
    big_text = {"title": "Үлкен мәтін", "body": "<p>Су ресурстары туралы ұзақ мәтін.</p>" * 5000}
    with ThreadPoolExecutor(1) as pool:
        big = pool.submit(_put, server, staff["aigerim"], "big", "kk", tags["big"], big_text)
        try:
            assert held.running.wait(WAIT), "the big save's checks never ran"
            small = _put(server, staff["dana"], "small", "kk", tags["small"], {"title": "Кіші мәтін"})
            still_checking = not big.done()
        finally:
            held.release()
        big = big.result(WAIT * 2)
    assert small.status_code == 200, small.text
    assert still_checking, "the big save was not held in its checks while the small one was saved"
    assert big.status_code == 200, big.text
    assert held.calls == 1, "the big text was checked again under the write lock"


@pytest.mark.parametrize("change", ["source", "term base"])
def test_findings_stored_are_those_of_the_stored_text_when_its_source_or_the_terms_change_meanwhile(
        server, staff, engine, monkeypatch, change):
    with session_scope(engine) as session:
        article = make_article(session, slug="water", title="Вода", body="<p>Отчёт о воде за 2020 год.</p>")
        translate(session, article, "kk", "Су", status=Status.DRAFT)
    tag = _etag(server, staff["olga"], "water", "kk")
    held = HeldChecks(monkeypatch, "Жаңа")
    with ThreadPoolExecutor(1) as pool:
        saving = pool.submit(_put, server, staff["aigerim"], "water", "kk", tag,
                             {"title": "Жаңа аударма", "body": "<p>2020 жылғы су туралы есеп.</p>"})
        try:
            assert held.running.wait(WAIT), "the translation's checks never ran"
            if change == "source":  # the translation is saved against the source's new revision
                edited = _put(server, staff["olga"], "water", "ru", _etag(server, staff["olga"], "water", "ru"),
                              {"title": "Вода", "body": "<p>Отчёт о воде за 2030 год.</p>"})
                assert edited.status_code == 200, edited.text
            else:
                with session_scope(engine) as session:
                    create_term(session, TermData("report", {"ru": "отчёт", "kk": "баяндама"}, {"kk": ["есеп"]}),
                                languages=("en", "ru", "kk"))
        finally:
            held.release()
        saved = saving.result(WAIT * 2)
    assert saved.status_code == 200, saved.text
    assert held.calls == 2  # checked before the transaction, and again in it on what it stores
    expected = {"source": "year-missing", "term base": "term-forbidden"}[change]
    assert expected in {finding["code"] for finding in saved.json()["findings"]}
    with session_scope(engine, write=False) as session:
        variant = session.scalar(select(Variant).where(Variant.language == "kk"))
        stored = [(f.code, f.severity, f.details) for f in findings.stored_findings(session, variant)]
        fresh = [(f.code, f.severity, dict(f.facts)) for f in findings.check_variant(session, variant)]
    assert sorted(stored, key=repr) == sorted(fresh, key=repr)
    assert variant.check_flags


def test_a_save_based_on_a_revision_that_moved_on_while_it_was_checked_is_still_refused(
        server, staff, engine, monkeypatch):
    with session_scope(engine) as session:
        translate(session, make_article(session, slug="water"), "kk", "Су")
    tag = _etag(server, staff["olga"], "water", "kk")
    held = HeldChecks(monkeypatch, "Айгерім")
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(_put, server, staff["aigerim"], "water", "kk", tag, {"title": "Айгерім"})
        try:
            assert held.running.wait(WAIT), "the first save's checks never ran"
            second = _put(server, staff["dana"], "water", "kk", tag, {"title": "Дана"})
        finally:
            held.release()
        first = first.result(WAIT * 2)
    assert second.status_code == 200, second.text
    assert first.status_code == 412, first.text
    assert first.json()["current_revision"] == 2 and first.json()["refused_id"]
    with httpx.Client(base_url=server) as client:
        entries = client.get(_url("water", "kk") + "/history", headers=staff["olga"]).json()["entries"]
    assert [(e["kind"], e["title"]) for e in entries] == [("revision", "Су"), ("revision", "Дана"),
                                                         ("refused", "Айгерім")]


def test_the_content_version_bump_is_the_last_statement_of_a_workflow_save(engine, principals):
    """On PostgreSQL every writer takes the content version's row lock, so it is taken at COMMIT only,
    not when the save's SAVEPOINT is released (SQLAlchemy runs before_commit hooks then too)."""
    with session_scope(engine) as session:
        make_article(session, slug="water")
    statements: list[str] = []
    listener = lambda conn, cursor, statement, *args: statements.append(statement.strip())  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with session_scope(engine) as session:
            review.save_text(session, principals["aigerim"], "water", "kk", VariantText("Су"),
                             Precondition(create=True))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert any(s.startswith("INSERT INTO audit_entry") for s in statements)
    # The bump, the log of what changed under the version it set (`library.edge.changes`: a new row and
    # the pruning of old ones, behind the bump's lock), then on PostgreSQL the notification that reads
    # it (`notify_version`): the last statements.
    tail = [s for s in statements if "content_version" in s]
    assert tail == statements[-len(tail):] and tail[0].startswith("INSERT INTO content_version")
    assert [s.split()[0] + " " + s.split()[2] for s in tail[1:3]] == ["INSERT content_change", "DELETE content_change"]
    assert len(tail) == (4 if engine.dialect.name == "postgresql" else 3)
