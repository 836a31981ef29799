"""When accounts and tokens were last used, kept in memory and written in batches: presenting a token
never writes to the database (a write per API call would serialise every reader behind SQLite's lock).

The web app registers `LastUse.drain` and `write_last_use` with the flusher that also writes reader
counts, so ``last_used_at`` is at most one flush interval (and one process's buffer) behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session

from library.workflow.models import ApiToken, User
from library.workflow.permissions import Principal


@dataclass
class Uses:
    """The latest use since the last drain, per account id and per token id."""

    accounts: dict[int, datetime] = field(default_factory=dict)
    tokens: dict[int, datetime] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.accounts or self.tokens)


class LastUse:
    """Thread-safe: `saw` is two dictionary writes under a lock."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._accounts: dict[int, float] = {}
        self._tokens: dict[int, float] = {}

    def saw(self, principal: Principal) -> None:
        now = self._clock()
        with self._lock:
            self._accounts[principal.user_id] = now
            if principal.token_id is not None:
                self._tokens[principal.token_id] = now

    def drain(self) -> Uses:
        with self._lock:
            accounts, tokens = self._accounts, self._tokens
            self._accounts, self._tokens = {}, {}
        return Uses({k: _utc(v) for k, v in accounts.items()}, {k: _utc(v) for k, v in tokens.items()})


def write_last_use(session: Session, uses: Uses) -> None:
    """Two batched UPDATEs; a later time never goes back (batches kept after a failed flush come in order,
    but another process may have written a later one)."""
    for table, times in ((User.__table__, uses.accounts), (ApiToken.__table__, uses.tokens)):
        if not times:
            continue
        column = table.c.last_used_at
        statement = (update(table).where(table.c.id == bindparam("row_id"),
                                         (column.is_(None)) | (column < bindparam("at")))
                     .values(last_used_at=bindparam("at")))
        session.connection().execute(statement, [{"row_id": k, "at": v} for k, v in sorted(times.items())])


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
