"""What a shared HTTP cache in front (Varnish, a CDN) may keep, and for how long (issue 16).

Reader responses, the API's and the pages', are the same for everyone who asks for the same URL
(the language is in it: ``?lang=`` or the ``/{lang}/`` prefix), so they say so: ``public`` with
``s-maxage`` for the cache in front, ``max-age=0`` so that browsers revalidate (a 304 from the
cache), ``stale-while-revalidate`` so a reader never waits for a refresh, and ``stale-if-error`` so
an outage of the database or the app is covered by what the cache holds. Each names what it depends
on in an ``xkey`` header (`library.edge.keys`); a commit purges those keys (`library.edge.purge`).

Everything else, staff pages and the workflow API, error answers, redirects that depend on a
cookie, pages showing a visitor's own flash message, is ``private, no-store``: `default_private`
adds it to any response that did not set its own ``Cache-Control``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from library.edge.keys import header
from library.settings import Settings

STALE_WHILE_REVALIDATE = 30
"""Seconds past ``s-maxage`` a cache may answer with the old copy while it fetches a new one
(scripts/varnish/library.vcl uses the same figure as its grace while the app is healthy)."""
STALE_IF_ERROR = 86400
"""Seconds past ``s-maxage`` a cache may answer with the old copy while the app answers errors or is down."""
PRIVATE = "private, no-store"
SURROGATE_KEY = "xkey"


def shared(settings: Settings, keys: Iterable[str]) -> dict[str, str]:
    """The headers of a reader response a shared cache may keep, depending on ``keys``."""
    return {
        "Cache-Control": f"public, max-age=0, s-maxage={settings.shared_max_age}, "
                         f"stale-while-revalidate={STALE_WHILE_REVALIDATE}, stale-if-error={STALE_IF_ERROR}",
        SURROGATE_KEY: header(keys),
    }


def surrogate_keys(headers: Mapping[str, str]) -> tuple[str, ...]:
    """The surrogate keys a response's ``headers`` name (none for a private one): what this process's
    own cache tags it with, so that it drops the response when a commit purges them (`library.web.cache`)."""
    return tuple(map(sys.intern, headers.get(SURROGATE_KEY, "").split()))  # one "article-12" for all its entries


async def default_private(message: Message, scope: Scope) -> None:
    """``Cache-Control: private, no-store`` on every response that did not choose its own."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    if "cache-control" not in headers:
        headers["Cache-Control"] = PRIVATE
