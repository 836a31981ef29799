"""What an imported translation must keep from its source: tags, links and placeholders, well nested."""

from __future__ import annotations

import pytest

from library.workflow.exchange.markup import markup_problem

SOURCE = '<p>Более <strong>{count}</strong> семей, см. <a href="/ru/water">отчёт</a>.<br/></p>'


@pytest.mark.parametrize("translation", [
    '<p><strong>{count}</strong> отбасы, <a href="/ru/water">есепті</a> қараңыз.<br/></p>',
    '<p>Қараңыз: <a href="/ru/water" title="Есеп">есеп</a>, <strong>{count}</strong> отбасы<br/></p>',
    "<P>{count}<STRONG></strong> <a href='/ru/water'>x</a><br></p>",
])
def test_translations_that_keep_the_markup_pass(translation):
    assert markup_problem(SOURCE, translation) is None


@pytest.mark.parametrize("translation, says", [
    ('<p><strong>{count}</strong> отбасы, <a href="/ru/water">есепті</a> қараңыз.<br/>', "missing: </p>;"),
    ('<p><strong>{cuont}</strong> отбасы <a href="/ru/water">есеп</a><br/></p>',
     "missing: {count}; not in the source: {cuont}"),
    ('<p><strong>{count}</strong> <a href="/kk/other">есеп</a><br/></p>', 'missing: <a href=/ru/water>'),
    ('<p><strong>{count}</strong> <em>!</em> <a href="/ru/water">есеп</a><br/></p>', "not in the source: </em>, <em>"),
    ('<p><strong>{count} <a href="/ru/water">есеп</strong></a><br/></p>', "closes </strong>"),
    ('</p><strong>{count}</strong> <a href="/ru/water">есеп</a><br/><p>', "closes </p>"),
])
def test_translations_that_break_the_markup_are_named(translation, says):
    template, facts = markup_problem(SOURCE, translation)
    assert says in template.format(**facts)
