"""The derived reader language kk-Latn: in the registry, negotiated, and in the catalogs' Translator."""

from __future__ import annotations

import pytest

from library.catalogs.runtime import Catalogs, LanguageCatalog, MissCounter
from library.languages import LanguageRegistry, UnsupportedLanguage, negotiate

REGISTRY = LanguageRegistry(("en", "ru", "kk"), "kk", {"kk": ("ru", "en"), "ru": ("kk", "en"), "en": ("ru", "kk")})


def test_kk_latn_is_a_reader_language_but_not_a_stored_one():
    assert REGISTRY.codes == ("en", "ru", "kk")
    assert REGISTRY.reader_codes == ("en", "ru", "kk", "kk-Latn")
    assert "kk-Latn" in REGISTRY and "kk-latn" not in REGISTRY and "ru-Latn" not in REGISTRY
    latn = REGISTRY.get("kk-Latn")
    assert (latn.base, latn.stored, latn.chain) == ("kk", "kk", ("kk", "ru", "en"))
    assert latn.native_name == "Qazaq tılı" and REGISTRY.get("kk").native_name == "Қазақ тілі"
    assert REGISTRY.canonical("KK-LATN") == "kk-Latn" and REGISTRY.canonical("uz-Latn") is None
    assert REGISTRY.readable(["ru", "kk"]) == ["ru", "kk", "kk-Latn"] and REGISTRY.readable(["en"]) == ["en"]


def test_no_derived_language_without_its_base():
    registry = LanguageRegistry(("en", "ru"), "en", {})
    assert registry.reader_codes == ("en", "ru")
    with pytest.raises(UnsupportedLanguage):
        registry.get("kk-Latn")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"accept_language": "kk-Latn"}, ("kk-Latn", "header")),
        ({"accept_language": "kk-Latn-KZ, kk;q=0.5"}, ("kk-Latn", "header")),
        ({"accept_language": "kk-KZ, kk-Latn;q=0.5"}, ("kk", "header")),
        ({"accept_language": "kk;q=0, kk-Latn"}, ("kk", "default")),  # kk;q=0 refuses kk-Latn too
        ({"explicit": "kk-latn"}, ("kk-Latn", "explicit")),
        ({"cookie": "kk-Latn", "accept_language": "en"}, ("kk-Latn", "cookie")),
    ],
)
def test_negotiation(kwargs, expected):
    negotiated = negotiate(REGISTRY, **kwargs)
    assert (negotiated.language, negotiated.source) == expected


def test_translator_transliterates_only_what_the_kazakh_catalog_has(tmp_path):
    catalogs = Catalogs(REGISTRY, tmp_path, MissCounter())
    rule = catalogs._catalogs["kk"].rule
    catalogs._catalogs["kk"] = LanguageCatalog("kk", {(None, "News"): "Жаңалықтар"}, {}, rule)
    catalogs._catalogs["ru"] = LanguageCatalog("ru", {(None, "News"): "Новости", (None, "Search"): "Поиск"}, {},
                                               catalogs._catalogs["ru"].rule)
    catalogs._translators = {code: catalogs._make_translator(code) for code in REGISTRY.codes}
    latn = catalogs.translator("kk-Latn")
    assert (latn.language, latn.locale) == ("kk-Latn", "kk")
    assert latn.gettext("News") == "Jaŋalyqtar"
    assert latn.gettext("Search") == "Поиск"  # a Russian fallback is not transliterated
    assert latn.gettext("Unknown") == "Unknown"
    misses = {(m.language, m.msgid) for m in catalogs.misses.drain()}
    assert misses == {("kk", "Search"), ("kk", "Unknown")}  # counted for the catalog to fill
    with pytest.raises(UnsupportedLanguage):
        catalogs.translator("ru-Latn")
