"""JSON API routes, one module per domain, mounted under /api/v1 by `library.web.app`."""

from __future__ import annotations

from litestar.params import QueryParameter

API_PREFIX = "/api/v1"


def whole_number(description: str, low: int, high: int, default: int | None = None) -> QueryParameter:
    """A query parameter documented as an integer in ``[low, high]`` but received as text.

    Handlers parse it with `library.reading.listing.whole_number`, so "abc", "1.5" and "0" all get the
    same translated 400 problem naming the parameter and its range.
    """
    schema = {"type": "integer", "minimum": low, "maximum": high}
    if default is not None:
        schema["default"] = default
    return QueryParameter(description=description, schema_extra=schema)
