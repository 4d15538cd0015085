"""SQL storage of chats, members and messages.

History pages and unread counts are range scans of the ``(chat_id, id)`` index, so their cost does
not grow with a chat's history. Search uses PostgreSQL full-text search (a GIN index on
``to_tsvector('simple', text)``) and a LIKE scan on SQLite; it only ever looks at the caller's chats.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.errors import translate_integrity_error, translate_refusal
from app.adapters.db.models.accounts import UserModel
from app.adapters.db.models.chat import ChatMemberModel, ChatModel, MessageModel
from app.adapters.db.paging import window
from app.core.chat.errors import AlreadyMemberError, PrivateChatExistsError, RoomNameTakenError
from app.core.chat.model import Chat, ChatKind, ChatMember, ChatSummary, Message, RoomSummary
from app.core.shared.errors import DuplicateKeyError
from app.core.shared.paging import Page, PageRequest

_MESSAGE_CONSTRAINTS = {
    "uq_messages_client_id": DuplicateKeyError,
    "messages.chat_id, messages.sender_id, messages.client_id": DuplicateKeyError,
}
_CHAT_CONSTRAINTS = {
    "uq_chats_private_pair": PrivateChatExistsError,
    "chats.pair_key": PrivateChatExistsError,
    "uq_chats_room_name": RoomNameTakenError,
    "chats.room_key": RoomNameTakenError,
}
_WORD = re.compile(r"\w+", re.UNICODE)
_DISPLAY_NAME = func.coalesce(UserModel.username, UserModel.name)


def chat_from_row(row: ChatModel) -> Chat:
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


def member_from_row(row: ChatMemberModel, display_name: str | None) -> ChatMember:
    return ChatMember(
        chat_id=row.chat_id,
        user_id=row.user_id,
        is_admin=row.is_admin,
        joined_at=row.joined_at,
        last_read_message_id=row.last_read_message_id,
        last_delivered_message_id=row.last_delivered_message_id,
        display_name=display_name or "",
    )


def message_from_row(row: MessageModel, sender_name: str | None) -> Message:
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
    return select(MessageModel, _DISPLAY_NAME).join(UserModel, UserModel.id == MessageModel.sender_id)


class SqlChatRepository:
    """Chats in ``chats``, seats in ``chat_members``, messages in ``messages``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    # -- chats ----------------------------------------------------------------------------------

    async def add_chat(self, chat: Chat) -> Chat:
        row = ChatModel(
            kind=chat.kind.value,
            title=chat.title,
            created_by=chat.created_by,
            pair_key=chat.pair_key,
            room_key=chat.room_key,
            password_hash=chat.password_hash,
        )
        if chat.created_at is not None:
            row.created_at = chat.created_at
        self._session.add(row)
        try:
            await self._session.flush()
        except IntegrityError as error:
            translate_integrity_error(error, _CHAT_CONSTRAINTS)
            raise
        return chat_from_row(row)

    async def get_chat(self, chat_id: int) -> Chat | None:
        row = await self._session.get(ChatModel, chat_id)
        return chat_from_row(row) if row else None

    async def get_private(self, pair_key: str) -> Chat | None:
        row = await self._session.scalar(select(ChatModel).where(ChatModel.pair_key == pair_key))
        return chat_from_row(row) if row else None

    async def get_seat(self, chat_id: int, user_id: int) -> tuple[Chat | None, ChatMember | None]:
        found = (
            await self._session.execute(
                select(ChatModel, ChatMemberModel, _DISPLAY_NAME)
                .outerjoin(
                    ChatMemberModel,
                    (ChatMemberModel.chat_id == ChatModel.id) & (ChatMemberModel.user_id == user_id),
                )
                .outerjoin(UserModel, UserModel.id == ChatMemberModel.user_id)
                .where(ChatModel.id == chat_id)
            )
        ).first()
        if found is None:
            return None, None
        chat, seat, name = found
        return chat_from_row(chat), member_from_row(seat, name) if seat is not None else None

    # -- members --------------------------------------------------------------------------------

    async def add_member(self, member: ChatMember) -> None:
        insert = pg_insert if self._dialect == "postgresql" else sqlite_insert
        now = member.joined_at or func.now()
        statement = (
            insert(ChatMemberModel)
            .values(
                chat_id=member.chat_id,
                user_id=member.user_id,
                is_admin=member.is_admin,
                joined_at=now,
                last_read_message_id=member.last_read_message_id,
                last_delivered_message_id=member.last_delivered_message_id,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["chat_id", "user_id"])
        )
        result: Any = await self._session.execute(statement)
        if result.rowcount == 0:
            raise AlreadyMemberError()

    async def get_member(self, chat_id: int, user_id: int) -> ChatMember | None:
        found = (
            await self._session.execute(
                select(ChatMemberModel, _DISPLAY_NAME)
                .join(UserModel, UserModel.id == ChatMemberModel.user_id)
                .where(ChatMemberModel.chat_id == chat_id, ChatMemberModel.user_id == user_id)
            )
        ).first()
        return member_from_row(found[0], found[1]) if found else None

    async def list_members(self, chat_id: int) -> list[ChatMember]:
        rows = await self._session.execute(
            select(ChatMemberModel, _DISPLAY_NAME)
            .join(UserModel, UserModel.id == ChatMemberModel.user_id)
            .where(ChatMemberModel.chat_id == chat_id)
            .order_by(ChatMemberModel.joined_at, ChatMemberModel.user_id)
        )
        return [member_from_row(row, name) for row, name in rows]

    async def member_ids(self, chat_id: int) -> list[int]:
        ids = await self._session.scalars(select(ChatMemberModel.user_id).where(ChatMemberModel.chat_id == chat_id))
        return list(ids)

    async def remove_member(self, chat_id: int, user_id: int) -> None:
        row = await self._session.scalar(
            select(ChatMemberModel).where(ChatMemberModel.chat_id == chat_id, ChatMemberModel.user_id == user_id)
        )
        if row is not None:
            await self._session.delete(row)
            await self._session.flush()

    async def set_admin(self, chat_id: int, user_id: int, is_admin: bool) -> None:
        await self._session.execute(
            update(ChatMemberModel)
            .where(ChatMemberModel.chat_id == chat_id, ChatMemberModel.user_id == user_id)
            .values(is_admin=is_admin)
        )

    async def chat_ids_of(self, user_id: int) -> list[int]:
        ids = await self._session.scalars(select(ChatMemberModel.chat_id).where(ChatMemberModel.user_id == user_id))
        return list(ids)

    async def summaries_of(self, user_id: int) -> list[ChatSummary]:
        last_id = (
            select(func.max(MessageModel.id)).where(MessageModel.chat_id == ChatModel.id).scalar_subquery()
        ).label("last_id")
        unread = (
            select(func.count())
            .select_from(MessageModel)
            .where(*self._unread_filter(ChatModel.id, user_id, ChatMemberModel.last_read_message_id))
            .scalar_subquery()
        ).label("unread")
        rows = (
            await self._session.execute(
                select(ChatModel, ChatMemberModel.last_read_message_id, last_id, unread)
                .join(ChatMemberModel, ChatMemberModel.chat_id == ChatModel.id)
                .where(ChatMemberModel.user_id == user_id)
            )
        ).all()
        last_ids = [row.last_id for row in rows if row.last_id is not None]
        last = {m.id: m for m in await self._messages_by_id(last_ids)}
        summaries = [
            ChatSummary(
                chat=chat_from_row(row[0]),
                unread_count=int(row.unread),
                last_message=last.get(row.last_id) if row.last_id else None,
                last_read_message_id=int(row.last_read_message_id),
            )
            for row in rows
        ]
        summaries.sort(key=lambda s: (s.last_message.id if s.last_message else 0, s.chat.id), reverse=True)
        return summaries

    async def list_rooms(self, *, user_id: int, search: str | None, page: PageRequest) -> Page[RoomSummary]:
        where: list[ColumnElement[bool]] = [ChatModel.kind == ChatKind.ROOM.value]
        if search:
            where.append(ChatModel.room_key.like(f"%{_escape_like(search.strip().casefold())}%", escape="\\"))
        member_count = (
            select(func.count()).where(ChatMemberModel.chat_id == ChatModel.id).scalar_subquery().label("members")
        )
        is_member = (
            select(func.count())
            .where(ChatMemberModel.chat_id == ChatModel.id, ChatMemberModel.user_id == user_id)
            .scalar_subquery()
            .label("mine")
        )
        statement = select(ChatModel, member_count, is_member).where(*where).order_by(ChatModel.room_key)
        rows, counted = await window(self._session, statement, page)
        items = [
            RoomSummary(chat=chat_from_row(row), member_count=int(members), is_member=bool(mine))
            for row, members, mine in rows
        ]
        return Page.counted(items, counted, page)

    # -- messages -------------------------------------------------------------------------------

    async def add_message(self, message: Message) -> Message:
        return (await self.add_messages([message]))[0]

    async def add_messages(self, messages: list[Message]) -> list[Message]:
        rows = [
            MessageModel(
                chat_id=message.chat_id,
                sender_id=message.sender_id,
                text=message.text,
                reply_to_id=message.reply_to_id,
                forwarded_from_id=message.forwarded_from_id,
                client_id=message.client_id,
            )
            for message in messages
        ]
        for row, message in zip(rows, messages, strict=True):
            if message.created_at is not None:
                row.created_at = message.created_at
        self._session.add_all(rows)  # one flush: one multi-row INSERT … RETURNING, ids in list order
        try:
            await self._session.flush()
        except DBAPIError as error:
            translate_refusal(error, _MESSAGE_CONSTRAINTS)
            raise
        return [message_from_row(row, message.sender_name) for row, message in zip(rows, messages, strict=True)]

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

    async def advance_read(self, chat_id: int, user_id: int, message_id: int) -> bool:
        return await self._advance(ChatMemberModel.last_read_message_id, chat_id, user_id, message_id)

    async def advance_delivered(self, chat_id: int, user_id: int, message_id: int) -> bool:
        return await self._advance(ChatMemberModel.last_delivered_message_id, chat_id, user_id, message_id)

    async def unread_count(self, chat_id: int, user_id: int, after: int) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(MessageModel)
            .where(*self._unread_filter(literal(chat_id), user_id, literal(after)))
        )
        return int(count or 0)

    async def search(self, *, user_id: int, query: str, chat_id: int | None, page: PageRequest) -> Page[Message]:
        words = _WORD.findall(query)
        if not words:
            return Page(items=[], total=0, request=page)
        mine = select(ChatMemberModel.chat_id).where(ChatMemberModel.user_id == user_id)
        where: list[ColumnElement[bool]] = [MessageModel.chat_id.in_(mine), MessageModel.deleted_at.is_(None)]
        if chat_id is not None:
            where.append(MessageModel.chat_id == chat_id)
        if self._dialect == "postgresql":
            document = func.to_tsvector("simple", func.coalesce(MessageModel.text, ""))
            terms = " & ".join(f"{word.lower()}:*" for word in words)
            where.append(document.op("@@")(func.to_tsquery("simple", terms)))
        else:
            where.extend(
                func.lower(MessageModel.text).like(f"%{_escape_like(word.lower())}%", escape="\\") for word in words
            )
        rows, counted = await window(
            self._session, messages_query().where(*where).order_by(MessageModel.id.desc()), page
        )
        return Page.counted([message_from_row(row, name) for row, name in rows], counted, page)

    # -- helpers --------------------------------------------------------------------------------

    async def _messages_by_id(self, message_ids: list[int]) -> list[Message]:
        if not message_ids:
            return []
        rows = await self._session.execute(messages_query().where(MessageModel.id.in_(message_ids)))
        return [message_from_row(row, name) for row, name in rows]

    async def _advance(self, column: Any, chat_id: int, user_id: int, message_id: int) -> bool:
        result: Any = await self._session.execute(
            update(ChatMemberModel)
            .where(ChatMemberModel.chat_id == chat_id, ChatMemberModel.user_id == user_id, column < message_id)
            .values({column.key: message_id})
        )
        return bool(result.rowcount)

    @staticmethod
    def _unread_filter(chat_id: Any, user_id: int, after: Any) -> list[ColumnElement[bool]]:
        return [
            MessageModel.chat_id == chat_id,
            MessageModel.id > after,
            MessageModel.sender_id != user_id,
            MessageModel.deleted_at.is_(None),
        ]


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


__all__ = ["SqlChatRepository"]
