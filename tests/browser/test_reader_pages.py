"""The reader pages as a reader meets them: real headless Chromium against `library serve`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from library.content import service
from library.content.models import Status, Variant
from library.content.service import VariantText
from library.newsletter.models import Subscription
from library.storage import create_engine_for, session_scope
from tests.browser.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.one_engine]
CYRILLIC = re.compile("[\u0400-\u04ff]")

# Visible text nodes whose nearest element with a lang attribute is `lang` (or none): the page's own
# text; with skipContent, article texts (titles, summaries, bodies) are left out too.
OWN_TEXT_JS = """([lang, skipContent]) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (!text) continue;
    const element = node.parentElement;
    if (!element || !element.checkVisibility || !element.checkVisibility()) continue;
    if (skipContent && element.closest('article, .see-also li')) continue;
    const owner = element.closest('[lang]');
    if (owner && owner.getAttribute('lang') !== lang) continue;
    out.push(text);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def live_engine(live_server):
    engine = create_engine_for(live_server.env["LIBRARY_DATABASE_URL"])
    yield engine
    engine.dispose()


def _slugs_where(engine, condition) -> list[str]:
    from library.content.models import Article

    with session_scope(engine, write=False) as session:
        articles = session.scalars(select(Article)).all()
        variants = session.scalars(select(Variant)).all()
    published = {}
    for v in variants:
        if v.published_revision is not None:
            published.setdefault(v.article_id, set()).add(v.language)
    return sorted(a.slug for a in articles if condition(published.get(a.id, set())))


def test_switching_to_kazakh_is_remembered_for_the_next_visit(live_server, page):
    page.goto(live_server.url + "/")
    assert page.url.endswith("/en/")  # the browser asks for English first
    page.click(".switcher a[lang=kk]")
    assert page.url.endswith("/kk/")
    page.goto(live_server.url + "/")
    assert page.url.endswith("/kk/")
    assert page.locator("html").get_attribute("lang") == "kk"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["library_lang"]["value"] == "kk" and cookies["library_lang"]["expires"] > 0


def test_an_article_missing_in_english_shows_the_fallback_banner(live_server, page, live_engine):
    slug = _slugs_where(live_engine, lambda langs: "en" not in langs and "ru" in langs)[0]
    page.goto(f"{live_server.url}/en/articles/{slug}")
    banner = page.locator(".notice.fallback")
    assert banner.is_visible()
    assert banner.inner_text().startswith("This article is not yet available in English.")
    assert page.locator("article").first.get_attribute("lang") == "ru"
    assert page.locator("html").get_attribute("lang") == "en"


