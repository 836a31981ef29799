"""Search as a reader meets it (issue 17): the header's box in real headless Chromium, axe-core clean."""

from __future__ import annotations

import pytest

from library.content.events import attach
from library.storage import create_engine_for, session_scope
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import TEST_EVENTS
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.one_engine]


@pytest.fixture(scope="module")
def live_engine(live_server):
    """The live server's database, with the app's content events (so writes here reach the index)."""
    engine = attach(create_engine_for(live_server.env["LIBRARY_DATABASE_URL"]), TEST_EVENTS)
    yield engine
    engine.dispose()


def _search_from_the_header(page, text: str) -> None:
    page.fill("header .search-box input[name=q]", text)
    page.press("header .search-box input[name=q]", "Enter")
    page.wait_for_load_state("load")


def test_typing_in_the_header_box_in_kazakh_gives_highlighted_results(live_server, page):
    page.goto(live_server.url + "/kk/")
    assert page.get_by_role("search").is_visible()
    _search_from_the_header(page, "кітапхананың")
    assert "/kk/search?q=" in page.url
    results = page.locator(".search-results > li")
    assert results.count() >= 3
    first = results.first
    assert first.locator("article").get_attribute("lang") == "kk"
    assert "ітапхана" in first.locator(".snippet mark").first.inner_text()
    assert page.locator("header input[name=q]").input_value() == "кітапхананың"
    screenshot(page, "search-kk")
    assert axe_violations(page) == []


def test_a_fallback_result_is_labelled_and_marked_with_its_language(live_server, page):
    page.goto(live_server.url + "/kk/")
    _search_from_the_header(page, "хобби")  # an article published in Russian only
    result = page.locator(".search-results > li article").first
    assert result.get_attribute("lang") == "ru"
    badge = result.locator(".badge")
    assert badge.is_visible() and badge.get_attribute("lang") == "kk"
    assert page.locator("html").get_attribute("lang") == "kk"
    assert axe_violations(page) == []


def test_kazakh_typed_on_a_russian_keyboard_and_in_latin(live_server, page):
    page.goto(live_server.url + "/kk/")
    _search_from_the_header(page, "китапхана")
    assert page.locator(".search-results > li").count() >= 3
    page.goto(live_server.url + "/kk-latn/")
    _search_from_the_header(page, "kitaphana")
    snippet = page.locator(".search-results .snippet").first
    assert snippet.locator("mark").count() >= 1
    assert not any("\u0400" <= c <= "\u04ff" for c in snippet.inner_text())


def test_script_in_a_body_or_a_query_never_runs(live_server, page, live_engine):
    with session_scope(live_engine) as session:
        make_article(session, slug="xss-search", source_language="en", title="Harmless <b>title</b>",
                     body="<p>Zanzibarian water &lt;script&gt;window.pwned = 1&lt;/script&gt; "
                          "<img src=x onerror=\"window.pwned = 2\"></p>")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + "/en/")
    _search_from_the_header(page, "zanzibarian")
    snippet = page.locator(".search-results .snippet").first
    assert "<script>window.pwned = 1</script>" in snippet.inner_text()
    _search_from_the_header(page, '<script>alert("q")</script><img src=x onerror=alert(1)>')
    assert '<script>alert("q")</script>' in page.locator("main h1").inner_text()
    assert page.evaluate("window.pwned === undefined") and dialogs == []
