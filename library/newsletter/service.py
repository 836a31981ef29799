"""Subscribing to the newsletter: validated, idempotent, safe under concurrent submissions."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from library.errors import Invalid
from library.newsletter.models import Subscription
from library.storage.types import utcnow


class InvalidEmail(Invalid):
    title = "Invalid e-mail address"

    def __init__(self, address: str) -> None:
        super().__init__(f"{address!r} is not a valid e-mail address.", field="email")


@dataclass(frozen=True)
class Subscribed:
    email: str
    language: str
    new: bool
    """False when the address was already subscribed (its language is updated, nothing duplicated)."""


def normalise_email(address: str) -> str:
    """The address as stored: syntax checked (no DNS look-up), domain lower-cased, local part kept."""
    try:
        result = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise InvalidEmail(address) from None
    local, _, domain = result.normalized.rpartition("@")
    return f"{local}@{domain.lower()}"


def subscribe(session: Session, address: str, language: str) -> Subscribed:
    """Subscribe ``address`` in ``language``; the same address twice is one subscription."""
    email = normalise_email(address)
    existing = session.scalar(select(Subscription).where(Subscription.email == email))
    if existing is None:
        try:
            with session.begin_nested():
                session.add(Subscription(email=email, language=language))
            return Subscribed(email, language, new=True)
        except IntegrityError:  # another request stored it between our read and our write
            existing = session.scalar(select(Subscription).where(Subscription.email == email))
    existing.language, existing.updated_at = language, utcnow()
    session.add(existing)
    session.flush()
    return Subscribed(email, language, new=False)
