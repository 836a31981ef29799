"""The Litestar application: built by `create_app` from the `Runtime` (`library.bootstrap`), nothing
configured at import.

Each domain adds its routes as a router in ``library.web.api``; this module only assembles them,
installs the problem-details error handlers, the input guard in front of the router
(`library.web.guard`) and the security headers, and runs the two background jobs of every server
process: flushing buffered read counts (and the last use of accounts and tokens), and hearing of
content changes (`library.web.invalidation`: LISTEN/NOTIFY on PostgreSQL, polling as the fallback)
so the response cache never serves an edit more than a second late; with a read replica, a third
measures its lag (`library.storage.replica`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

from anyio import to_thread
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.middleware._internal.exceptions import ExceptionHandlerMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from sqlalchemy.engine import Engine

from library import __version__
from library.bootstrap import Runtime, build_runtime
from library.content.version import current_version
from library.demand.buffer import ReadCounter, SearchMisses, merge_reads
from library.demand.flusher import Flusher
from library.demand.store import (
    add_interface_misses,
    add_reads,
    add_search_misses,
    merge_misses,
    merge_search_misses,
)
from library.settings import Settings, load_settings
from library.storage import create_engine_for, read_only
from library.storage.availability import unavailable
from library.storage.replica import CHECK_INTERVAL as REPLICA_CHECK_INTERVAL
from library.storage.replica import ReaderDatabase
from library.web.api import (
    API_PREFIX,
    accounts,
    articles,
    catalogs,
    coverage,
    health,
    languages,
    memory,
    search,
    sections,
    terms,
    untranslated,
    workflow,
)
from library.web.cache import CHECK_INTERVAL, ResponseCache
from library.web.edge import default_private
from library.web.guard import InputGuard, Limits
from library.web.invalidation import ContentWatch
from library.web.pages import install as install_pages
from library.web.problems import EXCEPTION_HANDLERS
from library.web.replica import choose_database, remember_writes
from library.web.security import secure_response
from library.workflow.last_use import LastUse, write_last_use

log = logging.getLogger("library.web")

ROUTES = [
    health.health, health.ping, articles.article, articles.articles, articles.archive,
    sections.sections, languages.languages, untranslated.untranslated_report, catalogs.catalog,
    search.search_articles,
]


def create_app(settings: Settings | Runtime | None = None) -> Litestar:
    """The whole HTTP app for a runtime, or for ``settings`` (read from the environment when not given)."""
    runtime = settings if isinstance(settings, Runtime) else build_runtime(settings)
    settings, engine = runtime.settings, runtime.engine
    registry, interface = runtime.languages, runtime.catalogs
    cache = ResponseCache(int(settings.cache_mb * 1024 * 1024))
    reads = ReadCounter()
    flusher = Flusher(engine)
    flusher.register("article reads", reads.drain, add_reads, merge_reads)
    flusher.register("interface misses", interface.misses.drain, add_interface_misses, merge_misses)
    search_misses = SearchMisses()
    flusher.register("searches that found nothing", search_misses.drain, add_search_misses, merge_search_misses)
    last_use = LastUse()
    flusher.register("last use of accounts and tokens", last_use.drain, write_last_use)
    pages = install_pages(settings, engine)
    limits = Limits.from_settings(settings)
    watch = ContentWatch(settings, engine, cache)
    readers = _reader_database(settings, engine, cache)
    state = State({
        "runtime": runtime, "settings": settings, "engine": engine, "languages": registry, "catalogs": interface,
        "cache": cache, "reads": reads, "search_misses": search_misses, "flusher": flusher, "last_use": last_use,
        "language_lists": {}, "watch": watch, "readers": readers, **pages.state,
    })

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        cache.saw_version(read_only(engine, current_version))
        jobs = [
            asyncio.create_task(_every(settings.flush_interval, flusher.flush, "flush of read counts")),
            asyncio.create_task(_every(CHECK_INTERVAL, watch.poll, "content version check")),
        ]
        if watch.listener is not None:
            jobs.append(asyncio.create_task(watch.listener.run()))
        if readers.replica is not None:
            await to_thread.run_sync(readers.check)
            jobs.append(asyncio.create_task(_every(REPLICA_CHECK_INTERVAL, readers.check, "replica lag check")))
        try:
            yield
        finally:
            for job in jobs:
                job.cancel()
            for job in jobs:
                with suppress(asyncio.CancelledError):
                    await job
            # Counts buffered since the last periodic flush: a graceful stop (SIGTERM) loses none, and
            # waits a little for a database that is restarting.
            await to_thread.run_sync(flusher.flush_before_exit)
            readers.dispose()
            engine.dispose()

    app = Litestar(
        route_handlers=[Router(path=API_PREFIX, route_handlers=[*ROUTES, accounts.router(), workflow.router(),
                                                                memory.router(), coverage.router(), terms.router,
                                                                search.router()]),
                        *pages.route_handlers],
        state=state,
        exception_handlers=pages.exception_handlers(EXCEPTION_HANDLERS),
        csrf_config=pages.csrf,
        before_request=choose_database if readers.replica is not None else None,
        before_send=[*([remember_writes(settings.replica_max_lag)] if readers.replica is not None else []),
                     secure_response, default_private],
        lifespan=[lifespan],
        request_max_body_size=limits.upload_bytes,
        openapi_config=OpenAPIConfig(
            title="library",
            version=__version__,
            description="A trilingual content library: articles stored once, one variant per language.",
            path="/api/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
        ),
    )
    # Before routing, inside the exception handling: what the guard refuses is answered like any error.
    app.asgi_handler = ExceptionHandlerMiddleware(InputGuard(app.asgi_router, limits), None)
    return app


async def _every(seconds: float, job: Callable[[], object], name: str) -> None:
    """Run ``job`` in a worker thread every ``seconds`` until cancelled; a failing run is logged, and a
    database outage once, when it starts and when it ends: the job goes on and recovers by itself."""
    outage = False
    while True:
        await asyncio.sleep(seconds)
        try:
            result = await to_thread.run_sync(job)
        except Exception as error:
            if (unreachable := unavailable(error)) is None:
                log.exception("background job %s failed", name)
            elif not outage:
                log.warning("background job %s waits for the database: %s", name, unreachable.reason)
            outage = outage or unreachable is not None
            continue
        if outage:
            log.warning("background job %s reaches the database again", name)
            outage = False
        if callable(result):
            result()


def _reader_database(settings: Settings, engine: Engine, cache: ResponseCache) -> ReaderDatabase:
    """Where reader routes read: the replica when one is set (and has replayed at least the content
    version this process's cache knows of, so a response built from it is never older than the cache),
    else the primary."""
    replica = None
    if settings.replica_url:
        # A replica that does not answer counts as down and readers go to the primary rather than wait:
        # 2 s to connect, and 5 s for what was sent to be acknowledged (a network path gone silent).
        replica = create_engine_for(settings.replica_url, connect_args={"connect_timeout": 2,
                                                                        "tcp_user_timeout": 5000})

    def fresh(session) -> bool:
        return cache.version is None or current_version(session) >= cache.version

    return ReaderDatabase(engine, replica, max_lag=settings.replica_max_lag, fresh=fresh)


def create_app_from_env() -> Litestar:
    """Factory for ASGI servers (``uvicorn --factory library.web.app:create_app_from_env``).

    What the worker holds once its app is built (the library, its dependencies, the app: about
    160,000 objects the garbage collector tracks) lives as long as the process, so it is frozen out
    of the collector's sight (`gc.freeze`): a full collection, which stops every request while it
    runs, walked them all each time, and was the warm p99 (README, "Fast for the whole library")."""
    app = create_app(load_settings())
    gc.collect()
    gc.freeze()
    return app
