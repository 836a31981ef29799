"""``_()`` in templates, taken in one call instead of Jinja's three, means exactly what Jinja's new-style
gettext means: the translation is trusted markup, its %-placeholders are filled with escaped values."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment, StrictUndefined

from library.catalogs.lazy import use_translator
from library.web import chrome
from library.web.pages.templating import create_environment, render


class _Dictionary:
    """A translator that knows a few strings (the templates only call ``gettext`` through ``_``)."""

    locale = "ru"

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts

    def gettext(self, msgid: str) -> str:
        return self.texts.get(msgid, msgid)

    def script(self, text: str) -> str:
        return text


def _jinja_own(translator: _Dictionary) -> Environment:
    env = Environment(loader=DictLoader({}), autoescape=True, extensions=["jinja2.ext.i18n"],
                      undefined=StrictUndefined)
    env.install_gettext_callables(translator.gettext, lambda s, p, n: s if n == 1 else p, newstyle=True)
    return env


@pytest.mark.parametrize(("source", "translations"), [
    ('{{ _("Views") }}', {"Views": "Просмотры"}),
    ('{{ _("Untranslated <tag>") }}', {}),
    ('{{ _("Safe") }}', {"Safe": "<em>Безопасно</em> & ясно"}),
    ('{{ _("100%% done") }}', {"100%% done": "Готово на 100%%"}),
    ('{{ _("Hello %(name)s", name=who) }}', {"Hello %(name)s": "Привет, %(name)s"}),
    ('{{ _("Hello %(name)s", name=who)|length }}', {}),
    ('{{ _("A {count} field") }}', {"A {count} field": "Поле {count}"}),
])
def test_the_one_call_gettext_renders_what_jinjas_own_renders(source, translations):
    translator = _Dictionary(translations)
    ours = create_environment()
    context = {"who": "<script>alert(1)</script>"}
    expected = _jinja_own(translator).from_string(source).render(context)
    with use_translator(translator):
        assert ours.from_string(source).render(context) == expected
    assert "<script>" not in expected


def test_a_stray_percent_fails_as_it_does_under_jinja():
    translator = _Dictionary({"Half": "50% off"})
    source = '{{ _("Half") }}'
    with pytest.raises((TypeError, ValueError)) as jinja_error:
        _jinja_own(translator).from_string(source).render()
    with use_translator(translator), pytest.raises(jinja_error.type):
        create_environment().from_string(source).render()


def test_a_page_template_says_its_strings_through_it():
    html = render(create_environment(), _Dictionary({chrome.SEARCH: "Найти & <искать>"}),
                  "partials/search_box.html", {"page": {"language": "ru"}, "chrome": chrome})
    assert "Найти & <искать>" in html  # a translation is trusted markup, as under Jinja's own gettext
