"""Writing through the API: If-Match or nothing, review states, only editors publish, history and restore."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from library.backup import export_library, import_library, parse_library
from library.content.models import Revision, Variant
from library.storage import create_engine_for, session_scope, upgrade
from library.workflow.models import ApiToken, AuditEntry, RefusedEdit, User
from tests.factories import make_article, translate

KK = "/api/v1/workflow/variants/water/kk"
RU = "/api/v1/workflow/variants/water/ru"


@pytest.fixture
def water(engine):
    """A published Russian article with a published Kazakh translation (revision 1 each)."""
    with session_scope(engine) as session:
        article = make_article(session, slug="water", title="Вода", body="<p>Чистая вода в каждом селе.</p>")
        translate(session, article, "kk", "Су")


def _etag(client, headers, path=KK) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.headers["etag"] == f'"{response.json()["version"]}"'
    return response.headers["etag"]


def _put(client, headers, etag=None, path=KK, **body):
    extra = {"If-Match": etag} if etag else {}
    return client.put(path, headers={**headers, **extra}, json={"title": "Таза су", **body})


def test_the_variant_etag_is_strong_and_names_variant_and_revision(client, staff, water):
    etag = _etag(client, staff["aigerim"])
    assert etag.startswith('"v') and etag.endswith('-r1"') and not etag.startswith("W/")


@pytest.mark.parametrize("headers", [{}, {"If-Match": "*"}, {"If-Match": " "}])
def test_a_write_without_a_usable_if_match_is_428_and_writes_nothing(client, staff, water, engine, headers):
    response = client.put(KK, headers={**staff["aigerim"], **headers}, json={"title": "Таза су"})
    assert response.status_code == 428
    assert response.json()["type"].endswith("/revision-required") and "If-Match" in response.json()["detail"]
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(Variant.revision).where(Variant.language == "kk")) == 1


@pytest.mark.parametrize("if_match", ['"v999-r1"', 'W/"{tag}"', '"{stale}"', "garbage"])
def test_a_stale_or_foreign_etag_is_412_with_the_current_revision_and_the_text_is_kept(
        client, staff, water, if_match):
    current = _etag(client, staff["aigerim"])
    assert _put(client, staff["aigerim"], current, title="Екінші нұсқа").status_code == 200
    now = _etag(client, staff["aigerim"])
    if_match = if_match.format(tag=now.strip('"'), stale=current.strip('"'))
    response = _put(client, staff["dana"], if_match, title="Дананың нұсқасы")
    assert response.status_code == 412, response.text
    problem = response.json()
    assert problem["current_revision"] == 2 and f'"{problem["current_version"]}"' == now
    assert problem["refused_id"] and "kept" in problem["detail"]
    history = client.get(KK + "/history", headers=staff["dana"]).json()["entries"]
    assert [(e["kind"], e["title"]) for e in history] == [
        ("revision", "Су"), ("revision", "Екінші нұсқа"), ("refused", "Дананың нұсқасы")]


def test_a_new_translation_is_created_with_if_none_match_and_only_once(client, staff, engine):
    with session_scope(engine) as session:
        make_article(session, slug="water")
    first = client.put(KK, headers={**staff["aigerim"], "If-None-Match": "*"}, json={"title": "Су"})
    assert first.status_code == 201 and first.headers["etag"].endswith('-r1"')
    assert (first.json()["status"], first.json()["translated_from"], first.json()["source_revision"]) == (
        "draft", "ru", 1)
    second = client.put(KK, headers={**staff["dana"], "If-None-Match": "*"}, json={"title": "Су (Дана)"})
    assert second.status_code == 412 and second.json()["current_revision"] == 1


def test_draft_review_reject_and_publish_and_only_editors_publish(client, staff, water, engine):
    t, ed = staff["aigerim"], staff["olga"]
    saved = _put(client, t, _etag(client, t), title="Таза су")
    assert saved.status_code == 200 and saved.json()["status"] == "draft"
    assert client.post(KK + "/publish", headers={**ed, "If-Match": saved.headers["etag"]}).status_code == 409
    submitted = client.post(KK + "/submit", headers={**t, "If-Match": saved.headers["etag"]})
    assert submitted.json()["status"] == "in_review"
    etag = submitted.headers["etag"]
    assert client.post(KK + "/publish", headers={**t, "If-Match": etag}).status_code == 403
    no_comment = client.post(KK + "/reject", headers={**ed, "If-Match": etag}, json={"comment": "  "})
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["detail"]
    rejected = client.post(KK + "/reject", headers={**ed, "If-Match": etag}, json={"comment": "Сандарды тексеріңіз"})
    assert rejected.json()["status"] == "draft"
    resubmitted = _put(client, t, rejected.headers["etag"], title="Таза ауыз су", status="in_review")
    published = client.post(KK + "/publish", headers={**ed, "If-Match": resubmitted.headers["etag"]})
    assert published.status_code == 200 and published.json()["published_revision"] == published.json()["revision"]
    with session_scope(engine, write=False) as session:
        rows = session.execute(select(Revision.number, Revision.status, Revision.comment, Revision.changed_by)
                               .join(Variant).where(Variant.language == "kk").order_by(Revision.number)).all()
    assert [tuple(r) for r in rows] == [
        (1, "published", None, "translator"), (2, "draft", None, "aigerim"), (3, "in_review", None, "aigerim"),
        (4, "draft", "Сандарды тексеріңіз", "olga"), (5, "in_review", None, "aigerim"),
        (6, "published", None, "olga")]


def test_translators_cannot_publish_by_saving_either(client, staff, water):
    response = _put(client, staff["aigerim"], _etag(client, staff["aigerim"]), status="published")
    assert response.status_code == 403 and "role “editor”" in response.json()["detail"]


def test_drafts_and_review_text_never_replace_what_readers_get(client, staff, water, engine):
    t = staff["aigerim"]
    saved = _put(client, t, _etag(client, t), title="Жоба")
    client.post(KK + "/submit", headers={**t, "If-Match": saved.headers["etag"]})
    with session_scope(engine, write=False) as session:
        variant = session.scalars(select(Variant).where(Variant.language == "kk")).one()
        served = session.scalars(select(Revision).where(Revision.variant_id == variant.id,
                                                        Revision.number == variant.published_revision)).one()
    assert (variant.status, variant.revision, variant.published_revision) == ("in_review", 3, 1)
    assert (served.title, served.status) == ("Су", "published")


def test_minor_is_for_editors_only_and_does_not_outdate_translations(client, staff, water, engine):
    as_translator = _put(client, staff["aigerim"], _etag(client, staff["aigerim"]), minor=True)
    assert as_translator.status_code == 403 and "minor" in as_translator.json()["detail"]
    ed = staff["olga"]
    minor = _put(client, ed, _etag(client, ed, RU), path=RU, title="Вода.", minor=True, status="published")
    assert minor.status_code == 200
    assert client.get(KK, headers=ed).json()["outdated"] is False
    _put(client, ed, minor.headers["etag"], path=RU, title="Вода и здоровье", status="published")
    kk = client.get(KK, headers=ed).json()
    assert (kk["outdated"], kk["source_revision"]) == (True, 1)


def test_a_translation_can_say_which_source_revision_it_was_made_from(client, staff, water, engine):
    ed, t = staff["olga"], staff["aigerim"]
    _put(client, ed, _etag(client, ed, RU), path=RU, title="Вода и здоровье", status="published")
    old = _put(client, t, _etag(client, t), title="Су (ескі)", source_revision=1)
    assert (old.json()["source_revision"], old.json()["outdated"]) == (1, True)
    assert _put(client, t, old.headers["etag"], source_revision=7).status_code == 400
    assert _put(client, t, old.headers["etag"], translated_from="kk").status_code == 400
    current = _put(client, t, old.headers["etag"], title="Су және денсаулық")
    assert (current.json()["source_revision"], current.json()["outdated"]) == (2, False)


def test_restoring_an_old_revision_or_a_refused_edit_adds_a_revision(client, staff, water):
    t = staff["aigerim"]
    first = _etag(client, t)
    second = _put(client, t, first, title="Екінші")
    refused = _put(client, staff["dana"], first, title="Дананың мәтіні").json()["refused_id"]
    restored = client.post(KK + "/restore", headers={**t, "If-Match": second.headers["etag"]}, json={"revision": 1})
    assert restored.status_code == 200 and (restored.json()["title"], restored.json()["revision"]) == ("Су", 3)
    again = client.post(KK + "/restore", headers={**t, "If-Match": restored.headers["etag"]},
                        json={"refused": refused})
    assert (again.json()["title"], again.json()["revision"]) == ("Дананың мәтіні", 4)
    stale = client.post(KK + "/restore", headers={**t, "If-Match": first}, json={"revision": 2})
    assert stale.status_code == 412
    for body, status in [({"revision": 99}, 404), ({"refused": 999}, 404), ({}, 400),
                         ({"revision": 1, "refused": refused}, 400)]:
        response = client.post(KK + "/restore", headers={**t, "If-Match": again.headers["etag"]}, json=body)
        assert response.status_code == status, body
    entries = client.get(KK + "/history", headers=t).json()["entries"]
    numbers = [(e["kind"], e.get("number"), e["title"]) for e in entries]
    assert numbers == [("revision", 1, "Су"), ("revision", 2, "Екінші"), ("refused", None, "Дананың мәтіні"),
                       ("revision", 3, "Су"), ("revision", 4, "Дананың мәтіні")]


def test_the_audit_log_says_who_changed_what_from_which_revision_to_which(client, staff, water):
    t, ed = staff["aigerim"], staff["olga"]
    saved = _put(client, t, _etag(client, t))
    _put(client, staff["dana"], '"v1-r1"')
    client.post(KK + "/submit", headers={**t, "If-Match": saved.headers["etag"]})
    log = client.get("/api/v1/workflow/audit?article=water", headers=ed)
    assert log.status_code == 200
    rows = [(e["actor"], e["action"], e["language"], e["from_revision"], e["to_revision"]) for e in log.json()]
    assert rows == [("aigerim", "variant.submit", "kk", 2, 3), ("dana", "variant.refused", "kk", 1, 2),
                    ("aigerim", "variant.save", "kk", 1, 2)]
    page = client.get(f"/api/v1/workflow/audit?article=water&limit=1&before={log.json()[0]['id']}", headers=ed)
    assert [e["action"] for e in page.json()] == ["variant.refused"]


@pytest.mark.parametrize("path, status", [
    ("/api/v1/workflow/variants/nowhere/kk", 404),
    ("/api/v1/workflow/variants/water/de", 400),
])
def test_unknown_articles_and_languages_are_problems(client, staff, water, path, status):
    response = client.put(path, headers={**staff["olga"], "If-Match": '"v1-r1"'}, json={"title": "x"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_backup_keeps_refused_edits_and_the_audit_log_but_no_accounts(client, staff, water, engine,
                                                                       fresh_database_url):
    first = _etag(client, staff["aigerim"])
    _put(client, staff["aigerim"], first, title="Айгерімнің мәтіні")
    _put(client, staff["dana"], first, title="Дананың мәтіні")
    out = io.StringIO()
    with session_scope(engine, write=False) as session:
        export_library(session, out)
    text = out.getvalue()
    assert "password_hash" not in text and "argon2" not in text and "digest" not in text
    other = create_engine_for(fresh_database_url)
    try:
        upgrade(other)
        with session_scope(other) as session:
            counts = import_library(session, parse_library(text.splitlines()))
        assert (counts["refused"], counts["audit"]) == (1, 14)  # 6 accounts and their tokens, 2 writes
        again = io.StringIO()
        with session_scope(other, write=False) as session:
            export_library(session, again)
            refused = session.scalars(select(RefusedEdit.title)).all()
            accounts = session.scalar(select(User.id)), session.scalar(select(ApiToken.id))
            actions = sorted(session.scalars(select(AuditEntry.action)).all())
        assert again.getvalue() == text
        assert refused == ["Дананың мәтіні"] and accounts == (None, None)
        assert actions == ["token.issue"] * 6 + ["user.add"] * 6 + ["variant.refused", "variant.save"]
    finally:
        other.dispose()
