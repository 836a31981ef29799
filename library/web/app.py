"""The Litestar application: built from `Settings` by `create_app`, nothing configured at import.

Each domain adds its routes as a router in ``library.web.api``; this module only assembles them,
opens the database, installs the problem-details error handlers and the input guard in front of the
router (`library.web.guard`), and runs the two background jobs
of every server process: flushing buffered read counts, and watching the content version so the
response cache never serves an edit more than a second late.
"""

from __future__ import annotations

import asyncio
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
from library.catalogs.runtime import Catalogs
from library.content.version import current_version
from library.coverage.history import track_changes
from library.demand.buffer import ReadCounter
from library.demand.flusher import Flusher
from library.demand.store import add_interface_misses, add_reads
from library.languages import LanguageRegistry
from library.settings import Settings, load_settings
from library.storage import create_engine_for, read_only
from library.storage.migrate import ensure_schema
from library.web.api import (
    API_PREFIX,
    accounts,
    articles,
    catalogs,
    coverage,
    health,
    languages,
    sections,
    terms,
    untranslated,
    workflow,
)
from library.web.cache import CHECK_INTERVAL, ResponseCache
from library.web.guard import InputGuard, Limits
from library.web.pages import install as install_pages
from library.web.problems import EXCEPTION_HANDLERS

log = logging.getLogger("library.web")

ROUTES = [
    health.health, health.ping, articles.article, articles.articles, articles.archive,
    sections.sections, languages.languages, untranslated.untranslated_report, catalogs.catalog,
]


def create_app(settings: Settings | None = None) -> Litestar:
    """The whole HTTP app for ``settings`` (read from the environment when not given)."""
    settings = settings or load_settings()
    engine = create_engine_for(settings.database_url)
    ensure_schema(engine, settings)
    registry = LanguageRegistry.from_settings(settings)
    interface = Catalogs(registry, settings.locales_dir)
    track_changes(settings.languages)  # content saved through the app records coverage history
    cache = ResponseCache(int(settings.cache_mb * 1024 * 1024))
    reads = ReadCounter()
    flusher = Flusher(engine)
    flusher.register("article reads", reads.drain, add_reads)
    flusher.register("interface misses", interface.misses.drain, add_interface_misses)
    pages = install_pages(settings, engine)
    limits = Limits.from_settings(settings)
    state = State({
        "settings": settings, "engine": engine, "languages": registry, "catalogs": interface,
        "cache": cache, "reads": reads, "flusher": flusher, "language_lists": {}, **pages.state,
    })

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        cache.saw_version(read_only(engine, current_version))
        jobs = [
            asyncio.create_task(_every(settings.flush_interval, flusher.flush)),
            asyncio.create_task(_every(CHECK_INTERVAL, lambda: _check_version(engine, cache))),
        ]
        try:
            yield
        finally:
            for job in jobs:
                job.cancel()
            for job in jobs:
                with suppress(asyncio.CancelledError):
                    await job
            # Counts buffered since the last periodic flush: a graceful stop (SIGTERM) loses none.
            await to_thread.run_sync(flusher.flush)
            engine.dispose()

    app = Litestar(
        route_handlers=[Router(path=API_PREFIX, route_handlers=[*ROUTES, accounts.router(), workflow.router(),
                                                                coverage.router(), terms.router]),
                        *pages.route_handlers],
        state=state,
        exception_handlers=pages.exception_handlers(EXCEPTION_HANDLERS),
        csrf_config=pages.csrf,
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


async def _every(seconds: float, job: Callable[[], object]) -> None:
    """Run ``job`` in a worker thread every ``seconds`` until cancelled; a failing run is logged."""
    while True:
        await asyncio.sleep(seconds)
        try:
            result = await to_thread.run_sync(job)
        except Exception:
            log.exception("background job %s failed", getattr(job, "__qualname__", job))
            continue
        if callable(result):
            result()


def _check_version(engine: Engine, cache: ResponseCache) -> Callable[[], bool]:
    """Read the content version in the worker thread; hand the cache update back to the event loop."""
    version = read_only(engine, current_version)
    return lambda: cache.saw_version(version)


def create_app_from_env() -> Litestar:
    """Factory for ASGI servers (``uvicorn --factory library.web.app:create_app_from_env``)."""
    return create_app(load_settings())
