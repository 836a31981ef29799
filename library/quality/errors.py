"""Errors of the quality domain, with the facts a caller needs to react."""

from __future__ import annotations

from collections.abc import Sequence

from library.catalogs.lazy import N_
from library.errors import Conflict, Invalid, Localized, NotFound, Translate, render
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
        super().__init__(render(self.template, {**facts, "errors": self._listed()}), **facts,
                         findings=self.errors)

    def _messages(self, translate: Translate = str, language: str = "en", script: Translate = str) -> list[str]:
        return [messages.render(str(e["code"]), e.get("facts") or {}, translate, language, script) for e in self.errors]

    def _listed(self, translate: Translate = str, language: str = "en", script: Translate = str) -> str:
        """Each error's message, numbered: "(1) Paragraph 2 is in Russian, not in Kazakh: ..."."""
        return " ".join(f"({number}) {message}"
                        for number, message in enumerate(self._messages(translate, language, script), start=1))

    def localized(self, translate: Translate, language: str = "en",
                  script: Translate = str) -> tuple[str, dict[str, object]]:
        translated = [{**e, "message": message}
                      for e, message in zip(self.errors, self._messages(translate, language, script), strict=True)]
        return (render(self.template, {**self.facts, "errors": self._listed(translate, language, script)}, translate),
                {**self.facts, "findings": translated})


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
