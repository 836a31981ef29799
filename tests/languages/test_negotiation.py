"""Language negotiation: explicit choice > cookie > Accept-Language > site default, and hostile headers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from library.bootstrap import language_registry
from library.errors import Invalid
from library.languages.negotiation import (
    MAX_HEADER_LENGTH,
    MAX_ITEMS,
    Negotiated,
    negotiate,
    parse_accept_language,
)
from library.languages.registry import LanguageRegistry, UnsupportedLanguage
from library.settings import load_settings


@pytest.fixture(scope="module")
def registry() -> LanguageRegistry:
    """The default site: en, ru, kk in that display order, kk the default."""
    return language_registry(load_settings({}))


# A stand-in registry listing kk-Latn among its codes: negotiation only needs codes and a default
# (the real registry lists kk-Latn in `reader_codes`, as a derived language: tests/languages/test_derived.py).
WITH_KK_LATN = SimpleNamespace(codes=("en", "ru", "kk", "kk-Latn"), default="kk")


@pytest.mark.parametrize(
    ("explicit", "cookie", "header", "expected"),
    [
        ("ru", "en", "kk", Negotiated("ru", "explicit")),
        ("RU", None, None, Negotiated("ru", "explicit")),
        ("kk", "en", "ru", Negotiated("kk", "explicit")),
        (None, "en", "ru", Negotiated("en", "cookie")),
        ("", "en", "ru", Negotiated("en", "cookie")),
        (None, "EN", None, Negotiated("en", "cookie")),
        (None, "de", "ru", Negotiated("ru", "header")),
        (None, "", "ru", Negotiated("ru", "header")),
        (None, "kk-KZ", "ru", Negotiated("ru", "header")),
        (None, "\u212ak", "ru", Negotiated("ru", "header")),  # Kelvin sign: "\u212ak".lower() == "kk"
        (None, "x" * 10_000, "en", Negotiated("en", "header")),
        (None, None, "ru", Negotiated("ru", "header")),
        (None, None, None, Negotiated("kk", "default")),
        (None, None, "", Negotiated("kk", "default")),
        (None, None, "de, fr;q=0.5", Negotiated("kk", "default")),
    ],
)
def test_precedence(registry, explicit, cookie, header, expected):
    assert negotiate(registry, explicit=explicit, cookie=cookie, accept_language=header) == expected


@pytest.mark.parametrize(
    ("header", "language"),
    [
        # q-values and order
        ("ru;q=0.1, kk;q=0.9", "kk"),
        ("en, ru", "en"),
        ("ru, en", "ru"),
        ("en;q=0.5, ru;q=0.5", "en"),
        ("de, fr, ru;q=0.2", "ru"),
        ("ru;q=1.000", "ru"),
        ("en;q=0.001, ru;q=0.002", "ru"),
        ("en;Q=0.5, ru ; q=0.4", "en"),
        # regions fall back to the primary language; case does not matter
        ("kk-KZ", "kk"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-GB", "en"),
        ("KK-kz", "kk"),
        ("zh-Hant-TW, en-Latn-US;q=0.5", "en"),
        ("kk-Latn", "kk-Latn"),  # the derived reader language
        # "*" is the site default unless the header refuses it
        ("*", "kk"),
        ("*, ru;q=0.5", "kk"),
        ("ru;q=0.5, *;q=0.1", "ru"),
        ("kk;q=0, *", "en"),
        ("*, kk;q=0", "en"),
        ("en;q=0, kk;q=0, *", "ru"),
        ("kk-KZ;q=0, *", "kk"),
        ("KK;Q=0.000, ru;q=0.1", "ru"),
    ],
)
def test_accept_language(registry, header, language):
    assert negotiate(registry, accept_language=header) == Negotiated(language, "header")


@pytest.mark.parametrize(
    "header",
    [
        "kk;q=0",
        "*;q=0",
        "*;q=0, ru",
        "kk;q=0, kk-KZ",  # a refused language stays refused whichever element names it
        "ru;q=1.0001",
        "ru;q=0.1234",
    ],
)
def test_header_that_accepts_nothing_supported_gives_the_default(registry, header):
    assert negotiate(registry, accept_language=header) == Negotiated("kk", "default")


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("kk-latn", "kk-Latn"),
        ("kk-Latn-KZ", "kk-Latn"),
        ("KK-LATN;q=0.9, ru;q=0.8", "kk-Latn"),
        ("kk-Cyrl", "kk"),
        ("kk-KZ", "kk"),
        ("kk", "kk"),
        ("kk;q=0, *", "en"),  # the range kk refuses kk-Latn as well
        ("kk-Latn;q=0, *", "kk"),
    ],
)
def test_script_subtag_matches_exactly_before_the_primary_language(header, language):
    assert negotiate(WITH_KK_LATN, accept_language=header) == Negotiated(language, "header")


def test_explicit_script_variant_matches_case_insensitively():
    assert negotiate(WITH_KK_LATN, explicit="KK-LATN") == Negotiated("kk-Latn", "explicit")
    assert negotiate(WITH_KK_LATN, cookie="kk-latn") == Negotiated("kk-Latn", "cookie")


@pytest.mark.parametrize("explicit", ["de", "kk-KZ", "ru-Latn", "*", " kk", "\u212ak", "қаз", "x" * 1000])
def test_unsupported_explicit_choice_raises_with_the_supported_list(registry, explicit):
    with pytest.raises(UnsupportedLanguage) as caught:
        negotiate(registry, explicit=explicit, cookie="ru", accept_language="en")
    error = caught.value
    assert isinstance(error, Invalid)
    assert error.code == explicit
    assert error.supported == ("en", "ru", "kk", "kk-Latn")
    assert error.facts["supported"] == ["en", "ru", "kk", "kk-Latn"]
    assert "en, ru, kk, kk-Latn" in error.detail


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, []),
        ("", []),
        ("en-US,en;q=0.9,ru;q=0.8", [("en-us", 1.0), ("en", 0.9), ("ru", 0.8)]),
        ("ru;q=0.1, kk;q=0.9", [("kk", 0.9), ("ru", 0.1)]),
        ("en;q=0.5, ru, kk;q=0.5", [("ru", 1.0), ("en", 0.5), ("kk", 0.5)]),
        ("kk;q=0, *", [("*", 1.0)]),
        ("ru;q=1., en;q=0.", [("ru", 1.0)]),
        (" , ,ru , ", [("ru", 1.0)]),
        ("garbage;;, ru;q=0.5, en-", [("ru", 0.5)]),
        ("ru" + "," * 10_000, [("ru", 1.0)]),
    ],
)
def test_parse_accept_language(header, expected):
    assert parse_accept_language(header) == expected


GARBAGE = [
    ";;;",
    "q=",
    ";q=0.5",
    "ru;q=abc",
    "ru;q=",
    "ru;q",
    "ru;=0.5",
    "ru;q=-1",
    "ru;q=2",
    "ru;q=1.5",
    "ru;q=0.1234",
    "ru;q=.5",
    "ru;q=0,5",  # the comma splits it into "ru;q=0" and "5"
    "ru;q=\u0660.\u0665",  # Arabic-Indic digits pass \d and float()
    "ru;q=0.5;q=0.5",
    "ru;q=0.5;level=1",
    "ru q=0.5",
    "," * 10_000,
    "en-",
    "-en",
    "en--us",
    "en_US",
    "ру",
    "kk\u0130",
    "\u212ak",
    "abcdefghi",
    "en-abcdefghi",
    "x" * 100_000,
    "\x00\n\r\t",
    "\udcff",
]


@pytest.mark.parametrize("header", GARBAGE)
def test_garbage_is_ignored(registry, header):
    assert parse_accept_language(header) == []
    assert negotiate(registry, cookie=header, accept_language=header) == Negotiated("kk", "default")


def test_only_the_first_items_are_read(registry):
    within = ",".join(["de"] * (MAX_ITEMS - 1) + ["ru"])
    beyond = ",".join(["de"] * MAX_ITEMS + ["ru"])
    assert negotiate(registry, accept_language=within).language == "ru"
    assert negotiate(registry, accept_language=beyond).language == "kk"


def test_only_the_first_characters_are_read_and_a_cut_element_is_dropped():
    padding = " " * (MAX_HEADER_LENGTH - 3)
    assert parse_accept_language(padding + "ru,kk") == [("ru", 1.0)]
    # Cut at the limit, "kk-KZ" would read as "kk"; an element the cut touches is dropped instead.
    assert parse_accept_language(padding + "kk-KZ") == []
    assert parse_accept_language(" " * MAX_HEADER_LENGTH + "ru") == []


@given(st.text())
def test_parse_never_raises_and_returns_only_valid_ranges(header):
    ranges = parse_accept_language(header)
    assert len(ranges) <= MAX_ITEMS
    assert all(0 < q <= 1 and tag.isascii() and tag == tag.lower() for tag, q in ranges)
    assert [q for _tag, q in ranges] == sorted((q for _tag, q in ranges), reverse=True)


@given(cookie=st.text(), header=st.text())
def test_negotiate_never_raises_on_cookie_or_header(registry, cookie, header):
    result = negotiate(registry, cookie=cookie, accept_language=header)
    assert result.language in registry.codes


@given(header=st.lists(st.sampled_from(["kk", "ru", "en", "kk-KZ", "*", ";q=0", ";q=0.5", ",", " ", "x"])))
def test_negotiate_never_raises_on_header_like_text(registry, header):
    assert negotiate(registry, accept_language="".join(header)).language in registry.codes


@given(st.text())
def test_explicit_choice_is_supported_or_unsupported_language(registry, explicit):
    try:
        result = negotiate(registry, explicit=explicit)
    except UnsupportedLanguage:
        return
    assert result.language in registry.codes
