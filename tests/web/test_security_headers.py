"""Security headers on every kind of response, and pages that need no inline script or style to keep them.

The policy itself is checked in a real browser by tests/browser (no CSP violation on any page visited).
"""

from __future__ import annotations

import re

import pytest

from library.storage import session_scope
from library.workflow.accounts import issue_token
from tests.factories import make_user

ARTICLE = "what-are-the-sdgs"
#: Pages, API answers, problems, error pages, redirects, static files and staff pages.
PATHS = ["/en/", f"/ru/articles/{ARTICLE}", "/api/v1/languages", "/api/v1/articles/nothing-here", "/kk/articles/nope",
         "/", "/static/site.css", "/en/login", "/en/editor/coverage", "/api/v1/workflow/queue?lang=kk"]
INLINE = re.compile(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


@pytest.fixture
def site(demo, client):
    client.follow_redirects = False
    return client


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(site, path):
    response = site.get(path)
    csp = _directives(response.headers["content-security-policy"])
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_the_api_documentation_alone_may_run_its_viewers_inline_set_up(site):
    csp = _directives(site.get("/api/schema/swagger").headers["content-security-policy"])
    assert "'unsafe-inline'" in csp["script-src"] and csp["frame-ancestors"] == ["'none'"]


def test_pages_have_no_inline_script_style_or_handlers(site, engine):
    with session_scope(engine) as session:
        editor = issue_token(session, make_user(session, "olga", "editor")).secret
    pages = ["/en/", f"/kk/articles/{ARTICLE}", "/ru/sections/news", "/en/archive/2024/5", "/en/login", "/en/nope"]
    staff = ["/en/editor/coverage", "/ru/translate", f"/en/translate/{ARTICLE}/kk"]
    for path in pages + staff:
        if path in staff:
            site.cookies.set("library_session", editor)
        response = site.get(path)
        assert response.headers["content-type"].startswith("text/html"), path
        assert not INLINE.findall(response.text), (path, INLINE.findall(response.text))
