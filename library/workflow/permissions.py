"""Who may do what: the one set of access rules, asked alike by the API's services and the staff pages.

Rules take the `Principal` behind a request, or None for an anonymous visitor, and either answer a
question (``may_…``) or raise the error that says what is missing (``require_…``): `NotAuthenticated`
(401, or the sign-in page) for nobody, `RoleRequired` / `LanguageNotAllowed` (403) for an account
without the right. Anonymous visitors and ``reader`` accounts are readers: published texts only.

- working copies of language L (read, save, submit, restore, history), L's queue and PO/XLIFF
  exchange: translators of L, editors, admins;
- publishing, sending back, minor edits, the audit log, coverage, term base writes, the editors'
  dashboard: editors and admins;
- the workflow state (draft, in review) of unpublished texts: translators, editors, admins;
- revoking a token: its owner, admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from library.workflow.errors import LanguageNotAllowed, NotAuthenticated, RoleRequired, TokenNotYours
from library.workflow.models import Role

if TYPE_CHECKING:
    from library.workflow.models import User

RANK = {Role.READER: 0, Role.TRANSLATOR: 1, Role.EDITOR: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class Principal:
    """The account behind a request: what the rules below look at."""

    user_id: int
    username: str
    role: Role
    languages: tuple[str, ...]
    token_id: int | None = None

    @property
    def is_editor(self) -> bool:
        """For templates and minor edits: an editor or an admin."""
        return has_role(self, Role.EDITOR)

    @classmethod
    def of(cls, user: User, token_id: int | None = None) -> Principal:
        return cls(user.id, user.username, Role(user.role), tuple(user.languages), token_id)


def has_role(principal: Principal | None, minimum: Role) -> bool:
    """At least ``minimum``; nobody (an anonymous visitor) has no role at all."""
    return principal is not None and RANK[principal.role] >= RANK[minimum]


def may_work_in(principal: Principal | None, language: str) -> bool:
    """Editors and admins work in every language; translators in their own; readers in none."""
    if has_role(principal, Role.EDITOR):
        return True
    return has_role(principal, Role.TRANSLATOR) and language in principal.languages


def may_see_states(principal: Principal | None) -> bool:
    """Whether unpublished texts show their workflow state (draft, in review): staff only, since a
    reader must not learn what is being written before it is published."""
    return has_role(principal, Role.TRANSLATOR)


def require_signed_in(principal: Principal | None) -> Principal:
    if principal is None:
        raise NotAuthenticated()
    return principal


def require_role(principal: Principal | None, minimum: Role) -> Principal:
    principal = require_signed_in(principal)
    if not has_role(principal, minimum):
        raise RoleRequired(required=minimum.value, username=principal.username, role=principal.role.value)
    return principal


def require_language(principal: Principal | None, language: str) -> Principal:
    """Translators (and above) who may work in ``language``; others get a 403 that says why."""
    principal = require_role(principal, Role.TRANSLATOR)
    if not may_work_in(principal, language):
        raise LanguageNotAllowed(username=principal.username, language=language,
                                 allowed=", ".join(principal.languages) or "-")
    return principal


def require_editor(principal: Principal | None) -> Principal:
    return require_role(principal, Role.EDITOR)


def require_token_owner(principal: Principal, owner_id: int, token_id: int) -> None:
    """A token is revoked by its owner or an admin."""
    if owner_id != principal.user_id and not has_role(principal, Role.ADMIN):
        raise TokenNotYours(token_id=token_id)
