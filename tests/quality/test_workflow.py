"""The content checks inside the workflow: publishing through the API, the audit log, term notes in
the PO and XLIFF exports."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from lxml import etree
from sqlalchemy import select

from library.quality.matching import contains
from library.storage import session_scope
from library.workflow import accounts
from library.workflow.models import AuditEntry
from tests.factories import make_user
from tests.quality.helpers import paste_russian_paragraph, variant_of

KK = "/api/v1/workflow/variants/what-are-the-sdgs/kk"
EXPORT = "/api/v1/workflow/exchange/kk"
IWG_RU = "Межведомственная рабочая группа (МРГ)"
IWG_NOTE = "Term: Межведомственная рабочая группа (МРГ) -> Ведомствоаралық жұмыс тобы (ВЖТ)"
SCHEMA = Path(__file__).resolve().parent.parent / "data" / "xliff" / "xliff-core-1.2-strict.xsd"


@pytest.fixture
def people(demo) -> dict[str, dict[str, str]]:
    headers = {}
    with session_scope(demo) as session:
        for name, role, languages in (("aigerim", "translator", ("kk",)), ("olga", "editor", ())):
            token = accounts.issue_token(session, make_user(session, name, role, languages)).secret
            headers[name] = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    return headers


def _submit(client, people, demo, *, paste: bool) -> str:
    """Save the Kazakh variant for review (with a Russian paragraph pasted in, or as it is); its ETag."""
    with session_scope(demo, write=False) as session:
        variant = variant_of(session, "what-are-the-sdgs", "kk")
        body = paste_russian_paragraph(session)(variant.body) if paste else variant.body
        text = {"title": variant.title, "summary": variant.summary, "body": body, "status": "in_review"}
    etag = client.get(KK, headers=people["aigerim"]).headers["etag"]
    saved = client.put(KK, json=text, headers={**people["aigerim"], "If-Match": etag})
    assert saved.status_code == 200, saved.text
    return saved.headers["etag"]


@pytest.fixture
def in_review(client, people, demo) -> str:
    return _submit(client, people, demo, paste=True)


def test_publishing_errors_is_a_409_naming_the_paragraph(client, people, in_review) -> None:
    refused = client.post(KK + "/publish", headers={**people["olga"], "If-Match": in_review})
    assert refused.status_code == 409 and refused.json()["type"].endswith("/quality-blocked")
    [finding] = refused.json()["findings"]
    assert finding["code"] == "wrong-language" and finding["facts"]["number"] == 2
    assert "Paragraph 2 is in Russian, not in Kazakh" in refused.json()["detail"]
    assert client.get(KK, headers=people["olga"]).json()["status"] == "in_review"


def test_the_blocked_publication_is_explained_in_the_editors_language(client, people, in_review) -> None:
    refused = client.post(KK + "/publish", headers={**people["olga"], "If-Match": in_review, "Accept-Language": "ru"})
    problem = refused.json()
    assert refused.status_code == 409 and refused.headers["content-language"] == "ru"
    assert problem["title"] == "Публикация остановлена проверками текста"
    assert "(1) Абзац 2: язык текста — русский, а не казахский: «" in problem["detail"], problem["detail"]
    assert problem["findings"][0]["message"].startswith("Абзац 2: язык текста — русский, а не казахский")
    assert "Paragraph" not in problem["detail"] and "the article" not in problem["detail"]
    latin = client.post(KK + "/publish", headers={**people["olga"], "If-Match": in_review,
                                                  "Accept-Language": "kk-Latn"}).json()
    # Kazakh in Latin letters, language names included; only the quoted Russian excerpt is Cyrillic.
    outside_quotes = latin["detail"].split("«")[0] + latin["detail"].split("»")[-1]
    assert "orys tılı" in latin["detail"] and not any("\u0400" <= ch <= "\u04ff" for ch in outside_quotes)


def test_an_override_publishes_and_is_in_the_audit_log(client, people, in_review, demo) -> None:
    reason = "Quoted from the Russian decree on purpose."
    published = client.post(KK + "/publish", headers={**people["olga"], "If-Match": in_review},
                            json={"override": reason})
    assert published.status_code == 200 and published.json()["status"] == "published"
    with session_scope(demo, write=False) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "variant.override"))
    assert (entry.actor, entry.article, entry.language, entry.to_revision) == (
        "olga", "what-are-the-sdgs", "kk", published.json()["revision"])
    assert entry.detail == f"wrong-language: {reason}"


def test_a_clean_publication_leaves_no_override_in_the_audit_log(client, people, demo) -> None:
    etag = _submit(client, people, demo, paste=False)
    published = client.post(KK + "/publish", headers={**people["olga"], "If-Match": etag},
                            json={"override": "not needed"})
    assert published.status_code == 200
    with session_scope(demo, write=False) as session:
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "variant.override")) is None


def test_po_export_carries_term_notes_for_the_terms_each_source_uses(client, people) -> None:
    response = client.get(EXPORT, headers=people["aigerim"], params={"format": "po"})
    entries = polib.pofile(response.text)
    with_term = [entry for entry in entries if contains(entry.msgid, IWG_RU, "ru")]
    assert with_term, "the demo's Kazakh queue has Russian sources naming the IWG"
    for entry in entries:
        assert (IWG_NOTE in " ".join(entry.comment.split())) is (entry in with_term), entry.msgctxt


def test_xliff_export_carries_term_notes_and_stays_valid(client, people) -> None:
    response = client.get(EXPORT, headers=people["aigerim"], params={"format": "xliff"})
    root = etree.fromstring(response.content)
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(root)
    notes = root.findall(".//{urn:oasis:names:tc:xliff:document:1.2}note[@from='terms']")
    assert notes and all(note.get("annotates") == "source" for note in notes)
    assert any(note.text.startswith(IWG_NOTE) for note in notes)


def test_the_queue_shows_the_findings_of_each_target_in_the_translators_language(client, people) -> None:
    queue = "/api/v1/workflow/queue"
    missing = next(item for item in client.get(queue, params={"lang": "kk", "limit": 200},
                                               headers=people["aigerim"]).json()["items"]
                   if item["reason"] == "missing" and item["source"]["language"] == "ru")
    assert missing["findings"] == []
    # A "translation" that is the Russian source pasted as it is: saved as a draft, it stays in the queue.
    source = missing["source"]
    path = f"/api/v1/workflow/variants/{missing['article']}/kk"
    saved = client.put(path, headers={**people["aigerim"], "If-None-Match": "*"},
                       json={"title": source["title"], "summary": source["summary"], "body": source["body"],
                             "translated_from": "ru", "source_revision": source["revision"]})
    assert saved.status_code in (200, 201), saved.text
    items = client.get(queue, params={"lang": "kk", "limit": 200},
                       headers={**people["aigerim"], "Accept-Language": "ru"}).json()["items"]
    [item] = [i for i in items if i["article"] == missing["article"]]
    assert item["findings"] and item["findings"][0]["severity"] == "error"
    assert item["findings"][0]["code"] == "identical-to-source"
    assert item["findings"][0]["message"] == "Текст совпадает с исходным (русский): он не переведён."


def test_a_saved_variant_answers_with_its_findings_and_so_does_reading_it(client, people, demo) -> None:
    with session_scope(demo, write=False) as session:
        variant = variant_of(session, "what-are-the-sdgs", "kk")
        body = paste_russian_paragraph(session)(variant.body)
        text = {"title": variant.title, "summary": variant.summary, "body": body}
    etag = client.get(KK, headers=people["aigerim"]).headers["etag"]
    saved = client.put(KK, json=text, headers={**people["aigerim"], "If-Match": etag, "Accept-Language": "kk"})
    assert saved.status_code == 200
    [finding] = [f for f in saved.json()["findings"] if f["code"] == "wrong-language"]
    assert finding["severity"] == "error" and finding["facts"]["number"] == 2
    assert finding["message"].startswith("2-абзац")
    read = client.get(KK, headers=people["aigerim"]).json()
    assert [f["code"] for f in read["findings"]] == [f["code"] for f in saved.json()["findings"]]
    assert "Paragraph 2 is in Russian" in read["findings"][0]["message"]
