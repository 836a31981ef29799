"""The coverage counters (issue 15): kept by every content write and demand flush, equal to a recount
after any mix of writes on both engines, never losing a count to concurrent writers on PostgreSQL,
and ``library coverage --verify`` names the drift a write behind the library's back leaves."""

from __future__ import annotations

import io
import json
import random
import threading
import time
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from library.backup import export_library, import_library, parse_library
from library.cli import main
from library.cli.exits import ExitCode
from library.content import service
from library.content.models import Article, Section, Status
from library.content.service import VariantText
from library.coverage.counters import counted_tally, recounted_tally
from library.coverage.service import compute_coverage
from library.coverage.verify import verify_counters
from library.demand.buffer import Demanded, Reads
from library.demand.store import add_reads
from library.storage import session_scope
from tests.factories import make_article, make_section

LANGUAGES = ("en", "ru", "kk")
AT = datetime(2025, 3, 1, 9, tzinfo=UTC)
TITLES = {"en": "Title", "ru": "Заголовок", "kk": "Тақырып"}
FILLER = {"en": "word", "ru": "слово", "kk": "сөз"}


def _text(language: str, words: int) -> VariantText:
    return VariantText(TITLES[language], "", "<p>" + " ".join([FILLER[language]] * words) + "</p>")


def _no_drift(engine) -> int:
    """Assert the counters equal a recount; the number of variants recounted."""
    with session_scope(engine, write=False) as session:
        result = verify_counters(session, LANGUAGES)
    assert result.drift == ()
    return result.variants


def _demand(session, article_id: int, language: str, n: int) -> None:
    add_reads(session, Reads(demand={(article_id, language): Demanded(n, AT, AT)}))


def _random_write(session, rng: random.Random, step: int) -> None:
    sections = list(session.scalars(select(Section)))
    articles = list(session.scalars(select(Article)))
    roll = rng.random()
    if not sections or roll < 0.03:
        make_section(session, f"s-{step}")
    elif not articles or roll < 0.18:
        article = service.create_article(session, slug=f"a-{step}", section=rng.choice(sections), published_at=AT,
                                         source_language=rng.choice(LANGUAGES))
        if rng.random() < 0.8:  # some articles stay without any variant
            service.save_variant(session, article, article.source_language, _text(article.source_language, 5),
                                 status=rng.choice(list(Status)), by="editor")
    elif roll < 0.35:  # the source changes: words copied to every variant, translations outdated
        article = rng.choice(articles)
        service.save_variant(session, article, article.source_language,
                             _text(article.source_language, rng.randint(1, 40)),
                             status=rng.choice(list(Status)), minor=rng.random() < 0.3, by="editor")
    elif roll < 0.75:  # a translation saved or published
        article = rng.choice(articles)
        language = rng.choice([lang for lang in LANGUAGES if lang != article.source_language])
        service.save_variant(session, article, language, _text(language, rng.randint(1, 40)),
                             status=rng.choice(list(Status)), by="translator")
    else:  # readers ask for translations, through the demand flush
        for _ in range(rng.randint(1, 3)):
            article = rng.choice(articles)
            _demand(session, article.id, rng.choice(LANGUAGES), rng.randint(1, 9))


def test_random_saves_publishes_demand_imports_and_restores_keep_the_counters_equal_to_a_recount(engine):
    rng = random.Random(15)
    for step in range(160):
        with session_scope(engine) as session:
            for _ in range(rng.randint(1, 3)):  # several writes in one unit of work, now and then
                _random_write(session, rng, step * 10 + _)
        if step % 40 == 39:  # a backup taken and restored over the library (everything recounted)
            out = io.StringIO()
            with session_scope(engine, write=False) as session:
                export_library(session, out)
            with session_scope(engine) as session:
                import_library(session, parse_library(out.getvalue().splitlines()), replace=True)
        if step % 20 == 19:
            assert _no_drift(engine) > 0
    with pytest.raises(RuntimeError), session_scope(engine) as session:  # a rolled-back write counts nothing
        article = session.scalars(select(Article)).first()
        service.save_variant(session, article, "kk", _text("kk", 3), status=Status.PUBLISHED)
        _demand(session, article.id, "en", 5)
        raise RuntimeError("abandoned")
    _no_drift(engine)
    with session_scope(engine, write=False) as session:
        counted = counted_tally(session, LANGUAGES)
        assert counted.variants and counted.totals and counted.demand  # the mix exercised every counter


