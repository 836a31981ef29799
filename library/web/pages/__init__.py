"""The reader pages: the portal in three languages, rendered on the server with Jinja2.

`install` gives `library.web.app` everything the pages add to the app: routes, static files,
form protection and error pages, so the app module only assembles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

from library.storage.secrets import stored_secret
from library.web.pages import editors, search, signin
from library.web.pages.errors import for_pages_or_api
from library.web.pages.routes import ROUTES
from library.web.pages.templating import create_environment

STAFF_ROUTES = [*signin.ROUTES, *editors.ROUTES]
STATIC = Path(__file__).resolve().parent.parent / "static"


@dataclass(frozen=True)
class PagesSetup:
    route_handlers: list[Any]
    csrf: CSRFConfig
    state: dict[str, Any]

    def exception_handlers(self, api_handlers: dict[Any, Any]) -> dict[Any, Any]:
        """The API's handlers, answering with pages instead for every path outside /api."""
        return {kind: for_pages_or_api(handler) for kind, handler in api_handlers.items()}


def install(settings, engine) -> PagesSetup:
    static = create_static_files_router(
        path="/static", directories=[STATIC], cache_control=CacheControlHeader(max_age=86400, public=True),
        include_in_schema=False)
    secret = settings.secret_key or stored_secret(engine, "csrf")
    csrf = CSRFConfig(secret=secret, cookie_name="library_csrf", cookie_samesite="lax", exclude=["/api"],
                      cookie_path="/")
    return PagesSetup(route_handlers=[*ROUTES, *search.ROUTES, *STAFF_ROUTES, static], csrf=csrf,
                      state={"pages": create_environment(), "form_secret": secret})
