"""Editors' and translators' pages over HTTP: sign-in, the coverage dashboard, the workbench's saves."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, make_user

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="([^"]*)"')


@pytest.fixture
def staff(demo, client, session):
    make_user(session, "editor", "editor")
    make_user(session, "translator", "translator", ("kk",))
    session.commit()
    client.follow_redirects = False
    return client


def _csrf(client, path="/en/login") -> str:
    return CSRF.search(client.get(path).text).group(1)


def _login(client, username: str, password: str = PASSWORD, next_path: str = "/en/editor/coverage"):
    return client.post("/en/session", data={"username": username, "password": password, "next": next_path,
                                          "_csrf_token": _csrf(client)})


@pytest.mark.parametrize("path", ["/en/editor/coverage", "/ru/translate", "/kk/translate/anything/kk"])
def test_a_reader_is_sent_to_the_login_page(staff, path):
    response = staff.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/{path.split('/')[1]}/login?next=")


def test_signing_in_sets_an_httponly_lax_cookie_and_signing_out_revokes_it(staff):
    response = _login(staff, "editor")
    assert response.status_code == 303 and response.headers["location"] == "/en/editor/coverage"
    cookie = response.headers["set-cookie"]
    assert "library_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie.replace("lax", "Lax")
    assert staff.get("/en/editor/coverage").status_code == 200
    staff.post("/en/logout", data={"_csrf_token": _csrf(staff, "/en/editor/coverage")})
    staff.cookies.pop("library_session", None)
    assert staff.get("/en/editor/coverage").status_code == 303


@pytest.mark.parametrize(("username", "password"), [("editor", "wrong"), ("nobody", PASSWORD)])
def test_wrong_credentials_show_the_form_again(staff, username, password):
    response = _login(staff, username, password)
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert "library_session" not in response.headers.get("set-cookie", "")


def test_an_outside_next_address_is_not_followed(staff):
    response = _login(staff, "editor", next_path="//evil.example/")
    assert response.headers["location"] == "/en/editor/coverage"


@pytest.mark.parametrize(("lang", "heading"), [("en", "Translation coverage"), ("ru", "Охват переводов"),
                                                ("kk", "Аударманың қамтылуы")])
def test_the_dashboard_shows_the_matrix_and_the_chart_in_each_language(staff, lang, heading):
    _login(staff, "editor")
    page = staff.get(f"/{lang}/editor/coverage")
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    assert 'id="coverage-matrix"' in page.text and "<svg" in page.text and "<desc" in page.text
    assert re.search(r"\d+[.,]\d\s?%", page.text)


def test_the_dashboard_lists_searches_that_found_nothing_escaped(staff, session):
    from datetime import UTC, datetime

    from library.demand.models import SearchMiss

    _login(staff, "editor")
    assert "missed-searches" not in staff.get("/ru/editor/coverage").text
    now = datetime.now(UTC)
    session.add(SearchMiss(language="kk", query="<script>alert(1)</script> кітап", count=4, first_seen=now,
                           last_seen=now))
    session.add(SearchMiss(language="ru", query="зубная щетка", count=2, first_seen=now, last_seen=now))
    session.commit()
    page = staff.get("/ru/editor/coverage").text
    table = page[page.index('id="missed-searches"'):]
    assert "<script>alert" not in page and '<td lang="kk">&lt;script&gt;alert(1)&lt;/script&gt; кітап</td>' in table
    assert '<td lang="ru">зубная щетка</td>' in table and "Поиски без результатов" in page


def test_a_translator_may_not_open_the_dashboard(staff):
    _login(staff, "translator")
    assert staff.get("/en/editor/coverage").status_code == 403


SEGMENT = re.compile(r'data-text="([^"]*)".*?name="(seg-[^"]+)"', re.S)


def _segments(form: str) -> list[tuple[str, str]]:
    """(field name, source text with tokens) of each segment of the workbench's form, in order."""
    import html

    return [(name, html.unescape(text)) for text, name in SEGMENT.findall(form)]


def _queue_item(client) -> str:
    page = client.get("/en/translate").text
    return re.search(r'href="(/en/translate/[^"]+/kk)"', page).group(1)


def test_a_save_from_an_older_version_shows_both_texts(staff):
    _login(staff, "translator")
    path = _queue_item(staff)
    form = staff.get(path).text
    version = VERSION.search(form).group(1)
    fields = dict(re.findall(r'name="(source_language|source_revision)" value="([^"]*)"', form))
    token = CSRF.search(form).group(1)
    (title, _), (body, _), *_ = _segments(form)
    first = staff.post(path + "/save", data={**fields, title: "Бірінші", body: "мәтін", "version": version,
                                   "_csrf_token": token})
    assert first.status_code == 200 and "Saved." in first.text
    second = staff.post(path + "/save", data={**fields, title: "Екінші", body: "басқа", "version": version,
                                    "_csrf_token": token})
    assert second.status_code == 409
    conflict = second.text.split('id="conflict"')[1].split("</section>")[0]
    assert "Бірінші" in conflict and "Екінші" in conflict and "мәтін" in conflict and "басқа" in conflict
    assert 'class="segment-theirs"' in second.text and ">Екінші</textarea>" in second.text  # nothing lost
    merged_version = VERSION.search(second.text).group(1)
    everything = {name: f"ҚАЗ {text}" for name, text in _segments(form)}
    merged = staff.post(path + "/save", data={**fields, **everything, title: "Бірінші және екінші",
                                              "version": merged_version, "action": "submit", "_csrf_token": token})
    assert merged.status_code == 200 and "In review" in merged.text


