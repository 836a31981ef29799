"""Hostile requests against a real `library serve` (uvicorn with httptools), as production sees them.

- A URL over the app's 8 KB is its translated 414 problem; a request line over about 64 KB never
  reaches the app: httptools refuses it and uvicorn answers a plain-text 400 "Invalid HTTP request
  received." and closes the connection (measured: 65,472 bytes of query pass, 65,531 do not). Either
  way the server goes on serving.
- A long save runs off the event loop: readers on the same server are answered while it runs.
"""

from __future__ import annotations

import http.client
import json
import threading
import time

from tests.servers import Served
from tests.workflow.conftest import queued, staff  # noqa: F401  (fixtures)


def _get(port: int, target: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        connection.close()


def test_long_urls_get_a_sane_answer_from_the_served_app(database_url, engine):
    with Served(database_url) as served:
        status, kind, body = _get(served.port, "/api/v1/articles?section=" + "a" * 9000, {"Accept-Language": "ru"})
        assert (status, kind) == (414, "application/problem+json")
        assert json.loads(body)["title"] == "Слишком длинный адрес"
        status, kind, body = _get(served.port, "/api/v1/articles?section=" + "a" * 70_000)
        assert status == 400 and body == b"Invalid HTTP request received."  # uvicorn's own answer
        status, _, body = _get(served.port, "/api/v1/articles/%00")
        assert status == 400 and json.loads(body)["type"].endswith("control-character")
        assert _get(served.port, "/api/v1/ping")[0] == 200


def test_a_long_save_does_not_stall_readers(database_url, engine, queued, staff):  # noqa: F811
    body = "<p>" + "a. a@b " * 140_000 + "</p>"  # about 1 MB of what made the old patterns quadratic
    saved: dict[str, float] = {}
    with Served(database_url) as served:

        def save() -> None:
            started = time.monotonic()
            connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=120)
            connection.request("PUT", "/api/v1/workflow/variants/water/kk",
                               body=json.dumps({"title": "Су", "body": body}),
                               headers={**staff["olga"], "If-None-Match": "*", "Content-Type": "application/json"})
            saved["status"] = connection.getresponse().status
            saved["seconds"] = time.monotonic() - started
            connection.close()

        writer = threading.Thread(target=save)
        writer.start()
        time.sleep(0.2)
        waits = []
        while writer.is_alive() and len(waits) < 50:
            started = time.monotonic()
            assert _get(served.port, "/api/v1/articles/air?lang=kk")[0] == 200
            waits.append(time.monotonic() - started)
        writer.join()
    assert saved["status"] == 201
    assert waits, f"the save took {saved['seconds']:.2f} s, too short to read while it ran"
    assert max(waits) < 1.0, f"a reader waited {max(waits):.2f} s during a {saved['seconds']:.2f} s save"