def _all_en_pages(live_server, page, engine) -> list[str]:
    urls = ["/en/"]
    urls += [f"/en/articles/{slug}" for slug in _slugs_where(engine, lambda langs: bool(langs))]
    page.goto(live_server.url + "/en/")
    urls += page.eval_on_selector_all(".menu a, .calendar a", "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(urls))


def test_no_cyrillic_in_the_visible_interface_of_any_english_page(live_server, page, live_engine):
    leaks = {}
    for url in _all_en_pages(live_server, page, live_engine):
        page.goto(live_server.url + url)
        for text in page.evaluate(OWN_TEXT_JS, ["en", False]):
            if CYRILLIC.search(text):
                leaks.setdefault(url, []).append(text)
    assert leaks == {}


def test_kazakh_pages_use_kazakh_month_names_and_plurals(live_server, page, live_engine):
    page.goto(live_server.url + "/kk/")
    months = page.locator(".calendar .months li").all_inner_texts()
    assert "Қаңтар" in months and "Желтоқсан" in months
    slug = _slugs_where(live_engine, lambda langs: "kk" in langs)[0]
    page.goto(f"{live_server.url}/kk/articles/{slug}")
    views = page.locator(".facts .views").inner_text()
    assert re.fullmatch(r"[\d\u00a0]+ қаралым", views), views


def test_the_newsletter_twice_is_one_row_and_a_success_message(live_server, page, live_engine):
    for _ in range(2):
        page.goto(live_server.url + "/ru/")
        page.fill("#newsletter-email", "reader@example.kz")
        page.select_option("#newsletter-language", "kk")
        page.click(".newsletter button[type=submit]")
        assert page.locator(".flash").inner_text() == "Операция успешно завершена."
    with session_scope(live_engine, write=False) as session:
        rows = session.scalars(select(Subscription).where(Subscription.email == "reader@example.kz")).all()
    assert [(r.email, r.language) for r in rows] == [("reader@example.kz", "kk")]


def test_a_script_in_an_article_body_never_runs(live_server, page, live_engine):
    from datetime import UTC, datetime

    with session_scope(live_engine) as session:
        article = service.create_article(
            session, slug="script-attempt", section=service.get_section(session, "events"),
            published_at=datetime(2020, 1, 1, tzinfo=UTC), source_language="ru")
        service.save_variant(session, article, "ru", VariantText(
            "Статья со скриптом", "", '<p>Текст о целях развития.</p><script>window.pwned = true</script>'
            '<img src="x" alt="" onerror="window.pwned = true">'), status=Status.PUBLISHED)
    page.goto(f"{live_server.url}/ru/articles/script-attempt")
    assert page.locator("h1").inner_text() == "Статья со скриптом"
    assert page.locator("article script").count() == 0
    assert page.locator("article [onerror]").count() == 0
    assert page.evaluate("window.pwned === undefined")


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_no_serious_accessibility_violations(live_server, page, live_engine, language):
    slug = _slugs_where(live_engine, lambda langs: len(langs) == 3)[0]
    for path in (f"/{language}/", f"/{language}/articles/{slug}", f"/{language}/archive/2024/5"):
        page.goto(live_server.url + path)
        violations = axe_violations(page)
        assert violations == [], (path, [(v["id"], v["impact"], v["help"]) for v in violations])
    page.goto(f"{live_server.url}/{language}/articles/{slug}")
    screenshot(page, f"article-{language}")


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_no_latin_words_in_the_interface_of_russian_and_kazakh_pages(live_server, page, live_engine, language):
    latin_word = re.compile(r"\b[A-Za-z]{2,}\b")
    slug = _slugs_where(live_engine, lambda langs: len(langs) == 3)[0]
    for path in (f"/{language}/", f"/{language}/articles/{slug}", f"/{language}/archive/2024/5"):
        page.goto(live_server.url + path)
        leaks = [text for text in page.evaluate(OWN_TEXT_JS, [language, True]) if latin_word.search(text)]
        assert leaks == [], (path, leaks)


def test_the_button_says_wait_please_while_the_form_is_sent(live_server, page):
    page.goto(live_server.url + "/ru/")
    # Hold the submission in the page (the server is not what is under test here).
    page.evaluate("document.querySelector('.newsletter').addEventListener('submit', e => e.preventDefault())")
    page.fill("#newsletter-email", "patient@example.kz")
    page.click(".newsletter button[type=submit]")
    button = page.locator(".newsletter button[type=submit]")
    assert button.inner_text() == "Подождите, пожалуйста..." and button.is_disabled()
    assert page.locator(".newsletter").get_attribute("aria-busy") == "true"


@pytest.mark.parametrize("path", ["/kk-latn/articles/what-are-the-sdgs", "/kk-latn/"])
def test_a_kk_latn_page_has_no_cyrillic_of_its_own(live_server, page, path):
    """Everything not marked with another lang (switcher names, fallback content) is in Latin."""
    page.goto(live_server.url + path)
    assert page.locator("html").get_attribute("lang") == "kk-Latn"
    own = page.evaluate(OWN_TEXT_JS, ["kk-Latn", False])
    assert own and [text for text in own if CYRILLIC.search(text)] == []
    assert page.locator(".switcher [lang=kk-Latn]").first.inner_text() == "Qazaq tılı"


def test_kk_latn_article_is_announced_with_hreflang(live_server, page):
    page.goto(live_server.url + "/kk/articles/what-are-the-sdgs")
    assert page.locator('link[rel=alternate][hreflang="kk-Latn"]').get_attribute("href") == (
        "/kk-latn/articles/what-are-the-sdgs")


def test_a_russian_fallback_in_kk_latn_is_marked_russian(live_server, page, live_engine):
    slug = _slugs_where(live_engine, lambda langs: "kk" not in langs and "ru" in langs)[0]
    page.goto(f"{live_server.url}/kk-latn/articles/{slug}")
    assert page.locator("article").first.get_attribute("lang") == "ru"
    own = page.evaluate(OWN_TEXT_JS, ["kk-Latn", False])
    assert [text for text in own if CYRILLIC.search(text)] == []
    assert not CYRILLIC.search(page.locator(".notice.fallback").inner_text())
