"""Surrogate keys: names for what a cached reader response depends on, shared by the responses that
carry them (``xkey`` header, `library.web.edge`) and the purge that drops them (`library.edge.purge`).

A response names every key whose change would change its bytes; a commit purges the keys of what it
changed (`keys_for`). A key is one word of ``[a-z0-9-]``, so a list is a space-separated header value.

- ``library``: every cacheable response, purged when the scope of a change is not known (``everything``);
- ``article-<id>``: an article's own pages and API reads, and those linking to it ("See also");
- ``section-<id>``: what lists a section's articles or counts them;
- ``lang-<code>``: every response in one reader language (an operator purges one after a catalog fix);
- ``listings``: article listings, the home page and the sections list (what a publish anywhere moves);
- ``archive``: the calendar, which every page shows in its sidebar (counts per month).
"""

from __future__ import annotations

from collections.abc import Iterable

from library.content.events import Changes

EVERYTHING = "library"
LISTINGS = "listings"
ARCHIVE = "archive"


def article(article_id: int) -> str:
    return f"article-{article_id}"


def section(section_id: int) -> str:
    return f"section-{section_id}"


def language(code: str) -> str:
    """The key of a reader language; codes are case-insensitive ("kk-Latn" -> "lang-kk-latn")."""
    return f"lang-{code.lower()}"


def for_article(article_id: int, linked: Iterable[int], code: str) -> list[str]:
    """What an article's page or API read depends on: itself, the articles it links to (their titles
    show, and one published later appears), its language."""
    return [article(article_id), *map(article, linked), language(code)]


def header(keys: Iterable[str]) -> str:
    """The ``xkey`` header value: the keys once each, in the order given, ``library`` first."""
    return " ".join(dict.fromkeys([EVERYTHING, *keys]))


def keys_for(changes: Changes) -> list[str]:
    """The keys a commit that changed ``changes`` must purge, sorted (one purge request per commit).

    Any change to an article can move it in a listing or in the calendar (a publish, an unpublish, a
    new date, a new title), and `Changes` does not tell a typo fix from a publish, so listings and the
    archive go with every change; an article's own responses, and the sections', only when they changed.
    """
    if changes.everything:
        return [EVERYTHING]
    ids = set(changes.articles) | {article_id for article_id, _ in changes.variants}
    named = [article(i) for i in sorted(ids)] + [section(i) for i in sorted(changes.sections)]
    if not named:
        return []
    return [*named, LISTINGS, ARCHIVE]
