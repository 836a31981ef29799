"""Load the demo library from the JSON files beside this module.

The data has a small term base (``terms.csv``, loaded first so that every text is checked against
it), every article in Russian, most in Kazakh, fewer in English, some drafts, and some
translations made from an earlier source text (``previous_source``): those are saved against the
earlier revision and then the source is revised, so they come out outdated exactly as they would
in real use. Every write goes through the content service, like any other edit.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from library.backup import clear_library, is_empty
from library.content import service
from library.content.models import Status
from library.content.service import VariantText
from library.errors import Conflict
from library.quality import termfiles, terms

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "ru", "kk")
EDITOR = "demo-editor"
TRANSLATOR = "demo-translator"


def read_demo() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sections and articles of the demo library, articles oldest first."""
    sections = json.loads((DATA / "sections.json").read_text(encoding="utf-8"))["sections"]
    articles: list[dict[str, Any]] = []
    for part in sorted(DATA.glob("part*.json")):
        articles.extend(json.loads(part.read_text(encoding="utf-8"))["articles"])
    articles.sort(key=lambda a: (a["published_at"], a["slug"]))
    return sections, articles


def load_demo(session: Session, *, replace: bool = False) -> dict[str, int]:
    """Fill an empty library with the demo; ``replace`` clears the current content first."""
    if not is_empty(session):
        if not replace:
            raise Conflict("The library already has content; use --replace to load the demo over it.")
        clear_library(session)
    sections, articles = read_demo()
    term_base = termfiles.read_csv((DATA / "terms.csv").read_text(encoding="utf-8"))
    terms.import_terms(session, term_base, languages=LANGUAGES, by=EDITOR)
    by_slug = {}
    for position, section in enumerate(sections):
        by_slug[section["slug"]] = service.create_section(session, section["slug"], section["names"], position)
    created = {}
    for data in articles:
        created[data["slug"]] = _load_article(session, data, by_slug[data["section"]])
    for data in articles:
        if data.get("see_also"):
            service.set_see_also(session, created[data["slug"]], data["see_also"])
    return {"sections": len(sections), "articles": len(articles), "terms": len(term_base)}


def _text(fields: dict[str, str]) -> VariantText:
    return VariantText(title=fields["title"], summary=fields.get("summary", ""), body=fields.get("body", ""))


def _save_translations(session: Session, article, variants: dict[str, dict], at: datetime) -> None:
    for language, fields in variants.items():
        service.save_variant(session, article, language, _text(fields), status=Status(fields["status"]),
                             by=TRANSLATOR, at=at)


def _load_article(session: Session, data: dict[str, Any], section) -> Any:
    day = datetime.fromisoformat(data["published_at"]).replace(hour=9, tzinfo=UTC)
    source = data["source_language"]
    article = service.create_article(session, slug=data["slug"], section=section, published_at=day,
                                     source_language=source, tags=data.get("tags", []))
    variants = data["variants"]
    earlier = data.get("previous_source")
    service.save_variant(session, article, source, _text(earlier or variants[source]),
                         status=Status.PUBLISHED, by=EDITOR, at=day)
    later = day + timedelta(days=2)
    # Translations made before the source was corrected; those marked as made from the current
    # text ("translated_from": "current") are saved after the correction.
    before = {lang: f for lang, f in variants.items() if lang != source and f.get("translated_from") != "current"}
    after = {lang: f for lang, f in variants.items() if lang != source and lang not in before}
    _save_translations(session, article, before, later)
    if earlier:
        # The source was corrected after the translations were made: they become outdated.
        service.save_variant(session, article, source, _text(variants[source]), status=Status.PUBLISHED,
                             by=EDITOR, at=later + timedelta(days=5), comment="Correction of the source text")
    _save_translations(session, article, after, later + timedelta(days=6))
    return article