def test_an_editor_publishes_or_sends_back(staff):
    _login(staff, "translator")
    path = _queue_item(staff)
    form = staff.get(path).text
    fields = dict(re.findall(r'name="(source_language|source_revision)" value="([^"]*)"', form))
    token = CSRF.search(form).group(1)
    everything = {name: f"ҚАЗ {text}" for name, text in _segments(form)}
    saved = staff.post(path + "/save", data={**fields, **everything, "version": "", "action": "submit",
                                             "_csrf_token": token})
    assert saved.status_code == 200 and "In review" in saved.text
    staff.cookies.clear()
    _login(staff, "editor")
    page = staff.get(path).text
    version = VERSION.findall(page)[-1]
    response = staff.post(path + "/review", data={"action": "reject", "comment": "", "version": version,
                                                  "_csrf_token": CSRF.search(page).group(1)})
    assert response.status_code == 400  # a send-back needs a comment
    response = staff.post(path + "/review", data={"action": "publish", "version": version,
                                                  "override": "checked by hand",
                                                  "_csrf_token": CSRF.search(page).group(1)})
    assert response.status_code == 303, response.text.split("<main")[1][:700]
    assert "Published" in staff.get(path).text


def _paste_russian_into_kazakh(demo) -> str:
    """Save the demo's Kazakh "what-are-the-sdgs" for review with a Russian paragraph in it; its editor path."""
    from library.content.models import Status
    from library.storage import session_scope
    from tests.quality.helpers import paste_russian_paragraph, resave

    with session_scope(demo) as session:
        resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session), status=Status.IN_REVIEW)
    return "/en/translate/what-are-the-sdgs/kk"


def test_the_editor_lists_the_findings_and_a_blocked_publication_says_why(staff, demo):
    path = _paste_russian_into_kazakh(demo)
    _login(staff, "editor")
    page = staff.get(path).text
    findings = page.split('id="findings"')[1].split("</section>")[0]
    assert 'class="finding finding-error" data-code="wrong-language"' in findings
    assert "Paragraph 2 is in Russian, not in Kazakh" in findings
    version = VERSION.findall(page)[-1]
    blocked = staff.post(path + "/review", data={"action": "publish", "version": version,
                                                 "_csrf_token": CSRF.search(page).group(1)})
    assert blocked.status_code == 409
    assert 'role="alert"' in blocked.text and "Not published: the content checks found errors" in blocked.text
    assert "Paragraph 2 is in Russian" in blocked.text and 'id="r-override"' in blocked.text
    assert "In review" in staff.get(path).text  # nothing was published
    russian = staff.get(path.replace("/en/", "/ru/")).text
    assert "Абзац 2: язык текста — русский, а не казахский" in russian.split('id="findings"')[1]
    # For a Kazakh Latin reader the message and the language names are in Latin letters; only the
    # quoted excerpt of the Russian paragraph stays as it is.
    latin = staff.get(path.replace("/en/", "/kk-latn/")).text.split('id="findings"')[1].split("</section>")[0]
    assert "orys tılı" in latin and "орыс" not in latin and "қазақ" not in latin


def test_the_dashboard_has_a_quality_column_per_language_and_section(staff, demo):
    _paste_russian_into_kazakh(demo)
    _login(staff, "editor")
    page = staff.get("/en/editor/coverage").text
    matrix = page.split('id="coverage-matrix"')[1].split("</table>")[0]
    assert matrix.count('<th scope="col" class="sub">Checks</th>') == 3
    assert "1 with errors" in matrix
    flagged = page.split('id="flagged"')[1].split("</table>")[0]
    assert 'href="/en/translate/what-are-the-sdgs/kk"' in flagged and "finding-error" in flagged
    russian = staff.get("/ru/editor/coverage").text
    assert "1 с ошибками" in russian.split('id="coverage-matrix"')[1]


def test_the_workbench_queue_shows_each_items_checks(staff, demo):
    _login(staff, "translator")
    item = _queue_item(staff)
    form = staff.get(item).text
    fields = dict(re.findall(r'name="(source_language|source_revision)" value="([^"]*)"', form))
    # The Russian source pasted untranslated (the summary left out, so not a copy of the whole): the checks
    # find Russian paragraphs, and the queue says so.
    pasted = {name: text for name, text in _segments(form) if not name.startswith("seg-summary-")}
    staff.post(item + "/save", data={**fields, **pasted, "version": "",
                                     "_csrf_token": CSRF.search(form).group(1)})
    queue = staff.get("/en/translate").text
    row = next(r for r in queue.split("<tr>") if item in r)
    errors = re.search(r'<span class="finding-error">(\d+) errors?</span>', row)
    assert errors and int(errors.group(1)) == row.count("is in Russian, not in Kazakh") >= 2, row


