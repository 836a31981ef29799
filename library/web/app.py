"""The Litestar application: built by `create_app` from the `Runtime` (`library.bootstrap`), nothing
configured at import.

Each domain adds its routes as a router in ``library.web.api``; this module only assembles them,
installs the problem-details error handlers, the input guard in front of the router
(`library.web.guard`) and the security headers, and runs the two background jobs of every server
process: flushing buffered read counts (and the last use of accounts and tokens), and watching the
content version so the response cache never serves an edit more than a second late.
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
from library.bootstrap import Runtime, build_runtime
from library.content.version import current_version
from library.demand.buffer import ReadCounter, merge_reads
from library.demand.flusher import Flusher
from library.demand.store import add_interface_misses, add_reads, merge_misses
from library.settings import Settings, load_settings
from library.storage import read_only
from library.storage.availability import unavailable
from library.web.api import (
    API_PREFIX,
    accounts,
    articles,
    catalogs,
    coverage,
    health,
    languages,
    memory,
    sections,
    terms,
    untranslated,
    workflow,
)
from library.web.cache import CHECK_INTERVAL, ResponseCache
from library.web.guard import InputGuard, Limits
from library.web.pages import install as install_pages
from library.web.problems import EXCEPTION_HANDLERS
from library.web.security import secure_response
from library.workflow.last_use import LastUse, write_last_use

log = logging.getLogger("library.web")

ROUTES = [
    health.health, health.ping, articles.article, articles.articles, articles.archive,
    sections.sections, languages.languages, untranslated.untranslated_report, catalogs.catalog,
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
    last_use = LastUse()
    flusher.register("last use of accounts and tokens", last_use.drain, write_last_use)
    pages = install_pages(settings, engine)
    limits = Limits.from_settings(settings)
    state = State({
        "runtime": runtime, "settings": settings, "engine": engine, "languages": registry, "catalogs": interface,
        "cache": cache, "reads": reads, "flusher": flusher, "last_use": last_use, "language_lists": {},
        **pages.state,
    })

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        cache.saw_version(read_only(engine, current_version))
        jobs = [
            asyncio.create_task(_every(settings.flush_interval, flusher.flush, "flush of read counts")),
            asyncio.create_task(_every(CHECK_INTERVAL, lambda: _check_version(engine, cache),
                                       "content version check")),
        ]
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
            engine.dispose()

    app = Litestar(
        route_handlers=[Router(path=API_PREFIX, route_handlers=[*ROUTES, accounts.router(), workflow.router(),
                                                                memory.router(), coverage.router(), terms.router]),
                        *pages.route_handlers],
        state=state,
        exception_handlers=pages.exception_handlers(EXCEPTION_HANDLERS),
        csrf_config=pages.csrf,
        before_send=[secure_response],
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


def _check_version(engine: Engine, cache: ResponseCache) -> Callable[[], bool]:
    """Read the content version in the worker thread; hand the cache update back to the event loop."""
    version = read_only(engine, current_version)
    return lambda: cache.saw_version(version)


def create_app_from_env() -> Litestar:
    """Factory for ASGI servers (``uvicorn --factory library.web.app:create_app_from_env``)."""
    return create_app(load_settings())
