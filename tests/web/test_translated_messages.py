"""Human-readable API texts in the reader's language: problem titles and details, fallback notices."""

from __future__ import annotations

import pytest

from library.storage import session_scope
from library.web.chrome import FALLBACK_NOTICES, SHOWN_IN_ANOTHER_LANGUAGE
from tests.factories import make_article, translate


@pytest.fixture
def articles(engine):
    with session_scope(engine) as session:
        russian = make_article(session, slug="russian-only")
        linking = make_article(session, slug="linking")
        translate(session, linking, "kk", "Сілтемелі мақала")
        translate(session, linking, "en", "Linking article")
        from library.content import service

        service.set_see_also(session, linking, [russian.slug])


@pytest.mark.parametrize(
    ("url", "header", "title", "detail"),
    [
        ("/api/v1/articles/nope", "kk", "Табылмады", "nope идентификаторы бар мақала табылмады."),
        ("/api/v1/articles/nope", "ru", "Не найдено", "Статья с идентификатором nope не найдена."),
        ("/api/v1/articles/nope", "en", "Not found", "No article has the slug nope."),
        ("/api/v1/articles/nope?lang=de", "ru", "Неподдерживаемый язык",
         "Язык de не поддерживается; используйте один из следующих: en, ru, kk, kk-Latn."),
        ("/api/v1/articles?page=abc", "ru", None, "Значение page должно быть целым числом от 1 до 100000."),
        ("/api/v1/articles?per_page=500", "kk", None, "per_page мәні 1–100 аралығындағы бүтін сан болуы керек."),
        ("/api/v1/articles?month=5", "kk", None, "month параметрін тек year параметрімен бірге беруге болады."),
        ("/api/v1/archive?section=nope", "ru", "Не найдено", "Раздел с идентификатором nope не найден."),
        ("/api/v1/no/such/route", "kk", "Табылмады", "/api/v1/no/such/route мекенжайында ештеңе жоқ."),
    ],
)
def test_problem_titles_and_details_are_in_the_negotiated_language(client, url, header, title, detail):
    response = client.get(url, headers={"Accept-Language": header})
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["content-language"] == header
    assert problem["detail"] == detail
    if title is not None:
        assert problem["title"] == title


def test_unsupported_language_title_in_russian(client):
    problem = client.get("/api/v1/sections?lang=xx", headers={"Cookie": "library_lang=ru"}).json()
    assert problem["supported"] == ["en", "ru", "kk", "kk-Latn"] and problem["detail"].startswith("Язык xx")


def test_a_fallback_carries_a_notice_in_the_reader_language(articles, client):
    english = client.get("/api/v1/articles/russian-only?lang=en").json()
    assert english["notices"] == ["This article is not yet available in English. You are reading the Russian version."]
    russian = client.get("/api/v1/articles/russian-only?lang=ru").json()
    assert russian["notices"] == [] and russian["help_translate_url"] is None
    link = client.get("/api/v1/articles/linking?lang=en").json()["see_also"][0]
    assert (link["fallback"], link["notice"]) == (True, "Shown in another language")
    listing = client.get("/api/v1/articles?lang=kk").json()["items"]
    assert {item["slug"]: item["notice"] for item in listing} == {"russian-only": "Басқа тілде көрсетілген",
                                                                 "linking": None}


def test_the_translators_link_accompanies_a_fallback(articles, make_client):
    client = make_client(LIBRARY_TRANSLATORS_URL="https://translate.example/kk")
    body = client.get("/api/v1/articles/russian-only?lang=kk").json()
    assert body["help_translate_url"] == "https://translate.example/kk" and body["notices"]


def test_interface_strings_missing_from_the_catalogs_are_counted_for_translators(articles, make_client, tmp_path):
    client = make_client(LIBRARY_FLUSH_INTERVAL="3600", LIBRARY_LOCALES_DIR=str(tmp_path))  # no catalogs at all
    body = client.get("/api/v1/articles/russian-only?lang=kk").json()
    assert body["notices"] == [FALLBACK_NOTICES[("kk", "ru")]]  # the msgid itself, English, as a last resort
    client.get("/api/v1/articles?lang=kk")
    client.app.state.flusher.flush()
    kk = client.get("/api/v1/untranslated?lang=kk").json()["languages"][0]
    missed = {m["msgid"]: m["count"] for m in kk["interface"]}
    assert missed[FALLBACK_NOTICES[("kk", "ru")]] == 1 and missed[SHOWN_IN_ANOTHER_LANGUAGE] == 1


def test_every_kind_of_problem_has_a_title_in_the_catalogs() -> None:
    """A problem type without an entry in PROBLEM_TITLES would reach a Kazakh reader in English."""
    from library.web.chrome import PROBLEM_TITLES
    from library.web.problems import STATUS_TABLE

    assert {slug for _, slug in STATUS_TABLE.values()} <= set(PROBLEM_TITLES)


def test_domain_messages_name_no_header_the_web_adds_which_one_carries_what_is_missing():
    """The CLI and the API share the domain's message; only the API's problem names HTTP headers."""
    from library.workflow.errors import NotAuthenticated, RevisionRequired

    for error in (NotAuthenticated(), RevisionRequired()):
        assert not {"Authorization", "Bearer", "If-Match", "ETag", "HTTP"} & set(error.detail.replace(":", " ").split())
