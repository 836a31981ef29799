"""The workbench shows the memory's suggestions beside each segment, each with a Use button (keyboard
reachable: a button, and Alt+Enter takes the first), the machine translation's labelled apart."""

from __future__ import annotations

import html
import re

import pytest

from library.content import service
from library.content.models import Status
from library.content.service import VariantText
from tests.factories import make_article, make_section, make_user
from tests.memory.test_queue_and_machine import fake_engine  # noqa: F401
from tests.pages.test_editor_pages import _login

RU = '<p>Подробности на <a href="/ru/plan">сайте</a> министерства.</p>'
KK = '<p>Толығырақ министрліктің <a href="/kk/plan">сайтында</a>.</p>'


@pytest.fixture
def workbench(engine, session):
    section = make_section(session)
    learnt = make_article(session, slug="learnt", section=section, title="Национальный план развития", body=RU)
    service.save_variant(session, learnt, "kk", VariantText("Ұлттық даму жоспары", "", KK),
                         status=Status.PUBLISHED, by="aigerim")
    make_article(session, slug="fresh", section=section, title="Национальный план развития страны", body=RU)
    make_user(session, "translator", "translator", ("kk",))
    session.commit()


def _suggestions(page: str) -> list[tuple[str, str]]:
    """(label, text of the Use button) of each suggestion, in order."""
    found = re.findall(r'<li class="suggestion" data-kind="[a-z]+"[^>]*>\s*'
                       r'<span class="suggestion-label">([^<]*)</span>.*?class="use-suggestion" data-text="([^"]*)"',
                       page, re.S)
    return [(html.unescape(label).strip(), html.unescape(text)) for label, text in found]


def test_each_segment_has_its_suggestions_with_a_use_button(client, workbench):
    client.follow_redirects = False
    _login(client, "translator", next_path="/en/translate")
    page = client.get("/en/translate/fresh/kk").text
    assert _suggestions(page) == [
        ("Translation memory, 88% match:", "Ұлттық даму жоспары"),
        ("Translation memory, 100% match:", "Толығырақ министрліктің {1}сайтында{/1}."),  # the segment's tokens
    ]
    assert '<ins> страны</ins>' in page  # how the memory's source differs from this one


def test_a_kazakh_page_labels_them_in_kazakh(client, workbench):
    client.follow_redirects = False
    _login(client, "translator", next_path="/kk/translate")
    page = client.get("/kk/translate/fresh/kk").text
    assert "Аударма жадысы, 100% сәйкестік" in page


def test_the_machine_translation_is_a_separate_labelled_suggestion(fake_engine, make_client, workbench):  # noqa: F811
    client = make_client(LIBRARY_MACHINE_TRANSLATION="fake")
    client.follow_redirects = False
    _login(client, "translator", next_path="/en/translate")
    labels = [label for label, _ in _suggestions(client.get("/en/translate/fresh/kk").text)]
    assert labels.count("Machine translation (fake):") == 2 and labels[0].startswith("Translation memory")
