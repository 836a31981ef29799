"""Cached reader responses are kept gzip-compressed and sent so to clients that accept gzip, decompressed
to others; each representation has its own ETag and answers its own If-None-Match with 304."""

from __future__ import annotations

import gzip as gzip_module
import random
import zlib

import pytest

from library.storage import session_scope
from library.web.encoding import FAST, SHARED, Segment, accepts_gzip, gzip, gzip_etag
from tests.factories import make_article, translate

API = "/api/v1/articles/compressed?lang=ru"
PAGE = "/ru/articles/compressed"
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def article(engine):
    with session_scope(engine) as session:
        article = make_article(session, slug="compressed", title="Сжатая статья", body="<p>Текст. </p>" * 200)
        translate(session, article, "kk", "Қысылған мақала")


def _raw(client, path: str, headers: dict[str, str]):
    """The response and its body as sent (httpx would decompress ``content``)."""
    with client.stream("GET", path, headers=headers) as response:
        return response, b"".join(response.iter_raw())


@pytest.mark.parametrize("path", [API, PAGE])
def test_a_client_accepting_gzip_gets_the_kept_gzip_body_and_another_the_same_bytes_decompressed(
        article, client, path):
    for _ in range(2):  # built, then from the cache
        zipped, body = _raw(client, path, GZIP)
        plain, text = _raw(client, path, IDENTITY)
        assert zipped.status_code == plain.status_code == 200
        assert zipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
        assert gzip_module.decompress(body) == text  # one valid member: CRC and length checked
        assert len(body) < len(text) / 2 and int(zipped.headers["content-length"]) == len(body)
        assert int(plain.headers["content-length"]) == len(text)
        for response in (zipped, plain):
            assert response.headers["vary"].endswith("Accept-Encoding")
    assert "Сжатая статья".encode() in text


def test_each_representation_has_its_own_strong_etag_and_its_own_304(article, client):
    zipped, plain = client.get(API, headers=GZIP), client.get(API, headers=IDENTITY)
    gzip_tag, plain_tag = zipped.headers["etag"], plain.headers["etag"]
    assert gzip_tag != plain_tag and gzip_tag == gzip_etag(plain_tag)
    assert not gzip_tag.startswith("W/") and not plain_tag.startswith("W/")
    for accept, tag, status in [(GZIP, gzip_tag, 304), (IDENTITY, plain_tag, 304),
                                (GZIP, plain_tag, 200), (IDENTITY, gzip_tag, 200)]:
        response = client.get(API, headers={**accept, "If-None-Match": tag})
        assert response.status_code == status, (accept, tag)
        assert response.headers["etag"] == (gzip_tag if accept is GZIP else plain_tag)
        assert response.headers["vary"].endswith("Accept-Encoding")
        if status == 304:
            assert response.content == b"" and "content-encoding" not in response.headers or accept is GZIP


def test_pieces_compressed_apart_make_one_gzip_member_of_the_whole():
    head, part, tail = b"<html>" + b"head " * 3000, b"<calendar>" * 900, b"tail</html>" * 40
    body = gzip((Segment(head, final=False), Segment(part, final=False), Segment(tail)))
    assert gzip_module.decompress(body) == head + part + tail
    assert zlib.decompress(body, 31) == head + part + tail  # a single member: nothing left over
    assert gzip((Segment(b""),)) == gzip((Segment(b""),)) and gzip_module.decompress(gzip((Segment(b""),))) == b""


@pytest.mark.parametrize("coder", [FAST, SHARED], ids=["fast", "shared"])
def test_a_piece_decompresses_to_its_bytes_with_either_coder(coder):
    rng = random.Random(coder[1])
    for data in (b"", b"x", "Қазақ тілі <p>".encode() * 900, rng.randbytes(70_000), rng.randbytes(300_000)):
        for final in (True, False):
            piece = Segment(data, final=final, coder=coder)
            assert zlib.decompressobj(-zlib.MAX_WBITS).decompress(piece.deflated) == data
            assert piece.crc == zlib.crc32(data) and piece.size == len(data)
    text = "Қазақ тілі <p>".encode() * 900
    assert len(Segment(text, coder=SHARED).deflated) <= len(Segment(text, coder=FAST).deflated)


def test_pieces_of_both_coders_make_one_member():
    """A page's own parts (ISA-L) around its calendar (zlib): one stream that any inflater reads to the end."""
    rng = random.Random(5)
    head, part, tail = ("Қазақ " * 2000).encode(), rng.randbytes(3000), b"</html>" * 500
    body = gzip((Segment(head, final=False), Segment(part, final=False, coder=SHARED), Segment(tail)))
    inflater = zlib.decompressobj(31)
    assert inflater.decompress(body) == head + part + tail and inflater.eof and inflater.unused_data == b""


@pytest.mark.parametrize(("header", "accepted"), [
    ("gzip, deflate, br", True), ("GZIP", True), ("br;q=1.0, gzip;q=0.8", True), ("*", True), ("x-gzip", True),
    ("identity", False), ("gzip;q=0", False), ("gzip;q=0, *", False), ("br", False), ("", False), (None, False),
    ("gzip;q=oops", False),
])
def test_accept_encoding(header, accepted):
    assert accepts_gzip(header) is accepted