def test_the_counters_follow_a_translation_that_meets_reader_demand(session):
    section = make_section(session, "alpha")
    article = make_article(session, section=section)  # a Russian source
    _demand(session, article.id, "kk", 4)
    _demand(session, article.id, "en", 2)
    before = compute_coverage(session, LANGUAGES)
    assert (before.cell("kk", "alpha").demand, before.cell("en", "alpha").demand) == (4, 2)
    source_words = before.cell("ru", "alpha").published_words
    assert source_words == before.cell("kk", "alpha").words == article.source_words > 0
    service.save_variant(session, article, "kk", _text("kk", 3), status=Status.IN_REVIEW)
    _demand(session, article.id, "kk", 1)  # asked again: readers still get the fallback, but a draft exists
    after = compute_coverage(session, LANGUAGES)
    assert after.cell("kk", "alpha").demand == 0 and after.cell("en", "alpha").demand == 2
    assert after.cell("kk", "alpha").in_review == 1 and after.cell("kk", "alpha").in_review_words == source_words
    service.save_variant(session, article, "ru", _text("ru", 20), status=Status.PUBLISHED)  # the source grows
    again = compute_coverage(session, LANGUAGES)
    assert again.cell("kk", "alpha").outdated == 1 and again.cell("kk", "alpha").in_review_words == 21
    assert again.cell("ru", "alpha").words == 21


def test_a_planted_drift_is_reported_per_cell_and_repaired(engine, settings):
    with session_scope(engine) as session:
        section = make_section(session, "alpha")
        make_section(session, "beta")
        article = make_article(session, section=section)
        service.save_variant(session, article, "kk", _text("kk", 3), status=Status.PUBLISHED)
        _demand(session, article.id, "en", 7)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["coverage", *args], env={"LIBRARY_DATABASE_URL": settings.database_url})

    clean = run("--verify")
    assert clean.exit_code == 0 and "equal a recount" in clean.output
    with engine.begin() as conn:  # written behind the library's back: no content event, no counter
        conn.execute(text("UPDATE variant SET status = 'draft', published_revision = NULL, coverage_state = 4 "
                          "WHERE language = 'kk'"))
        conn.execute(text("UPDATE missing_demand SET requests = requests + 5"))
    drifted = run("--verify")
    assert drifted.exit_code == ExitCode.FINDINGS
    lines = drifted.output.splitlines()
    assert "drift: kk/alpha published: counted 1, recounted 0" in lines
    assert "drift: kk/alpha draft: counted 0, recounted 1" in lines
    assert "drift: en/alpha demand: counted 12, recounted 7" in lines
    assert not [line for line in lines if "beta" in line]
    assert lines[-1].startswith("2 of 6 cells drift from a recount")
    as_json = json.loads(run("--verify", "--format", "json").output)
    assert {"language": "kk", "section": "alpha", "measure": "published_words", "counted": 7, "recounted": 0} \
        in as_json["drift"] and as_json["repaired"] is False
    repaired = run("--repair")
    assert repaired.exit_code == 0 and repaired.output.splitlines()[-1].startswith("repaired 2 drifting cells")
    assert run("--verify").exit_code == 0
    with session_scope(engine, write=False) as session:
        assert compute_coverage(session, LANGUAGES).cell("kk", "alpha").draft == 1
    refused = run("--verify", "--lang", "kk")
    assert refused.exit_code == ExitCode.USAGE and refused.output.count("\n") == 1


