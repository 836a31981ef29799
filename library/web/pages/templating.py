"""The Jinja2 environment of the reader pages: gettext from the catalogs, dates and numbers from Babel.

Templates call ``_()``, ``ngettext()`` and ``{% trans %}`` like any Babel-extracted template; the
callables read the request's `Translator` from the ContextVar that `render` sets, so one
environment serves every language and a missing string falls back per string along the chain.
Dates and numbers are formatted with Babel's CLDR data of the interface language, never by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from babel.dates import format_date, get_month_names
from babel.numbers import format_decimal
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from library.catalogs.lazy import current_translator, use_translator
from library.catalogs.runtime import Translator


def _translator() -> Translator:
    translator = current_translator()
    if translator is None:  # a template rendered outside `render`: a programming error
        raise RuntimeError("templates must be rendered through library.web.pages.templating.render")
    return translator


def _gettext(message: str) -> str:
    return _translator().gettext(message)


def _template_gettext(message: str, **variables: Any) -> Markup:
    """``_()`` in templates: what Jinja's new-style gettext does in an autoescaped template (every one
    here is: the translation marked safe, then %-formatted with the variables, escaped), in one call
    where Jinja makes three through the context.

    A reader page says ``_()`` some twenty times; on an uncached page that was a tenth of its
    rendering. The format step is skipped only where it cannot change anything (no ``%`` and no
    variables), so ``"%%"`` and a stray ``%`` behave exactly as under Jinja's own.
    """
    translated = Markup(_translator().gettext(message))
    return translated % variables if variables or "%" in translated else translated


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _translator().ngettext(singular, plural, n)


def _pgettext(context: str, message: str) -> str:
    return _translator().pgettext(context, message)


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _translator().npgettext(context, singular, plural, n)


def _locale() -> str:
    """The Babel locale: Babel has no kk_Latn, so kk-Latn formats with kk and `_script` transliterates."""
    return _translator().locale


def _script(text: str) -> str:
    return _translator().script(text)


def long_date(value: date | datetime) -> str:
    """"9 May 2024", "9 мая 2024 г.", "2024 ж. 9 мамыр": CLDR's long date of the interface language."""
    return _script(format_date(value, "long", locale=_locale()))


def short_date(value: date | datetime) -> str:
    return _script(format_date(value, "short", locale=_locale()))


def number(value: int | float) -> str:
    """Grouped per CLDR: "2,490", "2\u00a0490"."""
    return format_decimal(value, locale=_locale())


def month_name(month: int) -> str:
    """The stand-alone month name ("Мамыр", "май", "May", "Mamyr"), for calendars and headings."""
    return _script(_month_names(_locale())[month])


@cache
def _month_names(locale: str) -> dict[int, str]:
    """CLDR's twelve names for a locale, looked up once (Babel parses the locale on every call)."""
    return dict(get_month_names("wide", context="stand-alone", locale=locale))


def create_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("library.web", "templates"),
        auto_reload=False,  # templates ship with the package: compiled once, never checked on disk again
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext)
    env.globals["_"] = _template_gettext  # Jinja's alias calls ``gettext`` through the context (see there)
    env.filters.update(long_date=long_date, short_date=short_date, number=number, month_name=month_name)
    return env


def render(env: Environment, translator: Translator, template: str, context: dict[str, Any]) -> str:
    """Render ``template`` with ``translator`` as the interface language."""
    with use_translator(translator):
        return env.get_template(template).render(context)
