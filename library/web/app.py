"""The Litestar application: built from `Settings` by `create_app`, nothing configured at import.

Each domain adds its routes as a router in ``library.web.api``; this module only assembles them,
opens the database and installs the problem-details error handlers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin

from library import __version__
from library.catalogs.runtime import Catalogs
from library.coverage.history import track_changes
from library.languages import LanguageRegistry
from library.settings import Settings, load_settings
from library.storage import create_engine_for
from library.storage.migrate import ensure_schema
from library.web.api import accounts, catalogs, coverage, health, terms, workflow
from library.web.problems import EXCEPTION_HANDLERS


def create_app(settings: Settings | None = None) -> Litestar:
    """The whole HTTP app for ``settings`` (read from the environment when not given)."""
    settings = settings or load_settings()
    engine = create_engine_for(settings.database_url)
    ensure_schema(engine, settings)
    registry = LanguageRegistry.from_settings(settings)
    interface = Catalogs(registry, settings.locales_dir)
    track_changes(settings.languages)  # content saved through the app records coverage history

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            engine.dispose()

    api = Router(path="/api/v1", route_handlers=[health.health, catalogs.catalog, accounts.router(),
                                                 workflow.router(), coverage.router(), terms.router])
    return Litestar(
        route_handlers=[api],
        state=State({"settings": settings, "engine": engine, "languages": registry, "catalogs": interface}),
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="library",
            version=__version__,
            description="A trilingual content library: articles stored once, one variant per language.",
            path="/api/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
        ),
    )


def create_app_from_env() -> Litestar:
    """Factory for ASGI servers (``uvicorn --factory library.web.app:create_app_from_env``)."""
    return create_app(load_settings())
