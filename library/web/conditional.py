"""Conditional requests (RFC 9110 section 13): ETag comparison for If-None-Match and If-Match."""

from __future__ import annotations


def _tags(header: str) -> list[str]:
    return [part.strip() for part in header.split(",") if part.strip()]


def none_match(header: str | None, etag: str) -> bool:
    """True when ``If-None-Match`` names ``etag`` (weak comparison, as GET requires) or is ``*``."""
    if not header:
        return False
    bare = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == bare for tag in _tags(header))


def match(header: str | None, etag: str) -> bool:
    """True when ``If-Match`` names ``etag`` with strong comparison (a weak tag never matches) or is ``*``."""
    if not header:
        return False
    return any(tag == "*" or (tag == etag and not tag.startswith("W/")) for tag in _tags(header))
