"""Every staff route of the app, API and pages, against every kind of visitor: one rule for both doors.

The routes come from the app's own route table, so a route added later fails
`test_every_route_is_classified` until it is given a rule here (or declared open to everyone).
The expected answers are written out by hand, not derived from `library.workflow.permissions`:
API: nobody -> 401, an account without the right -> 403. Pages: nobody -> a redirect to the sign-in
page, an account without the right -> a 403 page in the page's language. Anything else must be
neither (and no 5xx): the request got past the door, whatever it then found.
"""

from __future__ import annotations

import re

import pytest

from library.storage import session_scope
from library.web import chrome
from library.workflow.accounts import issue_token
from tests.factories import make_article, make_section, make_user, translate

#: Who may pass each rule (hand-written; anonymous never).
RULES = {
    "account": {"reader", "translator_kk", "translator_en", "editor", "admin"},
    "translator": {"translator_kk", "translator_en", "editor", "admin"},
    "kk": {"translator_kk", "editor", "admin"},  # the routes below work on kk
    "editor": {"editor", "admin"},
}
VISITORS = ["anonymous", "reader", "translator_kk", "translator_en", "editor", "admin"]
ACCOUNTS = {"reader": ("reader", ()), "translator_kk": ("translator", ("kk",)),
            "translator_en": ("translator", ("en",)), "editor": ("editor", ()), "admin": ("admin", ())}

W = "/api/v1/workflow/variants/{slug:str}/{language:str}"
T = "/{lang:str}/translate/{slug:str}/{target:str}"
#: (method, route path) -> (rule, request keywords). Paths are filled in by `_fill`.
STAFF = {
    ("DELETE", "/api/v1/auth/tokens/{token_id:int}"): ("account", {}),
    ("GET", "/api/v1/auth/me"): ("account", {}),
    ("GET", "/api/v1/workflow/queue"): ("kk", {"params": {"lang": "kk"}}),
    ("GET", W): ("kk", {}),
    ("PUT", W): ("kk", {"json": {"title": "Су"}}),
    ("POST", W + "/submit"): ("kk", {}),
    ("POST", W + "/publish"): ("editor", {"json": {}}),
    ("POST", W + "/reject"): ("editor", {"json": {"comment": "Қайта қараңыз"}}),
    ("POST", W + "/restore"): ("kk", {"json": {"revision": 1}}),
    ("GET", W + "/history"): ("kk", {}),
    ("GET", "/api/v1/workflow/audit"): ("editor", {}),
    ("GET", "/api/v1/workflow/exchange/{language:str}"): ("kk", {}),
    ("POST", "/api/v1/workflow/exchange/{language:str}"): ("kk", {"content": b"", "params": {"dry_run": "true"}}),
    ("GET", "/api/v1/coverage"): ("editor", {}),
    ("GET", "/api/v1/coverage.csv"): ("editor", {}),
    ("GET", "/api/v1/coverage/history"): ("editor", {}),
    ("POST", "/api/v1/terms"): ("editor", {"json": {"forms": {"en": "goal", "kk": "мақсат"}}}),
    ("PUT", "/api/v1/terms/{key:str}"): ("editor", {"json": {"forms": {"en": "goal", "kk": "мақсат"}}}),
    ("DELETE", "/api/v1/terms/{key:str}"): ("editor", {}),
    ("GET", "/api/v1/memory/tmx"): ("editor", {}),
    ("POST", "/api/v1/memory/tmx"): ("editor", {"content": b""}),
    ("GET", "/{lang:str}/editor/coverage"): ("editor", {}),
    ("GET", "/api/v1/search/misses"): ("editor", {"params": {"lang": "kk"}}),
    ("GET", "/{lang:str}/translate"): ("translator", {}),
    ("GET", T): ("kk", {}),
    ("POST", T + "/save"): ("kk", {"data": {"title": "Су", "summary": "", "body": "<p>Су.</p>", "version": ""}}),
    ("POST", T + "/review"): ("editor", {"data": {"action": "reject", "comment": "Қайта", "version": ""}}),
}
#: Open to everyone: reader API and pages, signing in and out, documentation, static files. The
#: untranslated report shows staff more (tests/demand/test_untranslated.py).
OPEN = {
    ("GET", path) for path in (
        "/api/v1/health", "/api/v1/ping", "/api/v1/articles/{slug:str}", "/api/v1/articles", "/api/v1/archive",
        "/api/v1/sections", "/api/v1/languages", "/api/v1/untranslated", "/api/v1/catalogs/{lang:str}",
        "/api/v1/terms", "/api/v1/terms/{key:str}", "/api/v1/search", "/{lang:str}/search",
        "/", "/sections/{slug:str}", "/articles/{slug:str}",
        "/language/{code:str}", "/{lang:str}", "/{lang:str}/articles/{slug:str}", "/{lang:str}/sections/{slug:str}",
        "/{lang:str}/archive/{year:int}/{month:int}", "/{lang:str}/login", "/static/{file_path:path}",
        "/api/schema", "/api/schema/scalar", "/api/schema/swagger", "/api/schema/{path:str}",
        "/api/schema/openapi.json", "/api/schema/oauth2-redirect.html")
} | {("POST", "/api/v1/auth/tokens"), ("POST", "/{lang:str}/newsletter"), ("POST", "/{lang:str}/session"),
     ("POST", "/{lang:str}/logout")}


