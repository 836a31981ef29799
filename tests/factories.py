"""Small builders for tests: sensible defaults, override what the test is about."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from sqlmodel import Session

from library.content import service
from library.content.models import Article, Section, Status, Variant
from library.content.service import VariantText

_numbers = count(1)

#: A default body and title word in each language: every save is checked for its language (library.quality).
BODIES = {"ru": "<p>Текст статьи о целях развития.</p>", "kk": "<p>Даму мақсаттары туралы мақаланың мәтіні.</p>",
          "en": "<p>The text of an article about the development goals.</p>"}
TITLES = {"ru": "Статья", "kk": "Мақала", "en": "Article"}


def make_section(session: Session, slug: str | None = None, **names: str) -> Section:
    slug = slug or f"section-{next(_numbers)}"
    return service.create_section(session, slug, names or {"en": slug, "ru": slug, "kk": slug})


def make_article(session: Session, *, slug: str | None = None, section: Section | None = None,
                 source_language: str = "ru", published_at: datetime | None = None,
                 title: str | None = None, body: str | None = None,
                 status: Status = Status.PUBLISHED) -> Article:
    """An article with its source variant saved once (revision 1)."""
    slug = slug or f"article-{next(_numbers)}"
    article = service.create_article(
        session, slug=slug, section=section or make_section(session),
        published_at=published_at or datetime(2024, 5, 9, 9, tzinfo=UTC), source_language=source_language,
    )
    text = VariantText(title or f"{TITLES.get(source_language, 'Article')} {slug}", "",
                       BODIES.get(source_language, BODIES["en"]) if body is None else body)
    service.save_variant(session, article, source_language, text, status=status, by="editor")
    return article


def translate(session: Session, article: Article, language: str, title: str = "Translated title",
              status: Status = Status.PUBLISHED, **kwargs) -> Variant:
    return service.save_variant(session, article, language, VariantText(title, "", "<p>Body.</p>"),
                                status=status, by="translator", **kwargs)


PASSWORD = "correct horse battery"


def make_user(session: Session, username: str, role: str = "translator", languages: tuple[str, ...] = ("kk",),
              password: str = PASSWORD):
    """An account (the password is the same for every test account)."""
    from library.bootstrap import language_registry
    from library.settings import load_settings
    from library.workflow.accounts import create_user
    from library.workflow.models import Role

    registry = language_registry(load_settings({}))
    return create_user(session, registry, username=username, role=Role(role), password=password,
                       languages=languages if role == "translator" else ())
