"""Errors of the workflow: who may do what, lost-update protection, review states, file imports.

Each error keeps an English ``template`` (marked for the catalogs) and its facts, and formats its
``detail`` from them; `localized` gives the same message translated, for the web layer. Placeholders
are codes and names (``{language}`` is ``kk``), never words that Russian or Kazakh would inflect.
"""

from __future__ import annotations

from library.content.errors import StaleRevision
from library.errors import Conflict, Forbidden, Invalid, LibraryError, Localized, MessageLanguage, NotFound
from library.workflow.messages import N_, render


class WorkflowError(Localized, LibraryError):
    def __init__(self, **facts: object) -> None:
        super().__init__(render(self.template, facts), **facts)


class NotAuthenticated(WorkflowError):
    """No credentials, or credentials that name no active account."""

    title = "Not authenticated"
    template = N_("This needs a signed-in account.")


class BadCredentials(NotAuthenticated):
    template = N_("The username or password is wrong, or the account is disabled.")


class BadToken(NotAuthenticated):
    template = N_("The bearer token is unknown or revoked; ask for a new one.")


class RoleRequired(WorkflowError, Forbidden):
    template = N_("This needs the role “{required}”; the account {username} has the role “{role}”.")


class LanguageNotAllowed(WorkflowError, Forbidden):
    template = N_("The account {username} may work only in these languages: {allowed}. "
                  "It may not work in the language “{language}”.")


class MinorNotAllowed(WorkflowError, Forbidden):
    template = N_("Only editors may save a change as minor (a minor change does not outdate translations).")


class TokenNotYours(WorkflowError, Forbidden):
    template = N_("Token {token_id} belongs to another account; only an admin may revoke it.")


class UserNotFound(WorkflowError, NotFound):
    template = N_("No account has the username {username}.")


class TokenNotFound(WorkflowError, NotFound):
    template = N_("No token has the id {token_id}.")


class RevisionNotFound(WorkflowError, NotFound):
    template = N_("The variant “{language}” of the article {slug} has no revision {revision}.")


class RefusedEditNotFound(WorkflowError, NotFound):
    template = N_("The variant “{language}” of the article {slug} has no refused edit {refused_id}.")


class DuplicateUser(WorkflowError, Conflict):
    template = N_("An account with the username {username} already exists.")


class InvalidUsername(WorkflowError, Invalid):
    template = N_("The username {username} is not valid: use 2 to 100 letters, digits, dots, hyphens or "
                  "underscores.")


class WeakPassword(WorkflowError, Invalid):
    template = N_("A password needs at least {minimum} characters.")


class LanguagesRequired(WorkflowError, Invalid):
    template = N_("A translator needs at least one target language (one of: {supported}).")


class NoSuchSource(WorkflowError, Invalid):
    template = N_("The article {slug} has no variant “{language}” to translate from.")


class NoSuchSourceRevision(WorkflowError, Invalid):
    template = N_("The variant “{language}” of the article {slug} has no revision {revision} to "
                  "translate from.")


class SelfTranslation(WorkflowError, Invalid):
    template = N_("A variant cannot be translated from its own language (“{language}”).")


class RestoreWhat(WorkflowError, Invalid):
    template = N_("Name either a revision or a refused edit to restore, not both.")


class UnknownFormat(WorkflowError, Invalid):
    template = N_("{format} is not an exchange format; use one of: {supported}.")


class RevisionRequired(WorkflowError):
    """A write that does not say which revision it is based on (or that it creates the variant)."""

    title = "Precondition required"
    template = N_("Say which revision this write is based on, or that it creates a new variant.")


class StaleWrite(Localized, StaleRevision):
    """A refused write: the variant moved on. The text sent is kept as refused edit ``refused_id``."""

    template = N_("The variant “{language}” of the article {slug} is at revision {current_revision}; "
                  "your write was based on revision {expected}. Your text is kept in the history as refused "
                  "edit {refused_id}.")
    template_without_text = N_("The variant “{language}” of the article {slug} is at revision "
                               "{current_revision}; your request was based on revision {expected}. "
                               "Reload it and try again.")

    def __init__(self, slug: str, language: str, expected: int, actual: int, *, version: str | None,
                 refused_id: int | None) -> None:
        super().__init__(slug, language, expected, actual)
        self.facts.update(current_version=version, refused_id=refused_id)
        if refused_id is None:
            self.template = self.template_without_text
        self.detail = render(self.template, self.facts)
        self.args = (self.detail,)


class InvalidTransition(WorkflowError, Conflict):
    templates = {
        "submit": N_("The variant “{language}” of the article {slug} has the status “{status}”; "
                     "only a draft can be submitted for review."),
        "publish": N_("The variant “{language}” of the article {slug} has the status “{status}”; "
                      "only a variant in review can be published."),
        "reject": N_("The variant “{language}” of the article {slug} has the status “{status}”; "
                     "only a variant in review can be sent back to draft."),
    }

    def __init__(self, **facts: object) -> None:
        self.template = self.templates[str(facts["action"])]
        super().__init__(**facts)


class CommentRequired(WorkflowError, Invalid):
    template = N_("Sending a variant back to draft needs a comment for the translator.")


class ImportRejected(WorkflowError, Invalid):
    """A CAT-tool file with errors: nothing was written. ``report`` names every problem."""

    title = "Import rejected"
    template = N_("The file was not imported: problems found: {count}. Nothing was changed.")

    def __init__(self, report) -> None:
        super().__init__(count=len(report.errors), problems=report.messages(errors_only=True))
        self.report = report

    def localized(self, language: MessageLanguage) -> tuple[str, dict[str, object]]:
        detail, facts = super().localized(language)
        return detail, {**facts, "problems": self.report.messages(errors_only=True, translate=language.gettext)}


class TooManySignIns(WorkflowError):
    """Too many wrong passwords for an account or from a client address within the window."""

    title = "Too many sign-in attempts"
    template = N_("Too many failed sign-ins for this account or from this address. Try again in {retry_after} s.")
