"""The content version: every committed content write bumps it once; reads and rollbacks do not."""

from __future__ import annotations

import io

import pytest

from library.backup import export_library, import_library, parse_library
from library.content import service
from library.content.service import VariantText
from library.content.version import current_version
from library.storage import read_only, session_scope
from tests.factories import make_article, make_section, translate


def _version(engine) -> int:
    return read_only(engine, current_version)


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda s, a: make_section(s), id="create_section"),
        pytest.param(lambda s, a: make_article(s, section=service.get_section(s, "news")), id="create_article"),
        pytest.param(lambda s, a: translate(s, a, "kk"), id="save_variant"),
        pytest.param(lambda s, a: service.set_see_also(s, a, []), id="set_see_also"),
    ],
)
def test_each_content_write_bumps_the_version_once_per_commit(engine, write):
    with session_scope(engine) as session:
        article = make_article(session, section=make_section(session, "news"))
    before = _version(engine)
    with session_scope(engine) as session:
        write(session, service.get_article(session, article.slug))
    assert _version(engine) == before + 1


def test_reads_and_rolled_back_writes_leave_the_version_alone(engine):
    with session_scope(engine) as session:
        article = make_article(session)
    before = _version(engine)
    with session_scope(engine, write=False) as session:
        service.get_article(session, article.slug)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        service.save_variant(session, service.get_article(session, article.slug), "kk", VariantText("Атауы"))
        raise RuntimeError("abandon the edit")
    assert _version(engine) == before
    with session_scope(engine) as session:  # the same kind of session commits normally afterwards
        service.save_variant(session, service.get_article(session, article.slug), "kk", VariantText("Атауы"))
    assert _version(engine) == before + 1


def test_import_and_demo_bump_the_version(demo):
    before = _version(demo)
    out = io.StringIO()
    with session_scope(demo, write=False) as session:
        export_library(session, out)
    with session_scope(demo) as session:
        import_library(session, parse_library(out.getvalue().splitlines()), replace=True)
    assert _version(demo) == before + 1
