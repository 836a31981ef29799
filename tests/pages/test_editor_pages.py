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


def test_a_translator_may_not_open_the_dashboard(staff):
    _login(staff, "translator")
    assert staff.get("/en/editor/coverage").status_code == 403


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
    first = staff.post(path + "/save", data={**fields, "title": "Бірінші", "body": "мәтін", "version": version,
                                   "_csrf_token": token})
    assert first.status_code == 200 and "Saved." in first.text
    second = staff.post(path + "/save", data={**fields, "title": "Екінші", "body": "басқа", "version": version,
                                    "_csrf_token": token})
    assert second.status_code == 409
    assert 'id="conflict"' in second.text and "Бірінші" in second.text and "Екінші" in second.text
    merged_version = VERSION.search(second.text).group(1)
    merged = staff.post(path + "/save", data={**fields, "title": "Бірінші және екінші", "version": merged_version,
                                    "action": "submit", "_csrf_token": token})
    assert merged.status_code == 200 and "In review" in merged.text


def test_an_editor_publishes_or_sends_back(staff):
    _login(staff, "translator")
    path = _queue_item(staff)
    form = staff.get(path).text
    fields = dict(re.findall(r'name="(source_language|source_revision)" value="([^"]*)"', form))
    token = CSRF.search(form).group(1)
    staff.post(path + "/save", data={**fields, "title": "Аударма", "version": "", "action": "submit",
                                     "_csrf_token": token})
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
