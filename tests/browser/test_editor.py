"""Editors and translators in a real browser: sign-in, the coverage dashboard, a conflicting save."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.browser.conftest import axe_violations, csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.one_engine]
PASSWORD = "browser-password-1"


@pytest.fixture(scope="module")
def accounts(live_server):
    for username, role, languages in (("chief", "editor", ()), ("aigul", "translator", ("kk",)),
                                      ("dana", "translator", ("kk",))):
        options = [option for code in languages for option in ("--language", code)]
        subprocess.run([sys.executable, "-m", "library.cli", "users", "add", username, "--role", role, *options,
                        "--password-stdin"], env=live_server.env, input=PASSWORD + "\n", check=True,
                       capture_output=True, text=True)
    return live_server


def sign_in(page, server, username: str, target: str) -> None:
    page.goto(f"{server.url}{target}")
    assert "/en/login" in page.url
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}{target}")


def test_a_reader_is_sent_to_the_login_page(page, accounts):
    page.goto(f"{accounts.url}/en/editor/coverage")
    assert page.url.startswith(f"{accounts.url}/en/login?next=")
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_an_editor_sees_the_matrix_and_the_chart(page, accounts):
    sign_in(page, accounts, "chief", "/en/editor/coverage")
    matrix = page.locator("#coverage-matrix")
    # Section, three languages, and under each language its published share and its checks.
    assert matrix.locator("thead th").count() == 1 + 3 + 3 * 2
    assert matrix.locator("tbody tr").count() >= 1
    assert "%" in matrix.locator("tbody td").first.inner_text()
    chart = page.locator("svg.chart")
    assert chart.is_visible()
    assert chart.locator("title").text_content() == "Published share of articles over time, per language"
    assert chart.locator("polyline.series").count() == 3
    assert axe_violations(page) == []


def test_a_second_translator_with_the_older_version_gets_both_texts(browser, accounts):
    first = browser.new_context(locale="en-US").new_page()
    second = browser.new_context(locale="en-US").new_page()
    violations = csp_violations(first), csp_violations(second)
    sign_in(first, accounts, "aigul", "/en/translate")
    sign_in(second, accounts, "dana", "/en/translate")
    link = first.locator("table.queue a").first.get_attribute("href")
    first.goto(accounts.url + link)
    second.goto(accounts.url + link)  # both opened the same version
    first.get_by_label("Title").fill("Айгүлдің аудармасы")
    first.get_by_role("button", name="Save", exact=True).click()
    assert first.locator("#editor-notice").inner_text() == "Saved."
    second.get_by_label("Title").fill("Дананың аудармасы")
    second.get_by_role("button", name="Save", exact=True).click()
    conflict = second.locator("#conflict")
    assert conflict.is_visible()
    assert "Айгүлдің аудармасы" in conflict.locator(".theirs").inner_text()
    assert "Дананың аудармасы" in conflict.locator(".yours").inner_text()
    assert second.get_by_label("Title").input_value() == "Дананың аудармасы"  # nothing lost
    second.get_by_label("Title").fill("Аударма (біріктірілген)")
    second.get_by_role("button", name="Save", exact=True).click()
    assert second.locator("#editor-notice").inner_text() == "Saved."
    assert second.get_by_label("Title").input_value() == "Аударма (біріктірілген)"
    first.context.close()
    second.context.close()
    assert violations == ([], [])


def test_a_translator_sees_what_the_checks_found_in_the_editor_and_the_queue(page, accounts):
    sign_in(page, accounts, "aigul", "/en/translate")
    link = page.locator("table.queue a").nth(2).get_attribute("href")
    page.goto(accounts.url + link)
    source_title = page.locator("li.segment").first.locator(".segment-text").get_attribute("data-text")
    page.get_by_label("Title").fill(source_title)  # the source's (Russian) title pasted as the Kazakh one
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.locator("#editor-notice").inner_text() == "Saved."
    errors = page.locator("#findings li.finding-error")
    assert errors.count() >= 1
    assert "The title is in Russian, not in Kazakh" in page.locator("#findings").inner_text()
    assert axe_violations(page) == []
    page.goto(f"{accounts.url}/en/translate")
    row = page.locator("table.queue tr", has=page.locator(f'a[href="{link}"]'))
    summary = row.locator("td.checks summary")
    assert "error" in summary.inner_text()
    summary.click()
    assert row.locator("td.checks li", has_text="The title is in Russian").is_visible()
    assert axe_violations(page) == []
