"""Texts for a derived reader language (kk-Latn), made on the fly from what the reading side resolved.

A derived language is never stored: an article is resolved along its base's chain (kk, then ru, en),
and only what came from the base is transformed and relabelled. A Russian or English fallback stays
as it is, with its own language, so pages mark it ``lang="ru"``. The results are cached like any other
response, per revision and keyed by the requested language, so kk-Latn gets its own entries.
"""

from __future__ import annotations

from library.languages.registry import Language
from library.reading.types import Archive, ArticlePage, ArticleView, SectionList


def derive_article(view: ArticleView, language: Language) -> ArticleView:
    """``view`` (resolved along ``language``'s chain) for a reader of ``language``; unchanged for a
    stored language."""
    if language.base is None:
        return view
    view.requested_language = language.code
    view.available_languages = [*view.available_languages, language.code] if (
        language.base in view.available_languages) else view.available_languages
    if view.language == language.base:
        view.language, view.fallback = language.code, False
        view.title, view.summary, view.body = (language.transform(text) for text in
                                               (view.title, view.summary, view.body))
    for link in view.see_also:
        if link.language == language.base:
            link.language, link.fallback, link.title = language.code, False, language.transform(link.title)
    return view


def derive_listing(page: ArticlePage, language: Language) -> ArticlePage:
    """A listing resolved along ``language``'s chain, with the base's items transformed."""
    if language.base is None:
        return page
    page.language = language.code
    for item in page.items:
        if item.language == language.base:
            item.language, item.fallback = language.code, False
            item.title, item.summary = language.transform(item.title), language.transform(item.summary)
    return page


def derive_archive(archive: Archive, language: Language) -> Archive:
    """The calendar read with the base's month names (Babel has no kk_Latn), transformed."""
    if language.base is None:
        return archive
    archive.language = language.code
    for year in archive.years:
        for month in year.months:
            month.name = language.transform(month.name)
    return archive



def derive_name(name: str, name_language: str, language: Language) -> tuple[str, str]:
    """A name found along ``language``'s chain (and the language it is in), made ``language``'s own
    when it came from the base of a derived language; unchanged otherwise."""
    if language.base is not None and name_language == language.base:
        return language.transform(name), language.code
    return name, name_language


def derive_sections(listed: SectionList, language: Language) -> SectionList:
    """Sections named along ``language``'s chain, with the names that came from the base transformed."""
    if language.base is None:
        return listed
    listed.language = language.code
    for section in listed.sections:
        section.name, section.name_language = derive_name(section.name, section.name_language, language)
    return listed