def _routes(app) -> set[tuple[str, str]]:
    return {(method, route.path) for route in app.routes
            for method in getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}}


def test_every_route_is_classified(client):
    routes = _routes(client.app)
    assert routes - set(STAFF) - OPEN == set(), "a new route: give it a rule in STAFF, or add it to OPEN"
    assert set(STAFF) | OPEN <= routes, "a route in these tables no longer exists"


@pytest.fixture
def door(client, engine):
    """The client (not following redirects), a kk translation of "water" and two tokens per account
    (the second for the route that revokes one)."""
    with session_scope(engine) as session:
        article = make_article(session, slug="water", section=make_section(session, "news"), title="Вода")
        translate(session, article, "kk", "Су")
        tokens = {}
        for visitor, (role, languages) in ACCOUNTS.items():
            user = make_user(session, visitor.replace("_", "-"), role, languages)
            tokens[visitor] = (issue_token(session, user), issue_token(session, user, name="to revoke"))
    client.follow_redirects = False
    return client, tokens


def _fill(path: str, token_id: int | None) -> str:
    values = {"slug": "water", "language": "kk", "target": "kk", "lang": "ru", "key": "goal",
              "token_id": str(token_id or 1)}
    return re.sub(r"\{(\w+):\w+\}", lambda m: values[m.group(1)], path)


CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _answer(client, tokens, visitor: str, method: str, path: str) -> str | None:
    """None when the answer to ``visitor`` on the route follows the rule, else what was wrong."""
    rule, request = STAFF[(method, path)]
    token, spare = tokens.get(visitor, (None, None))
    page = not path.startswith("/api/")
    client.cookies.clear()
    kwargs = {key: dict(value) if isinstance(value, dict) else value for key, value in request.items()}
    if page:
        if method == "POST":
            kwargs["data"]["_csrf_token"] = CSRF.search(client.get("/ru/login").text).group(1)
        if token:
            client.cookies.set("library_session", token.secret)
    elif token:
        kwargs["headers"] = {"Authorization": f"Bearer {token.secret}"}
    url = _fill(path, spare.id if spare else None)
    response = client.request(method, url, **kwargs)
    status, text = response.status_code, response.text
    if visitor == "anonymous" and page:
        good = status == 303 and response.headers["location"] == f"/ru/login?next={url}"
    elif visitor == "anonymous":
        good = status == 401 and response.headers["content-type"].startswith("application/problem+json")
    elif visitor not in RULES[rule] and page:  # a page in the page's language that says why
        heading = client.app.state.catalogs.translator("ru").gettext(chrome.NOT_ALLOWED)
        good = (status == 403 and heading != chrome.NOT_ALLOWED and f"<h1>{heading}</h1>" in text
                and '<html lang="ru"' in text and 'id="problem-detail"' in text)
    elif visitor not in RULES[rule]:
        good = status == 403 and response.json()["type"].endswith("/forbidden")
    else:  # past the door: whatever it then found, never a refusal, a sign-in page or a server error
        good = status not in (401, 403) and status < 500 and "/login" not in response.headers.get("location", "")
    return None if good else f"{method} {url} as {visitor} ({rule}): {status} {text[:200]!r}"


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_staff_route_answers_each_visitor_by_the_rule(door, visitor):
    client, tokens = door
    wrong = [answer for method, path in sorted(STAFF) if (answer := _answer(client, tokens, visitor, method, path))]
    assert wrong == []
