"""The portal's chrome: navigation menu, page furniture and API problem texts, marked for extraction.

Strings are marked with `N_` (no-op) and translated where they are shown, with the request's
`library.catalogs.Translator`: ``translator.gettext(HOME)``.

Placeholder convention: Python brace fields with names, ``{count}``, filled with ``str.format`` after
translation (``translator.ngettext(...).format(count=n)``); Babel flags them ``python-brace-format`` and
``library catalogs check`` verifies them in every form. Never positional ``{}``; never ``%`` here
(Jinja2 ``{% trans %}`` blocks are the one place where ``%(name)s`` appears, and the check verifies
those too).

A language name cannot be slotted into a Russian or Kazakh sentence (it needs a grammatical case), so
the fallback notice is one message per (requested, served) pair: `FALLBACK_NOTICES`.
"""

from __future__ import annotations

from typing import Protocol

from babel.numbers import format_decimal

from library.catalogs.lazy import N_


class _Plurals(Protocol):
    language: str

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


# Translators: the site name, shown in the header and in page titles.
SITE_NAME = N_("Sustainable Development Goals")

#: The main menu: (URL slug, label), in display order.
NAVIGATION: tuple[tuple[str, str], ...] = (
    ("about", N_("About the Sustainable Development Goals")),
    ("goals", N_("Goals")),
    ("working-groups", N_("Working groups")),
    ("vnr", N_("Voluntary National Review")),
    ("events", N_("Events")),
    ("coordination-council", N_("Coordination Council")),
    # Translators: SDG = Sustainable Development Goals (ЦУР in Russian, ТДМ in Kazakh).
    ("statistics", N_("SDG statistics")),
    ("library", N_("Library")),
    ("success-stories", N_("Success stories")),
)

# Translators: the button of the search box, and the heading of the search page.
SEARCH = N_("Search")
# Translators: the label of the search box in the page header.
SEARCH_LABEL = N_("Search the library")
SEARCH_HINT = N_("Type a word or two in the search box: every form of a word is found, in Kazakh, Russian "
                 "and English.")
# Translators: heading of the search results; {query} is what the reader typed.
RESULTS_FOR = N_("Search results for “{query}”")
NOTHING_FOUND = N_("Nothing was found. Try another word, or fewer words.")


def found_count(translator: _Plurals, count: int) -> str:
    """How many articles a search found, as a phrase in the translator's language."""
    # Translators: the number of articles a search found.
    text = translator.ngettext("{count} article found", "{count} articles found", count)
    return text.format(count=format_decimal(count, locale=translator.locale))


# Translators: label next to the number of times an article was read.
VIEWS = N_("Views")
# Translators: confirmation shown after a form was saved.
SAVED = N_("Saved")
SEE_ALSO = N_("See also")
SUBSCRIBE_TO_NEWSLETTER = N_("Subscribe to the newsletter")
WAIT_PLEASE = N_("Wait please...")
OPERATION_SUCCEEDED = N_("The operation completed successfully.")
EMAIL = N_("E-mail")
# Translators: the language in which a newsletter subscriber wants to receive letters.
PREFERRED_LANGUAGE = N_("Preferred language")
# Translators: a button.
SUBSCRIBE = N_("Subscribe")
# Translators: a noun: the list of past articles or newsletters.
ARCHIVE = N_("Archive")
LANGUAGE = N_("Language")
# Translators: the home page, in the menu and in breadcrumbs.
HOME = N_("Home")
NEXT_PAGE = N_("Next page")
PREVIOUS_PAGE = N_("Previous page")
PAGE_NOT_FOUND = N_("Page not found")
SOMETHING_WENT_WRONG = N_("Something went wrong")
# Translators: heading of the page shown while the database cannot be reached (HTTP 503).
TEMPORARILY_UNAVAILABLE = N_("Temporarily unavailable")
NOT_ALLOWED = N_("You may not open this page")
BACK_HOME = N_("Back to the home page")
ORIGINAL_UPDATED = N_("The original of this article has been updated since this translation was made.")
# Translators: a link to the translators' site, next to a fallback notice.
HELP_TRANSLATE = N_("Help translate it")
# Translators: a greyed-out entry of the language switcher.
NOT_AVAILABLE_IN_LANGUAGE = N_("Not available in this language")
# Translators: the API's label for a text served in a language other than the one requested.
SHOWN_IN_ANOTHER_LANGUAGE = N_("Shown in another language")

