"""Edits of demo variants that the quality tests make: resave with a change, paste a Russian paragraph,
name the wrong body for the IWG."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select
from sqlmodel import Session

from library.content import service
from library.content.models import Status, Variant
from library.content.service import VariantText

_PARAGRAPH = re.compile(r"<p>.*?</p>")
_IWG_NAMES = re.compile(r"(?:the )?Interdepartmental Working Groups?(?: \(IWGs?\))?|IWGs?")


def variant_of(session: Session, slug: str, language: str) -> Variant:
    article = service.get_article(session, slug)
    return session.scalar(select(Variant).where(Variant.article_id == article.id, Variant.language == language))


def resave(session: Session, slug: str, language: str, change: Callable[[str], str], *,
           status: Status = Status.PUBLISHED, **options) -> Variant:
    """Save the variant again with ``change`` applied to its title, summary and body."""
    variant = variant_of(session, slug, language)
    text = VariantText(change(variant.title), change(variant.summary), change(variant.body))
    return service.save_variant(session, service.get_article(session, slug), language, text, status=status,
                                by="editor", **options)


def paste_russian_paragraph(session: Session, slug: str = "what-are-the-sdgs") -> Callable[[str], str]:
    """A change that replaces the second paragraph of a body with the second paragraph of the Russian source."""
    russian = _PARAGRAPH.findall(variant_of(session, slug, "ru").body)[1]

    def change(text: str) -> str:
        paragraphs = _PARAGRAPH.findall(text)
        return text.replace(paragraphs[1], russian) if len(paragraphs) >= 3 else text

    return change


def ministry_for_the_iwg(text: str) -> str:
    """A change that names the Ministry of Internal Affairs wherever an English text names the IWG
    (a forbidden form of the term, and the term missing)."""
    return _IWG_NAMES.sub("the Ministry of Internal Affairs", text)
