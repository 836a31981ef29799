"""The workbench segment by segment in a real browser (issue 18): a Kazakh translator brings an outdated
translation up to date with the keyboard only, an editor approves it, a reader sees it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.browser.conftest import axe_violations, csp_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.one_engine]
PASSWORD = "browser-password-2"
SLUG = "vnr-2022-follow-up-report-b"  # the demo's Kazakh text is outdated: two paragraphs of its source changed
TYPED = "Ең күрделісі — өңірлер бойынша деректерді жинау міндеті болып қала береді."


@pytest.fixture(scope="module")
def people(live_server):
    for username, role, languages in (("segment-editor", "editor", ()), ("segment-kk", "translator", ("kk",))):
        options = [option for code in languages for option in ("--language", code)]
        subprocess.run([sys.executable, "-m", "library.cli", "users", "add", username, "--role", role, *options,
                        "--password-stdin"], env=live_server.env, input=PASSWORD + "\n", check=True,
                       capture_output=True, text=True)
    return live_server


def sign_in(page, server, username: str, target: str) -> None:
    page.goto(f"{server.url}{target}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}{target}")


def progress(page) -> str:
    return page.locator("#progress-text").inner_text()


def test_a_kk_translator_updates_an_outdated_article_by_keyboard_and_a_reader_sees_it(browser, people):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    violations = csp_violations(page)
    path = f"/en/translate/{SLUG}/kk"
    sign_in(page, people, "segment-kk", path)

    segments = page.locator("li.segment")
    states = [segments.nth(i).get_attribute("data-state") for i in range(segments.count())]
    assert states.count("changed") == 2 and "new" not in states
    assert progress(page) == f"{len(states) - 2} of {len(states)} segments translated"
    changed = [i for i, state in enumerate(states) if state == "changed"]
    first = segments.nth(changed[0])
    assert first.locator(".segment-diff del").count() + first.locator(".segment-diff ins").count() >= 1
    assert first.locator(".suggestion[data-kind=previous]").count() == 1
    linked = segments.nth(len(states) - 1)
    assert linked.locator(".token").first.inner_text() == "{1}"  # the link, as a protected token
    assert linked.locator("textarea").input_value().count("{1}") == 1
    assert page.locator("#keys").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "workbench-outdated")

    # Keyboard only from here: the first field, then Alt+Down to the first changed segment.
    page.locator("#target-1").focus()
    for _ in range(changed[0]):
        page.keyboard.press("Alt+ArrowDown")
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"target-{changed[0] + 1}"
    page.keyboard.press("Alt+Enter")  # accept the suggestion: the previous translation
    previous = first.locator(".suggestion-text").inner_text()
    assert first.locator("textarea").input_value() == previous
    page.keyboard.press("End")
    page.keyboard.type(" (жаңартылды)")
    page.keyboard.press("Alt+ArrowDown")
    second = segments.nth(changed[1])
    assert page.evaluate("document.activeElement.id") == f"target-{changed[1] + 1}"
    page.keyboard.press("Alt+c")  # copy the source, then replace it with the translation
    assert second.locator("textarea").input_value() == second.locator(".segment-text").get_attribute("data-text")
    page.keyboard.press("Control+a")
    page.keyboard.type(TYPED)
    assert progress(page) == f"{len(states)} of {len(states)} segments translated"
    page.keyboard.press("Alt+ArrowUp")
    assert page.evaluate("document.activeElement.id") == f"target-{changed[0] + 1}"
    with page.expect_navigation():
        page.keyboard.press("Control+s")  # the draft
    assert page.locator("#editor-notice").inner_text() == "Saved."
    assert page.locator("#variant-status").inner_text() == "Draft"
    # The draft kept every segment, and the changed ones still say so until the translation is published.
    assert segments.nth(changed[1]).locator("textarea").input_value() == TYPED
    assert segments.nth(changed[0]).get_attribute("data-state") == "changed"
    submit = page.get_by_role("button", name="Save and submit for review")
    submit.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#variant-status").inner_text() == "In review"
    context.close()
    assert violations == []

    editor = browser.new_context(locale="en-US").new_page()
    sign_in(editor, people, "segment-editor", path)
    editor.get_by_label("Reason to publish although the content checks found errors").fill("Read by the editor")
    editor.get_by_role("button", name="Approve and publish").click()
    editor.wait_for_url(f"{people.url}{path}")
    assert editor.locator("#variant-status").inner_text() == "Published"
    assert editor.locator("li.segment[data-state=changed]").count() == 0  # up to date now
    editor.context.close()

    reader = browser.new_context(locale="kk-KZ").new_page()
    reader.goto(f"{people.url}/kk/articles/{SLUG}")
    article = reader.locator("main")
    assert TYPED in article.inner_text() and "(жаңартылды)" in article.inner_text()
    link = article.locator("a[href*='sdg']").last
    assert link.count() == 1 and re.search(r"[әғқңөұүһі]", link.inner_text(), re.IGNORECASE)
    reader.context.close()
