"""One bootstrap for both shells: the web app (`library.web.app.create_app`) and the `library` command
build the same `Runtime`, so the engine, the languages, the catalogs and what reacts to content writes
are made in one place, once per process, and handed down.

`content_events` is the list a newcomer looks for: everything that happens when content is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from library.catalogs.runtime import Catalogs
from library.content.events import ContentEvents, OnSave, attach
from library.content.version import bump_version, notify_version
from library.coverage.counters import count_changes
from library.coverage.history import CoverageRecorder
from library.edge import changes
from library.edge.purge import Purger
from library.languages.registry import LanguageRegistry
from library.memory import machine
from library.memory.store import learn as learn_translations
from library.quality.findings import on_save, prepare_checks
from library.search import index as search_index
from library.settings import Settings, load_settings
from library.storage import create_engine_for
from library.storage.migrate import ensure_schema
from library.storage.types import utcnow


@dataclass(frozen=True)
class Runtime:
    """What every request and every command works with; built once by `build_runtime`."""

    settings: Settings
    engine: Engine
    """The database, carrying `events`: every unit of work opened on it runs them."""
    languages: LanguageRegistry
    catalogs: Catalogs
    events: ContentEvents

    def dispose(self) -> None:
        self.engine.dispose()


def language_registry(settings: Settings) -> LanguageRegistry:
    """The supported languages and their fallback chains, as the settings configure them."""
    return LanguageRegistry(settings.languages, settings.default_language, settings.fallbacks)


def content_events(settings: Settings, *, history: bool = True,
                   clock: Callable[[], datetime] = utcnow) -> ContentEvents:
    """Every reaction to a content write, in the order it runs.

    - on each save, the quality gate: the content checks' findings are stored with the revision, and a
      revision with errors is published only with an override reason (the checks themselves run
      before the write transaction where the caller prepares the text: `prepare_checks`);
    - at each commit, first the coverage counters (the articles it changed recounted, the difference
      added: `library.coverage.counters`; the matrix, the snapshots and the dashboard read them), then
      a coverage snapshot of the sections it changed (``history``; tests leave it out unless they test
      it), then the search index of the variants it changed (published text only, in the same
      transaction, so a publish is searchable the moment it is committed), then the translation memory
      learns every translation it published (`library.memory.store.learn`), then the content version's
      bump, last, with the surrogate keys of what the commit changed logged under the new version
      (`library.edge.changes`: each process's response cache drops just those), and on PostgreSQL
      the version's notification to every listening process (sent at COMMIT);
    - after each commit, the purge of the HTTP caches in front (`Settings.purge_urls`), in the background.
    """
    recorder = (CoverageRecorder(settings.languages, clock),) if history else ()
    quality_gate = OnSave(on_save, prepare=prepare_checks)
    purge = (Purger(settings.purge_urls, settings.purge_mode),) if settings.purge_urls else ()
    return ContentEvents(saved=(quality_gate,),
                         committing=(count_changes, *recorder, search_index.on_committing, learn_translations,
                                     bump_version, changes.record, notify_version),
                         committed=purge)


def build_runtime(settings: Settings | None = None, *, migrate_sqlite: bool = True,
                  events: ContentEvents | None = None) -> Runtime:
    """The runtime for ``settings`` (read from the environment when not given).

    With ``migrate_sqlite`` a SQLite database is created or upgraded, and a PostgreSQL one is checked
    to be at the current schema (`ensure_schema`); commands that manage the schema themselves turn it off.
    """
    settings = settings or load_settings()
    languages = language_registry(settings)
    machine.engine(settings.machine_translation)  # a named engine that cannot load stops the start
    events = content_events(settings) if events is None else events
    engine = attach(create_engine_for(settings.database_url, sqlite_busy_timeout=settings.sqlite_busy_timeout), events)
    if migrate_sqlite:
        ensure_schema(engine, settings)
    return Runtime(settings=settings, engine=engine, languages=languages,
                   catalogs=Catalogs(languages, settings.locales_dir), events=events)
