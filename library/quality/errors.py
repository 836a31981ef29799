"""Errors of the quality domain, with the facts a caller needs to react."""

from __future__ import annotations

from collections.abc import Sequence

from library.catalogs.lazy import N_
from library.errors import ENGLISH, Conflict, Invalid, Localized, MessageLanguage, NotFound, render
from library.quality import messages


class QualityBlocked(Localized, Conflict):
    """A revision with error findings was to be published without an override reason.

    ``findings`` are the errors as plain values (code, severity, message, facts), so an API client or
    the CLI can show each one; the detail lists their messages, in the reader's language on the web.
    """

    title = "Blocked by content checks"
    template = N_("The variant “{language}” of the article {slug} cannot be published: the content checks "
                  "found errors in revision {revision}: {errors} Correct the text, or, as an editor, give "
                  "a reason to publish it all the same.")

    def __init__(self, slug: str, language: str, revision: int, errors: Sequence[dict[str, object]]) -> None:
        self.errors = list(errors)
        facts = {"slug": slug, "language": language, "revision": revision}
        super().__init__(render(self.template, {**facts, "errors": _numbered(self._messages(ENGLISH))}), **facts,
                         findings=self.errors)

    def _messages(self, language: MessageLanguage) -> list[str]:
        return [messages.render(str(e["code"]), e.get("facts") or {}, language) for e in self.errors]

    def localized(self, language: MessageLanguage) -> tuple[str, dict[str, object]]:
        texts = self._messages(language)
        translated = [{**e, "message": text} for e, text in zip(self.errors, texts, strict=True)]
        return (render(self.template, {**self.facts, "errors": _numbered(texts)}, language.gettext),
                {**self.facts, "findings": translated})


def _numbered(texts: Sequence[str]) -> str:
    """Messages in one sentence: "(1) Paragraph 2 is in Russian, not in Kazakh: ... (2) ..."."""
    return " ".join(f"({number}) {text}" for number, text in enumerate(texts, start=1))


class TermNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__(f"The term base has no term {key!r}.", key=key)


class DuplicateTerm(Conflict):
    def __init__(self, key: str) -> None:
        super().__init__(f"The term base already has a term {key!r}.", key=key)


class InvalidTerm(Invalid):
    pass


class InvalidTermFile(Invalid):
    """A CSV or TBX file that cannot be imported; ``line`` (CSV) or ``entry`` (TBX) says where."""
