"""The browser tooling itself: Debian's Chromium reaches a real `library serve`."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.one_engine]


def test_chromium_reads_the_running_api(live_server, page):
    response = page.goto(live_server.url + "/api/v1/health")
    assert response is not None and response.status == 200
    assert json.loads(page.inner_text("body"))["status"] == "ok"
