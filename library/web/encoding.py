"""Gzip content coding for cached responses: each body is compressed once, when it is built, and sent
as it is kept to every client that accepts gzip (every browser); others get it decompressed (issue 15).

A cached page keeps its sidebar's calendar apart (one copy per language, `library.web.cache`), so its
gzip body is put together as it is sent: a gzip member is a header, raw DEFLATE blocks and a trailer
(CRC-32 and length of the whole, RFC 1952). Each piece is compressed on its own and ends on a byte
boundary (a sync flush; only the last piece carries DEFLATE's final block), so their blocks follow each
other in one valid stream, and the CRC of the whole is combined from the pieces' own, never recomputed
over the page. One member, not a concatenation of members: some decoders (Varnish's among them) stop
after the first.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from functools import lru_cache
from types import ModuleType

from isal import isal_zlib

FAST = (isal_zlib, 2)
"""For a body compressed as a reader waits for it (every uncached response): ISA-L's DEFLATE (the
``isal`` package) at its default level. Measured on 60 random article API bodies (7.9 KB) and 60
pages (12.4 KB): 21 and 24 us, for 1,965 and 2,566 bytes; zlib at level 3, used before, took 92 and
82 us for 1,929 and 2,525 bytes (2% fewer), and zlib's level 1 saves it little time (87 and 72 us:
its time is in scanning the input, not in searching matches). Any inflater reads ISA-L's blocks."""
SHARED = (zlib, 6)
"""For a part compressed once and sent in many responses (a page's calendar): zlib's default, whose
few percent smaller output every one of them carries."""
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
"""A gzip member's header: DEFLATE, no name, no time (the same bytes always give the same body)."""
GZIP = "gzip"


class Segment:
    """A piece of a body as raw DEFLATE blocks, with the CRC-32 and length of the bytes it holds."""

    __slots__ = ("deflated", "crc", "size")

    def __init__(self, data: bytes, *, final: bool = True, coder: tuple[ModuleType, int] = FAST) -> None:
        module, level = coder
        compressor = module.compressobj(level, module.DEFLATED, -zlib.MAX_WBITS)
        self.deflated = compressor.compress(data) + compressor.flush(module.Z_FINISH if final else module.Z_SYNC_FLUSH)
        self.crc = zlib.crc32(data)
        self.size = len(data)

    def inflate(self) -> bytes:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(self.deflated)

    def packed(self) -> tuple[bytes, int, int]:
        """Its fields as a plain tuple, which the garbage collector does not track (`library.web.cache`)."""
        return (self.deflated, self.crc, self.size)

    @classmethod
    def unpacked(cls, packed: tuple[bytes, int, int]) -> Segment:
        segment = cls.__new__(cls)
        segment.deflated, segment.crc, segment.size = packed
        return segment


def gzip(segments: Sequence[Segment], crc: int | None = None) -> bytes:
    """One gzip member of ``segments`` in order (the last one compressed with ``final``); ``crc`` is
    theirs as one (`crc_of`) when the caller kept it."""
    crc = crc_of(segments) if crc is None else crc
    size = sum(segment.size for segment in segments)
    return b"".join((HEADER, *(segment.deflated for segment in segments),
                     struct.pack("<II", crc, size & 0xFFFFFFFF)))


def crc_of(segments: Sequence[Segment]) -> int:
    """The CRC-32 of the bytes of ``segments`` one after the other."""
    crc = segments[0].crc
    for segment in segments[1:]:
        crc = combine(crc, segment.crc, segment.size)
    return crc


def combine(crc1: int, crc2: int, size2: int) -> int:
    """The CRC-32 of ``a + b`` from ``crc1`` of ``a`` and ``crc2`` of ``b`` (``size2`` bytes long).

    CRC-32 is affine in the register and the data, so ``crc(b, start=c) = crc(zeros, c) ^ crc(zeros, 0)
    ^ crc(b, 0)`` with as many zero bytes as ``b`` has: two passes over zeros in C (zlib's own
    ``crc32_combine`` is not exposed by Python)."""
    zeros = _zeros(size2)
    return zlib.crc32(zeros, crc1) ^ zlib.crc32(zeros) ^ crc2


_ZEROS = memoryview(bytes(1 << 16))


def _zeros(size: int) -> memoryview | bytes:
    return _ZEROS[:size] if size <= len(_ZEROS) else bytes(size)


def gunzip(body: bytes) -> bytes:
    """The bytes of one gzip member (for a client that does not accept gzip)."""
    return zlib.decompress(body, 16 + zlib.MAX_WBITS)


@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header value accepts gzip (RFC 9110 section 12.5.3): named, or
    ``*``, with a quality above 0. Browsers send a handful of distinct values: the answer is kept."""
    if not accept_encoding:
        return False
    chosen = {}
    for item in accept_encoding.split(","):
        coding, _, params = item.partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        chosen[coding.strip().lower()] = quality
    for name in (GZIP, "x-gzip", "*"):
        if name in chosen:
            return chosen[name] > 0
    return False


def gzip_etag(etag: str) -> str:
    """The ETag of the gzip representation of the response whose identity ETag is ``etag``: another
    representation, so another strong validator (RFC 9110 section 8.8.3; weakness is kept)."""
    return etag[:-1] + '-gzip"' if etag.endswith('"') else etag
