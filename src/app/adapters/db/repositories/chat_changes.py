"""The chats' change logs: ``chat_changes`` rows, numbered from 1 per chat."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.engine import dialect_of
from app.adapters.db.models.chat import ChatModel, MessageModel, chat_changes
from app.adapters.db.repositories.chat_rows import message_from_row, messages_query
from app.core.chat.changes import ChangeKind, ChatChange
from app.core.chat.model import Message

chats = cast(Table, ChatModel.__table__)
# Built once: each message posted runs them (see ``record``).
_LOCK_CHAT = select(chats.c.id).where(chats.c.id == bindparam("chat")).with_for_update(key_share=True)
_POSITION = select(func.max(chat_changes.c.seq)).where(chat_changes.c.chat_id == bindparam("chat"))
_INSERT_CHANGE = insert(chat_changes)


class SqlChatChangeLog:
    """Numbers a chat's changes under the chat's row lock (``SELECT … FOR NO KEY UPDATE``, held until
    the transaction ends), so they are numbered in commit order, with no gap; the lock dirties no page,
    which keeps a message's write as small as before on SQLite.

    ``NO KEY UPDATE`` excludes the other writers numbering changes but not the key-share lock that
    inserting a message (its foreign key to the chat) takes: with ``FOR UPDATE``, two concurrent
    posts by one sender deadlocked (each held a key share on the chat and one waited for the
    other's read marker)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, chat_id: int, changes: Sequence[ChatChange]) -> int:
        # The chat's row lock serializes its changes, so the next number is the highest one so far
        # plus one, and they commit in order. SQLite has one writer at a time, and no row locks: the
        # statement would lock nothing there, so it is not sent.
        if dialect_of(self._session) != "sqlite":
            await self._session.execute(_LOCK_CHAT, {"chat": chat_id})
        last = await self.position(chat_id) + len(changes)
        first = last - len(changes) + 1
        await self._session.execute(
            _INSERT_CHANGE,
            [
                {
                    "chat_id": chat_id,
                    "seq": first + index,
                    "kind": change.kind.value,
                    "message_id": change.message_id,
                    "actor_id": change.actor_id,
                    "text": change.text,
                    "at": change.at,
                }
                for index, change in enumerate(changes)
            ],
        )
        return last

    async def position(self, chat_id: int) -> int:
        found = await self._session.scalar(_POSITION, {"chat": chat_id})
        return int(found or 0)

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
