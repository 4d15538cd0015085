"""What the SQL chat repositories share: rows to the model, constraint names, the seat and message queries.

The repositories' storage:

History pages and unread counts are range scans of the ``(chat_id, id)`` index, so their cost does
not grow with a chat's history. Search uses PostgreSQL full-text search (a GIN index on
``to_tsvector('simple', text)``) and a LIKE scan on SQLite; it only ever looks at the caller's chats.
"""

from __future__ import annotations

import re
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, Select, Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.models.accounts import UserModel
from app.adapters.db.models.chat import ChatMemberModel, ChatModel, MessageModel
from app.adapters.db.sqlite_trips import rows_of, sqlite_dialect
from app.core.chat.errors import PrivateChatExistsError, RoomNameTakenError
from app.core.chat.model import Chat, ChatKind, ChatMember, Message
from app.core.shared.errors import DuplicateKeyError

MESSAGE_CONSTRAINTS = {
    "uq_messages_client_id": DuplicateKeyError,
    "messages.chat_id, messages.sender_id, messages.client_id": DuplicateKeyError,
}
CHAT_CONSTRAINTS = {
    "uq_chats_private_pair": PrivateChatExistsError,
    "chats.pair_key": PrivateChatExistsError,
    "uq_chats_room_name": RoomNameTakenError,
    "chats.room_key": RoomNameTakenError,
}
WORD = re.compile(r"\w+", re.UNICODE)
ColumnsRow = Row[*tuple[Any, ...]]  # a row of selected columns, read by attribute name
# The chat tables as Core tables, for the statements the repositories build once.
CHATS = cast(Table, ChatModel.__table__)
MEMBERS = cast(Table, ChatMemberModel.__table__)
MESSAGES = cast(Table, MessageModel.__table__)
USERS = cast(Table, UserModel.__table__)
# Of Core columns, so that a statement of Core tables selecting it stays Core (the seat: no ORM
# execution or loading for a row of columns); ORM statements take it as well.
DISPLAY_NAME = func.coalesce(USERS.c.username, USERS.c.name)


# A chat and a user's seat in it: checked by every message posted, so built once, and read as
# columns (no ORM objects to build for a row that is only looked at).
SEAT = (
    select(
        CHATS.c.id,
        CHATS.c.kind,
        CHATS.c.title,
        CHATS.c.created_by,
        CHATS.c.created_at,
        CHATS.c.pair_key,
        CHATS.c.room_key,
        CHATS.c.password_hash,
        MEMBERS.c.chat_id,
        MEMBERS.c.user_id,
        MEMBERS.c.is_admin,
        MEMBERS.c.joined_at,
        MEMBERS.c.last_read_message_id,
        MEMBERS.c.last_delivered_message_id,
        DISPLAY_NAME.label("display_name"),
    )
    .outerjoin(MEMBERS, (MEMBERS.c.chat_id == CHATS.c.id) & (MEMBERS.c.user_id == bindparam("user")))
    .outerjoin(USERS, USERS.c.id == MEMBERS.c.user_id)
    .where(CHATS.c.id == bindparam("chat"))
)


async def seat(
    session: AsyncSession, statement: Select[*tuple[Any, ...]], chat_id: int, user_id: int
) -> tuple[Chat | None, ChatMember | None]:
    """The chat and the user's seat in it, read by ``statement`` (``SEAT``, or it with a lock)."""
    values = {"chat": chat_id, "user": user_id}
    found: Any
    if sqlite := sqlite_dialect(session):  # each message posted reads it: below SQLAlchemy there
        found = next(iter(await rows_of(session, sqlite, statement, values)), None)
    else:
        found = (await session.execute(statement, values)).first()
    if found is None:
        return None, None
    chat = chat_from_row(found)
    return chat, member_from_row(found, found.display_name) if found.user_id is not None else None


def chat_from_row(row: ChatModel | ColumnsRow) -> Chat:
    return Chat(
        id=row.id,
        kind=ChatKind(row.kind),
        title=row.title,
        created_by=row.created_by or 0,
        created_at=row.created_at,
        pair_key=row.pair_key,
        room_key=row.room_key,
        password_hash=row.password_hash,
    )


def member_from_row(row: ChatMemberModel | ColumnsRow, display_name: str | None) -> ChatMember:
    return ChatMember(
        chat_id=row.chat_id,
        user_id=row.user_id,
        is_admin=row.is_admin,
        joined_at=row.joined_at,
        last_read_message_id=row.last_read_message_id,
        last_delivered_message_id=row.last_delivered_message_id,
        display_name=display_name or "",
    )


def message_from_row(row: MessageModel | ColumnsRow, sender_name: str | None) -> Message:
    """A message from its ORM row or from a row of the ``messages`` columns."""
    return Message(
        id=row.id,
        chat_id=row.chat_id,
        sender_id=row.sender_id,
        text=row.text,
        created_at=row.created_at,
        reply_to_id=row.reply_to_id,
        forwarded_from_id=row.forwarded_from_id,
        edited_at=row.edited_at,
        deleted_at=row.deleted_at,
        pinned_at=row.pinned_at,
        pinned_by=row.pinned_by,
        sender_name=sender_name or "",
        client_id=row.client_id,
    )


def messages_query() -> Select[MessageModel, str]:
    return select(MessageModel, DISPLAY_NAME).join(UserModel, UserModel.id == MessageModel.sender_id)


async def messages_by_id(session: AsyncSession, message_ids: list[int]) -> list[Message]:
    if not message_ids:
        return []
    rows = await session.execute(messages_query().where(MessageModel.id.in_(message_ids)))
    return [message_from_row(row, name) for row, name in rows]


def unread_filter(chat_id: Any, user_id: int, after: Any) -> list[ColumnElement[bool]]:
    """Messages of others after ``after`` that are not deleted."""
    return [
        MessageModel.chat_id == chat_id,
        MessageModel.id > after,
        MessageModel.sender_id != user_id,
        MessageModel.deleted_at.is_(None),
    ]


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
