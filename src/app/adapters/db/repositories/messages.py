"""SQL storage of messages and of each member's read and delivery markers.

History pages and unread counts are range scans of the ``(chat_id, id)`` index, so their cost does
not grow with a chat's history. Search uses PostgreSQL full-text search (a GIN index on
``to_tsvector('simple', text)``) and a LIKE scan of the case-folded text on SQLite (``folding``);
it only ever looks at the caller's chats.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, insert, literal, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.engine import dialect_of
from app.adapters.db.errors import translate_refusal
from app.adapters.db.folding import contains_folded
from app.adapters.db.models.chat import ChatMemberModel, MessageModel
from app.adapters.db.paging import window
from app.adapters.db.repositories.chat_rows import (
    MEMBERS,
    MESSAGE_CONSTRAINTS,
    MESSAGES,
    WORD,
    message_from_row,
    messages_query,
    unread_filter,
)
from app.adapters.db.sqlite_trips import Compiled, Trip, compiled, on_thread, sqlite_dialect
from app.core.chat.model import Message
from app.core.shared.paging import Page, PageRequest

# The statements of posting a message, built once (a statement built per call costs more Python
# than the SQL it runs): Core, so no unit of work or ORM bulk-update machinery runs for them.
_INSERT_MESSAGES = insert(MESSAGES).returning(*MESSAGES.c, sort_by_parameter_order=True)
_ADVANCE = {
    marker: update(MEMBERS)
    .where(
        MEMBERS.c.chat_id == bindparam("chat"),
        MEMBERS.c.user_id == bindparam("user"),
        MEMBERS.c[marker] < bindparam("marker"),
    )
    .values({marker: bindparam("marker"), "updated_at": bindparam("at", type_=MEMBERS.c.updated_at.type)})
    for marker in ("last_read_message_id", "last_delivered_message_id")
}  # ``updated_at`` named, not left to its ``onupdate``: SQLite runs them below SQLAlchemy too
_WRITTEN = ("chat_id", "sender_id", "text", "reply_to_id", "forwarded_from_id", "client_id", "created_at")
# PostgreSQL: a message stored alone (a batch of one, the common case) with its sender's read marker
# moved to it, in one statement (a data-modifying CTE). Its values are bound as ``new_<column>``: a
# bind named as a column of ``chat_members`` would be taken for a value of the update. Larger batches
# keep the multi-row insert and an update per sender: the batch shares those trips, and a statement
# per batch size would cost more to build and compile than the trip it saves.
_INSERT_ONE = (
    insert(MESSAGES)
    .values(
        {column: bindparam(f"new_{column}", type_=MESSAGES.c[column].type) for column in _WRITTEN}
        | {"updated_at": bindparam("new_created_at", type_=MESSAGES.c.updated_at.type)}
    )
    .returning(*MESSAGES.c)
)
_STORED = _INSERT_ONE.cte("stored")
_INSERT_READ_BY_SENDER = select(_STORED).add_cte(
    update(MEMBERS)
    .where(
        MEMBERS.c.chat_id == _STORED.c.chat_id,
        MEMBERS.c.user_id == _STORED.c.sender_id,
        MEMBERS.c.last_read_message_id < _STORED.c.id,
    )
    .values(last_read_message_id=_STORED.c.id, updated_at=func.now())
    .cte("read")
)


def _stored_on_sqlite(
    insert_one: Compiled, read_by_sender: Compiled | None, rows: list[dict[str, Any]], trip: Trip
) -> list[Any]:
    """SQLite, in one trip to the database's thread (``sqlite_trips``): each message inserted, then,
    with ``read_by_sender`` (``_ADVANCE``), each sender's read marker moved to their newest."""
    stored = [trip.rows(insert_one, {f"new_{column}": value for column, value in row.items()})[0] for row in rows]
    if read_by_sender is not None:
        now = datetime.now(UTC)
        for (chat_id, sender_id), last in _newest_per_sender(stored).items():
            trip.count(read_by_sender, {"chat": chat_id, "user": sender_id, "marker": last, "at": now})
    return stored


def _newest_per_sender(stored: Sequence[Any]) -> dict[tuple[int, int], int]:
    """The id of the newest stored message of each (chat, sender)."""
    return {(row.chat_id, row.sender_id): row.id for row in stored}


