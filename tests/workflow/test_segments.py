"""A translation as segments to do (issue 18): what stays, what changed, what is new, and the diff."""

from __future__ import annotations

from library.workflow.segments import CHANGED, NEW, TRANSLATED, segment_sheet, word_diff

OLD = {"title": "Лес", "summary": "Кратко.",
       "body": '<p>Посадили лес.</p><p>Второй <a href="/x">абзац</a>.</p><p>Третий.</p>'}
NEW_SOURCE = {"title": "Лес", "summary": "Кратко.",
              "body": '<p>Посадили 5 000 деревьев.</p><p>Второй <a href="/x">абзац</a>.</p><p>Новый.</p>'
                      '<p>Третий.</p>'}
KK = {"title": "Орман", "summary": "Қысқаша.",
      "body": '<p>Орман отырғызылды.</p><p>Екінші <a href="/x">абзац</a>.</p><p>Үшінші.</p>'}


def states(sheet):
    return [(work.state, work.segment.text, work.translation) for work in sheet.work]


def test_a_missing_translation_is_all_new():
    sheet = segment_sheet(NEW_SOURCE)
    assert {work.state for work in sheet.work} == {NEW} and (sheet.done, sheet.total) == (0, 6)


def test_an_outdated_translation_keeps_untouched_segments_and_marks_the_changed_one():
    sheet = segment_sheet(NEW_SOURCE, KK, OLD)
    assert states(sheet) == [
        (TRANSLATED, "Лес", "Орман"), (TRANSLATED, "Кратко.", "Қысқаша."),
        (CHANGED, "Посадили 5 000 деревьев.", ""),
        (TRANSLATED, "Второй {1}абзац{/1}.", "Екінші {1}абзац{/1}."),
        (NEW, "Новый.", ""),
        (TRANSLATED, "Третий.", "Үшінші."),
    ]
    changed = sheet.work[2]
    assert (changed.previous_source, changed.previous_translation) == ("Посадили лес.", "Орман отырғызылды.")
    assert changed.diff() == [("equal", "Посадили "), ("delete", "лес."), ("insert", "5 000 деревьев.")]
    assert (sheet.done, sheet.total, sheet.changed) == (4, 6, 1)


def test_a_draft_of_the_new_source_is_judged_against_the_published_translation():
    # A draft made from the new source with the changed segment done and the new one still empty.
    draft_body = '<p>5 000 ағаш отырғызылды.</p><p>Екінші <a href="/x">абзац</a>.</p><p></p><p>Үшінші.</p>'
    draft = {**KK, "body": draft_body}
    sheet = segment_sheet(NEW_SOURCE, draft, NEW_SOURCE, OLD, KK)
    assert [(w.state, w.translation) for w in sheet.work] == [
        (TRANSLATED, "Орман"), (TRANSLATED, "Қысқаша."), (CHANGED, "5 000 ағаш отырғызылды."),
        (TRANSLATED, "Екінші {1}абзац{/1}."), (NEW, ""), (TRANSLATED, "Үшінші.")]
    assert sheet.work[2].previous_translation == "Орман отырғызылды."


def test_a_previous_translation_keeps_its_tokens_by_the_markup_they_stand_for():
    old = {"title": "T", "summary": "", "body": '<p>See <b>bold</b> and <a href="/x">link</a>.</p>'}
    new = {"title": "T", "summary": "", "body": '<p>See <a href="/x">the link</a> first.</p>'}
    kk = {"title": "Т", "summary": "", "body": '<p><a href="/x">Сілтеме</a> мен <b>жуан</b>.</p>'}
    [_, changed] = segment_sheet(new, kk, old).work
    assert changed.state == CHANGED and changed.previous_translation == "{1}Сілтеме{/1} мен жуан."


def test_the_word_diff_is_bounded():
    old, new = "a " * 3000, "b " * 3000
    pieces = word_diff(old, new)
    assert "".join(text for op, text in pieces if op != "insert") == old
    assert "".join(text for op, text in pieces if op != "delete") == new
