"""SQL storage of chats and their members, and the chat and room lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.engine import dialect_of
from app.adapters.db.errors import translate_integrity_error
from app.adapters.db.models.accounts import UserModel
from app.adapters.db.models.chat import ChatMemberModel, ChatModel, MessageModel
from app.adapters.db.paging import window
from app.adapters.db.repositories.chat_rows import (
    CHAT_CONSTRAINTS,
    DISPLAY_NAME,
    SEAT,
    chat_from_row,
    escape_like,
    member_from_row,
    messages_by_id,
    seat,
    unread_filter,
)
from app.core.chat.errors import AlreadyMemberError
from app.core.chat.model import Chat, ChatKind, ChatMember, ChatSummary, RoomSummary
from app.core.shared.paging import Page, PageRequest


class SqlChatRepository:
    """Chats in ``chats``, seats in ``chat_members``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
            translate_integrity_error(error, CHAT_CONSTRAINTS)
            raise
        return chat_from_row(row)

    async def get_chat(self, chat_id: int) -> Chat | None:
        row = await self._session.get(ChatModel, chat_id)
        return chat_from_row(row) if row else None

    async def get_private(self, pair_key: str) -> Chat | None:
        row = await self._session.scalar(select(ChatModel).where(ChatModel.pair_key == pair_key))
        return chat_from_row(row) if row else None

    async def get_seat(self, chat_id: int, user_id: int) -> tuple[Chat | None, ChatMember | None]:
        return await seat(self._session, SEAT, chat_id, user_id)

    # -- members --------------------------------------------------------------------------------

    async def add_member(self, member: ChatMember) -> None:
        insert = pg_insert if dialect_of(self._session) == "postgresql" else sqlite_insert
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
                select(ChatMemberModel, DISPLAY_NAME)
                .join(UserModel, UserModel.id == ChatMemberModel.user_id)
                .where(ChatMemberModel.chat_id == chat_id, ChatMemberModel.user_id == user_id)
            )
        ).first()
        return member_from_row(found[0], found[1]) if found else None

    async def list_members(self, chat_id: int) -> list[ChatMember]:
        rows = await self._session.execute(
            select(ChatMemberModel, DISPLAY_NAME)
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


class SqlChatListing:
    """A user's chats with their unread counts, and the listed rooms."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
            .where(*unread_filter(ChatModel.id, user_id, ChatMemberModel.last_read_message_id))
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
        last = {m.id: m for m in await messages_by_id(self._session, last_ids)}
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
            where.append(ChatModel.room_key.like(f"%{escape_like(search.strip().casefold())}%", escape="\\"))
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


__all__ = ["SqlChatListing", "SqlChatRepository"]
