"""What every page shows besides its content: switcher, menu, calendar, flash message, links.

Built once per request from plain values, so templates only lay things out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from library.languages import LanguageRegistry
from library.reading.types import Archive
from library.web import chrome


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    native_name: str
    href: str
    current: bool
    available: bool
    """False when this page has no published text in the language (it would be a fallback)."""


@dataclass(frozen=True)
class MenuItem:
    href: str
    label: str
    current: bool


@dataclass(frozen=True)
class CalendarMonth:
    month: int
    count: int
    today: bool
    viewing: bool


@dataclass(frozen=True)
class CalendarYear:
    year: int
    open: bool
    months: list[CalendarMonth]


@dataclass
class Page:
    language: str
    path: str
    """The page's path without its language prefix ("/articles/x"), for the switcher and forms."""
    switcher: list[LanguageChoice]
    menu: str  # Markup
    """The section menu, rendered (`library.web.pages.routes.menu`): one per language and section."""
    calendar: list[CalendarYear]
    csrf_input: str = ""
    sidebar: str = ""  # Markup
    """The calendar, rendered (`library.web.pages.routes.sidebar`): the same for every page of a language."""
    flash: str | None = None
    canonical: str | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)
    newsletter_email: str = ""
    newsletter_error: str | None = None
    misses: tuple[tuple[str, str, str | None], ...] = ()
    """The interface strings missing from the parts rendered once for many pages (menu, calendar)."""


def language_choices(registry: LanguageRegistry, current: str, path: str,
                     available: list[str] | None = None) -> list[LanguageChoice]:
    """The switcher's links: each remembers the choice in a cookie, then opens the same page in its
    language (``path`` quoted once: a language code needs no quoting)."""
    quoted = quote(path, safe="/")
    return [LanguageChoice(code=lang.code, native_name=lang.native_name,
                           href=f"/language/{lang.code}?next=/{lang.code.lower()}{quoted}",
                           current=lang.code == current,
                           available=available is None or lang.code in available)
            for lang in registry.readers]


def menu(language: str, current_section: str | None) -> list[MenuItem]:
    return [MenuItem(f"/{language.lower()}/sections/{slug}", label, slug == current_section)
            for slug, label in chrome.NAVIGATION]


def calendar(archive: Archive, today: date, viewing: tuple[int, int] | None = None) -> list[CalendarYear]:
    """Every year with articles, all twelve months, those with articles linked (the portal's grid)."""
    years = []
    for position, year in enumerate(archive.years):
        counts = {m.month: m.count for m in year.months}
        months = [CalendarMonth(m, counts.get(m, 0), (year.year, m) == (today.year, today.month),
                                (year.year, m) == viewing) for m in range(1, 13)]
        is_open = position == 0 if viewing is None else year.year == viewing[0]
        years.append(CalendarYear(year.year, is_open, months))
    return years


def alternates(language_paths: dict[str, str], default: str) -> list[tuple[str, str]]:
    """hreflang links: one per language, plus x-default pointing at the site default's page."""
    links = list(language_paths.items())
    if default in language_paths:
        links.append(("x-default", language_paths[default]))
    return links


def as_context(page: Page, **content: Any) -> dict[str, Any]:
    return {"page": page, "chrome": chrome, **content}