def test_drift_in_rows_that_cancel_out_in_the_cell_is_reported(engine):
    with session_scope(engine) as session:
        article = make_article(session, section=make_section(session, "alpha"))
        service.save_variant(session, article, "kk", _text("kk", 3), status=Status.PUBLISHED)
        section_id = article.section_id
    with engine.begin() as conn:  # drafts with errors, with warnings, with both, with neither: +1 +1 -1 -1
        for flags, n in ((1, 1), (2, 1), (3, -1), (0, -1)):
            conn.execute(text("INSERT INTO coverage_count (language, section_id, state, flags, variants, words) "
                              "VALUES ('kk', :s, 4, :f, :n, :w)"), {"s": section_id, "f": flags, "n": n, "w": 5 * n})
    with session_scope(engine, write=False) as session:
        drift = verify_counters(session, LANGUAGES).drift
    assert [(d.language, d.measure, d.counted, d.recounted) for d in drift] == [("kk", "rows", 5, 1)]


@pytest.mark.parametrize("rounds", [12])
def test_concurrent_writers_and_demand_flushes_on_postgresql_lose_no_count(engine, db_kind, rounds):
    """Writers save different languages of the same articles (and new articles) in one section, and a
    flusher adds demand for them, all holding their transactions open until every one is ready to
    commit: a read-modify-write of a counter row would lose some of their counts. The first round
    creates the translations while the flusher creates their demand rows, each blind to the other's
    uncommitted row; the one told to linger commits last (the flusher in even rounds)."""
    if db_kind != "postgres":
        pytest.skip("SQLite has one writer at a time")
    with session_scope(engine) as session:
        section = make_section(session, "alpha")
        ids = [make_article(session, section=section, slug=f"shared-{n}").id for n in range(4)]
    errors: list[BaseException] = []

    def writer(language: str, barrier: threading.Barrier, seed: int, linger: float) -> None:
        rng = random.Random(seed)
        other = "en" if language == "kk" else "kk"
        try:
            with session_scope(engine) as session:
                for n, article_id in enumerate(ids):  # the other writer saves the other language of each
                    article, lang = session.get(Article, article_id), language if n < 2 else other
                    service.save_variant(session, article, lang, _text(lang, rng.randint(1, 30)),
                                         status=rng.choice(list(Status)))
                service.create_article(session, slug=f"new-{language}-{seed}", section=session.get(Section, section.id),
                                       published_at=AT, source_language=language)
                barrier.wait(timeout=30)
                time.sleep(linger)
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)
            barrier.abort()

    def flusher(barrier: threading.Barrier, seed: int, linger: float) -> None:
        rng = random.Random(seed)
        try:
            with session_scope(engine) as session:
                add_reads(session, Reads(demand={(article_id, language): Demanded(rng.randint(1, 5), AT, AT)
                                                 for article_id in ids for language in ("kk", "en")}))
                barrier.wait(timeout=30)
                time.sleep(linger)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
            barrier.abort()

    for round_ in range(rounds):
        barrier = threading.Barrier(3)
        late, early = (0.3, 0.0) if round_ % 2 == 0 else (0.0, 0.3)
        threads = [threading.Thread(target=writer, args=("kk", barrier, round_ * 3, early)),
                   threading.Thread(target=writer, args=("en", barrier, round_ * 3 + 1, early)),
                   threading.Thread(target=flusher, args=(barrier, round_ * 3 + 2, late))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        _no_drift(engine)  # after every round: a later flush would mend an earlier round's miscount
    assert _no_drift(engine) == 4 * 3  # each shared article in ru, kk and en
    with session_scope(engine, write=False) as session:
        assert counted_tally(session, LANGUAGES).totals == recounted_tally(session, LANGUAGES).totals
        assert counted_tally(session, LANGUAGES).totals[section.id][0] == 4 + rounds * 2
