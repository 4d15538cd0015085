"""The chats' change logs: ``chat_changes`` rows, numbered from 1 per chat."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import bindparam, func, insert, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from app.adapters.db.engine import dialect_of
from app.adapters.db.models.chat import MessageModel, chat_changes
from app.adapters.db.repositories.chat_rows import CHATS, SEAT, message_from_row, messages_query, seat
from app.adapters.db.sqlite_trips import rows_of, sqlite_dialect
from app.core.chat.changes import ChangeKind, ChatChange
from app.core.chat.model import Chat, ChatMember, Message

# Built once: each message posted runs them (see ``record``).
_LOCK_CHAT = select(CHATS.c.id).where(CHATS.c.id == bindparam("chat")).with_for_update(key_share=True)
_SEAT_LOCKING_CHAT = SEAT.with_for_update(of=CHATS, key_share=True)  # the same lock, with the seat
_LAST = select(func.coalesce(func.max(chat_changes.c.seq), 0)).where(chat_changes.c.chat_id == bindparam("chat"))
_COLUMNS = ("chat_id", "seq", "kind", "message_id", "actor_id", "text", "at")


@functools.lru_cache(maxsize=64)
def _numbered_insert(count: int) -> ReturningInsert[int]:
    """``INSERT … SELECT`` of ``count`` changes numbered after the chat's highest number, which the
    statement reads once, before it inserts anything (PostgreSQL and SQLite alike), so a batch is
    numbered without a gap in one round trip."""
    c = chat_changes.c
    rows = [
        select(
            bindparam("chat", type_=c.chat_id.type),
            _LAST.scalar_subquery() + (index + 1),
            bindparam(f"kind_{index}", type_=c.kind.type),
            bindparam(f"message_{index}", type_=c.message_id.type),
            bindparam(f"actor_{index}", type_=c.actor_id.type),
            bindparam(f"text_{index}", type_=c.text.type),
            bindparam(f"at_{index}", type_=c.at.type),
        )
        for index in range(count)
    ]
    source = rows[0] if count == 1 else union_all(*rows)
    return insert(chat_changes).from_select(_COLUMNS, source).returning(c.seq)


class SqlChatChangeLog:
    """Numbers a chat's changes under the chat's row lock (``SELECT … FOR NO KEY UPDATE``, held until
    the transaction ends), so they are numbered in commit order, with no gap; the lock dirties no page,
    which keeps a message's write as small as before on SQLite.

    ``NO KEY UPDATE`` excludes the other writers numbering changes but not the key-share lock that
    inserting a message (its foreign key to the chat) takes: with ``FOR UPDATE``, two concurrent
    posts by one sender deadlocked (each held a key share on the chat and one waited for the
    other's read marker).

    The lock is taken once per transaction. A post or a forward takes it first, with the sender's
    seat (``lock_with_seat``), then writes the message, the read marker and the change; an edit, a
    deletion or a pin locks its message first and the chat when it records. A transaction holding
    the chat's lock never waits for a message's (a reply or a forward names its message by id,
    without a foreign key), so the two orders do not deadlock. Deleting an account does hold the
    user's row while its cascade sets ``created_by`` of the chats it created to NULL (that chat's
    lock): a post of that same account to such a chat at that moment, like an edit of its message
    there, can deadlock with the deletion, and PostgreSQL fails one of them."""

    def __init__(self, session: AsyncSession, locked_chats: set[int]) -> None:
        """``locked_chats``: the chats whose lock the transaction holds, kept by the unit of work."""
        self._session, self._locked_chats = session, locked_chats

    async def lock_with_seat(self, chat_id: int, user_id: int) -> tuple[Chat | None, ChatMember | None]:
        found = await seat(self._session, _SEAT_LOCKING_CHAT, chat_id, user_id)
        if found[0] is not None:
            self._locked_chats.add(chat_id)
        return found

    async def record(self, chat_id: int, changes: Sequence[ChatChange]) -> int:
        # The chat's row lock serializes its changes, so the next number is the highest one so far
        # plus one, and they commit in order. It is taken once per transaction (``lock_with_seat``
        # may have taken it). SQLite has one writer at a time, and no row locks: the statement
        # would lock nothing there, so it is not sent.
        # The numbers are computed by the insert itself, from the highest one its statement sees.
        if chat_id not in self._locked_chats and dialect_of(self._session) != "sqlite":
            await self._session.execute(_LOCK_CHAT, {"chat": chat_id})
            self._locked_chats.add(chat_id)
        values: dict[str, object] = {"chat": chat_id}
        for index, change in enumerate(changes):
            values |= {
                f"kind_{index}": change.kind.value,
                f"message_{index}": change.message_id,
                f"actor_{index}": change.actor_id,
                f"text_{index}": change.text,
                f"at_{index}": change.at,
            }
        statement = _numbered_insert(len(changes))
        if sqlite := sqlite_dialect(self._session):  # once per message posted: below SQLAlchemy there
            return max(int(row.seq) for row in await rows_of(self._session, sqlite, statement, values))
        numbers = (await self._session.execute(statement, values)).scalars().all()
        return max(numbers)

    async def position(self, chat_id: int) -> int:
        return int(await self._session.scalar(_LAST, {"chat": chat_id}) or 0)

    async def since(
        self, chat_id: int, after: int, *, up_to: int | None, limit: int
    ) -> list[tuple[ChatChange, Message]]:
        query = (
            messages_query()
            .add_columns(chat_changes)
            .join(chat_changes, chat_changes.c.message_id == MessageModel.id)
            .where(chat_changes.c.chat_id == chat_id, chat_changes.c.seq > after)
        )
        if up_to is not None:
            query = query.where(chat_changes.c.seq <= up_to)
        rows = await self._session.execute(query.order_by(chat_changes.c.seq).limit(limit))
        found = []
        for row in rows:
            message, name = row[0], row[1]
            change = ChatChange(
                chat_id=row.chat_id,
                kind=ChangeKind(row.kind),
                message_id=row.message_id,
                actor_id=row.actor_id,
                at=row.at,
                text=row.text,
                seq=row.seq,
            )
            found.append((change, message_from_row(message, name)))
        return found