#: (requested language, served language) -> notice shown above an article served by fallback.
FALLBACK_NOTICES: dict[tuple[str, str], str] = {
    ("kk", "ru"): N_("This article is not yet available in Kazakh. You are reading the Russian version."),
    ("kk", "en"): N_("This article is not yet available in Kazakh. You are reading the English version."),
    ("ru", "kk"): N_("This article is not yet available in Russian. You are reading the Kazakh version."),
    ("ru", "en"): N_("This article is not yet available in Russian. You are reading the English version."),
    ("en", "kk"): N_("This article is not yet available in English. You are reading the Kazakh version."),
    ("en", "ru"): N_("This article is not yet available in English. You are reading the Russian version."),
}
# A kk-Latn reader gets the Kazakh notice, transliterated by the kk-Latn translator.
FALLBACK_NOTICES.update({("kk-Latn", served): FALLBACK_NOTICES[("kk", served)] for served in ("ru", "en")})


def view_count(translator: _Plurals, count: int) -> str:
    """The view count as a phrase ("1 view", "5 views") in the translator's language."""
    # Translators: the number of times an article was read.
    text = translator.ngettext("{count} view", "{count} views", count)
    return text.format(count=format_decimal(count, locale=translator.locale))


#: Problem ``title`` per problem type slug (see `library.web.problems`).
PROBLEM_TITLES: dict[str, str] = {
    "not-found": N_("Not found"),
    "invalid-input": N_("Invalid input"),
    "unsupported-language": N_("Unsupported language"),
    "conflict": N_("Conflict"),
    "forbidden": N_("Forbidden"),
    "unauthorized": N_("Unauthorized"),
    "precondition-failed": N_("Precondition failed"),
    "precondition-required": N_("Precondition required"),
    "internal": N_("Internal server error"),
    "not-authenticated": N_("Not authenticated"),
    "too-many-sign-ins": N_("Too many sign-in attempts"),
    # Translators: a write was sent without saying which revision it was based on (If-Match).
    "revision-required": N_("Revision required"),
    "import-rejected": N_("Import rejected"),
    # Translators: a write was based on a revision that is no longer the current one.
    "stale-revision": N_("Stale revision"),
    "quality-blocked": N_("Blocked by content checks"),
    "configuration": N_("Configuration error"),
    # Translators: the database cannot be reached for a moment (HTTP 503); the client should retry.
    "database-unavailable": N_("Temporarily unavailable"),
    # Translators: the request holds a character such as NUL (U+0000) that no text may contain.
    "control-character": N_("Control character"),
    "json-too-deep": N_("JSON too deeply nested"),
    "text-too-large": N_("Text too large"),
    "body-too-large": N_("Request body too large"),
    # Translators: the web address (URL) of the request is too long.
    "uri-too-long": N_("URI too long"),
    # Translators: a TMX file (translation memory exchange) was refused; nothing of it was imported.
    "tmx-refused": N_("Translation memory file refused"),
}

#: ``detail`` templates of the web's own problems (no route, an internal error); a domain error's
#: template is its own (`library.errors.Localized`). Fill with ``gettext(text).format(**facts)``.
PROBLEM_DETAILS: dict[str, str] = {
    "nothing-served": N_("Nothing is served at {path}."),
    "internal": N_("The server could not complete the request. The error has been logged."),
}

# How to do a request over again, added to a domain error's detail by `library.web.problems`: the
# domain says what is missing, the web says which header carries it.
SEND_BEARER_TOKEN = N_("Send the header Authorization: Bearer followed by your token.")
SEND_IF_MATCH = N_("Send If-Match with the variant's ETag (or If-None-Match: * to create a new variant).")

# Translators: shown under the newsletter form when the address cannot be used.
INVALID_EMAIL = N_("Please enter a valid e-mail address.")