@pytest.mark.parametrize("path", ["/kk-latn/editor/coverage", "/kk-latn/translate"])
def test_the_staff_pages_work_for_a_kazakh_latin_reader(staff, path):
    _login(staff, "editor")
    page = staff.get(path)
    assert page.status_code == 200
    assert "qazaq tılı" in page.text.lower()
    if "coverage" in path:  # sections named from the Kazakh names, transliterated
        assert '<th scope="row">Is-şaralar</th>' in page.text


OUTDATED = "/en/translate/vnr-2022-follow-up-report-b/kk"  # two paragraphs of its Russian source changed


def _form(client, path: str) -> tuple[str, dict[str, str]]:
    form = client.get(path).text
    fields = dict(re.findall(r'name="(source_language|source_revision|version)" value="([^"]*)"', form))
    return form, {**fields, "_csrf_token": CSRF.search(form).group(1)}


def test_an_outdated_translation_shows_each_segment_with_its_state_tokens_and_diff(staff):
    _login(staff, "translator")
    form, _ = _form(staff, OUTDATED)
    assert re.findall(r'data-state="(\w+)"', form).count("changed") == 2
    assert re.findall(r'data-state="(\w+)"', form).count("translated") == 4
    assert "4 of 6 segments translated" in form and '<progress id="progress-bar" max="6" value="4"' in form
    link = "&lt;a href=&#34;https://sdg.gov.kz/vnr&#34; rel=&#34;noopener noreferrer&#34;&gt;"
    assert f'<span class="token" title="{link}">{{1}}</span>' in form
    assert "<del>" in form and "<ins>" in form and "Previous translation" in form
    assert "&lt;p&gt;" not in form  # no raw HTML anywhere for the translator
    russian = staff.get(OUTDATED.replace("/en/", "/ru/")).text
    assert "Переведено 4 из 6 сегментов" in russian and "Прежний перевод" in russian
    kazakh = staff.get(OUTDATED.replace("/en/", "/kk/")).text
    assert "6 сегменттің 4 аударылды" in kazakh and "Бастапқы мәтін өзгерді:" in kazakh


def test_a_broken_token_or_a_missing_title_is_refused_per_segment_and_the_text_kept(staff):
    _login(staff, "translator")
    form, fields = _form(staff, OUTDATED)
    segments = _segments(form)
    last_name, _ = segments[-1]
    data = {**fields, **{name: f"ҚАЗ {text}" for name, text in segments}, last_name: "Сілтеме жоғалды {1}"}
    refused = staff.post(OUTDATED + "/save", data=data)
    assert refused.status_code == 422
    assert "Not saved: some segments need your attention" in refused.text
    assert 'class="segment-problem"' in refused.text and "the tokens of the source are missing: {/1}" in refused.text
    assert ">Сілтеме жоғалды {1}</textarea>" in refused.text  # nothing lost
    untitled = staff.post(OUTDATED + "/save", data={**data, last_name: "{1}Сілтеме{/1}", segments[0][0]: " "})
    assert untitled.status_code == 422 and "the segment is not translated" in untitled.text
    assert staff.get(OUTDATED).text.count('data-state="changed"') == 2  # nothing was saved


def test_a_draft_may_leave_segments_empty_but_a_submission_may_not(staff, demo):
    from html import unescape

    from sqlalchemy import select

    from library.content.models import Article, Variant
    from library.storage import session_scope

    _login(staff, "translator")
    form, fields = _form(staff, OUTDATED)
    changed = re.findall(r'data-state="changed".*?name="(seg-[^"]+)"', form, re.S)
    values = {name: unescape(value) for name, value in re.findall(r'name="(seg-[^"]+)"[^>]*>([^<]*)</textarea>', form)}
    draft = staff.post(OUTDATED + "/save", data={**fields, **values, changed[0]: "Жаңа аударма.", "action": "submit"})
    assert draft.status_code == 422 and "the segment is not translated" in draft.text
    saved = staff.post(OUTDATED + "/save", data={**fields, **values, changed[0]: "Жаңа аударма."})
    assert saved.status_code == 200 and "Saved." in saved.text and "5 of 6 segments translated" in saved.text
    # The untouched segments kept their translation, the link is the source's.
    page = unescape(saved.text)
    assert page.count('data-state="changed"') == 2 and ">Жаңа аударма.</textarea>" in page
    with session_scope(demo, write=False) as session:
        body = session.scalar(select(Variant.body).join(Article, Article.id == Variant.article_id).where(
            Article.slug == "vnr-2022-follow-up-report-b", Variant.language == "kk"))
    assert '<a href="https://sdg.gov.kz/vnr" rel="noopener noreferrer">«Ерікті ұлттық шолу»</a>' in body
    assert "<p>Жаңа аударма.</p>" in body