class SqlMessageRepository:
    """Messages in ``messages``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_messages(self, messages: list[Message], *, read_by_senders: bool = False) -> list[Message]:
        # One multi-row INSERT … RETURNING (Core: no unit of work to flush), rows in list order; a
        # message alone on PostgreSQL moves its sender's read marker in the same statement. On
        # SQLite, the inserts and the read markers are one trip below SQLAlchemy (``sqlite_trips``).
        rows = [
            {
                "chat_id": message.chat_id,
                "sender_id": message.sender_id,
                "text": message.text,
                "reply_to_id": message.reply_to_id,
                "forwarded_from_id": message.forwarded_from_id,
                "client_id": message.client_id,
                "created_at": message.created_at or datetime.now(UTC),
            }
            for message in messages
        ]
        sqlite = sqlite_dialect(self._session)
        read_later = read_by_senders and sqlite is None and len(rows) > 1
        stored: Sequence[Any]
        try:
            if sqlite is not None:
                read = compiled(_ADVANCE["last_read_message_id"], sqlite) if read_by_senders else None
                work = functools.partial(_stored_on_sqlite, compiled(_INSERT_ONE, sqlite), read, rows)
                stored = await on_thread(self._session, work)
            elif read_by_senders and len(rows) == 1:
                values = {f"new_{column}": value for column, value in rows[0].items()}
                stored = (await self._session.execute(_INSERT_READ_BY_SENDER, values)).all()
            else:
                stored = (await self._session.execute(_INSERT_MESSAGES, rows)).all()
        except DBAPIError as error:
            translate_refusal(error, MESSAGE_CONSTRAINTS)
            raise
        if read_later:
            for (chat_id, sender_id), last in _newest_per_sender(stored).items():
                await _advance(self._session, "last_read_message_id", chat_id, sender_id, last)
        return [message_from_row(row, message.sender_name) for row, message in zip(stored, messages, strict=True)]

    async def messages_by_client_id(self, chat_id: int, keys: list[tuple[int, str]]) -> dict[tuple[int, str], Message]:
        if not keys:
            return {}
        wanted = set(keys)
        rows = await self._session.execute(
            messages_query().where(
                MessageModel.chat_id == chat_id,
                MessageModel.client_id.in_(sorted({client_id for _, client_id in wanted})),
            )
        )
        found = (message_from_row(row, name) for row, name in rows)
        return {key: m for m in found if (key := (m.sender_id, m.client_id or "")) in wanted}

    async def get_message(self, message_id: int) -> Message | None:
        found = (await self._session.execute(messages_query().where(MessageModel.id == message_id))).first()
        return message_from_row(found[0], found[1]) if found else None

    async def get_message_for_update(self, message_id: int) -> Message | None:
        found = (
            await self._session.execute(
                messages_query().where(MessageModel.id == message_id).with_for_update(of=MessageModel)
            )
        ).first()
        return message_from_row(found[0], found[1]) if found else None

    async def update_message(self, message: Message) -> None:
        await self._session.execute(
            update(MessageModel)
            .where(MessageModel.id == message.id)
            .values(
                text=message.text,
                edited_at=message.edited_at,
                deleted_at=message.deleted_at,
                pinned_at=message.pinned_at,
                pinned_by=message.pinned_by,
            )
        )

    async def history(self, chat_id: int, *, before: int | None, limit: int) -> list[Message]:
        query = messages_query().where(MessageModel.chat_id == chat_id)
        if before is not None:
            query = query.where(MessageModel.id < before)
        rows = await self._session.execute(query.order_by(MessageModel.id.desc()).limit(limit))
        return [message_from_row(row, name) for row, name in rows]

    async def pinned(self, chat_id: int) -> list[Message]:
        rows = await self._session.execute(
            messages_query()
            .where(MessageModel.chat_id == chat_id, MessageModel.pinned_at.is_not(None))
            .order_by(MessageModel.pinned_at.desc(), MessageModel.id.desc())
        )
        return [message_from_row(row, name) for row, name in rows]

    async def search(self, *, user_id: int, query: str, chat_id: int | None, page: PageRequest) -> Page[Message]:
        words = WORD.findall(query)
        if not words:
            return Page(items=[], total=0, request=page)
        mine = select(ChatMemberModel.chat_id).where(ChatMemberModel.user_id == user_id)
        where: list[ColumnElement[bool]] = [MessageModel.chat_id.in_(mine), MessageModel.deleted_at.is_(None)]
        if chat_id is not None:
            where.append(MessageModel.chat_id == chat_id)
        if dialect_of(self._session) == "postgresql":
            document = func.to_tsvector("simple", func.coalesce(MessageModel.text, ""))
            terms = " & ".join(f"{word.lower()}:*" for word in words)
            where.append(document.op("@@")(func.to_tsquery("simple", terms)))
        else:
            where.extend(contains_folded("sqlite", MessageModel.text, word) for word in words)
        rows, counted = await window(
            self._session, messages_query().where(*where).order_by(MessageModel.id.desc()), page
        )
        return Page.counted([message_from_row(row, name) for row, name in rows], counted, page)


class SqlReadStateRepository:
    """The markers on the seats in ``chat_members``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def advance_read(self, chat_id: int, user_id: int, message_id: int) -> bool:
        return await _advance(self._session, "last_read_message_id", chat_id, user_id, message_id)

    async def advance_delivered(self, chat_id: int, user_id: int, message_id: int) -> bool:
        return await _advance(self._session, "last_delivered_message_id", chat_id, user_id, message_id)

    async def unread_count(self, chat_id: int, user_id: int, after: int) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(MessageModel)
            .where(*unread_filter(literal(chat_id), user_id, literal(after)))
        )
        return int(count or 0)


async def _advance(session: AsyncSession, marker: str, chat_id: int, user_id: int, message_id: int) -> bool:
    """Move a member's marker forward to ``message_id``; False when it stood there or beyond."""
    values = {"chat": chat_id, "user": user_id, "marker": message_id, "at": datetime.now(UTC)}
    result: Any = await session.execute(_ADVANCE[marker], values)
    return bool(result.rowcount)


__all__ = ["SqlMessageRepository", "SqlReadStateRepository"]
