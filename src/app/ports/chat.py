"""Storage of chats, members and messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from app.core.chat.changes import ChatChange
from app.core.chat.model import Chat, ChatMember, ChatSummary, Message, RoomSummary
from app.core.shared.paging import Page, PageRequest
from app.ports.uow import Transaction
from app.ports.users import UserDirectory


class ChatRepository(Protocol):
    """Chats and memberships.

    ``add_chat`` raises ``PrivateChatExistsError`` when the pair already has a private chat and
    ``RoomNameTakenError`` when the room name is taken (both enforced by unique constraints).
    ``add_member`` raises ``AlreadyMemberError`` for an existing seat (a primary key).
    """

    async def add_chat(self, chat: Chat) -> Chat: ...

    async def get_chat(self, chat_id: int) -> Chat | None: ...

    async def get_private(self, pair_key: str) -> Chat | None: ...

    async def get_seat(self, chat_id: int, user_id: int) -> tuple[Chat | None, ChatMember | None]:
        """The chat and the user's seat in it, in one round trip (the hot path of every message)."""
        ...

    async def add_member(self, member: ChatMember) -> None: ...

    async def get_member(self, chat_id: int, user_id: int) -> ChatMember | None:
        """The seat, with the user's display name."""
        ...

    async def list_members(self, chat_id: int) -> list[ChatMember]: ...

    async def member_ids(self, chat_id: int) -> list[int]: ...

    async def remove_member(self, chat_id: int, user_id: int) -> None: ...

    async def set_admin(self, chat_id: int, user_id: int, is_admin: bool) -> None: ...


class ChatListing(Protocol):
    """The chats of a user and the listed rooms."""

    async def chat_ids_of(self, user_id: int) -> list[int]: ...

    async def summaries_of(self, user_id: int) -> list[ChatSummary]:
        """The user's chats, newest activity first, with unread counts and last messages."""
        ...

    async def list_rooms(self, *, user_id: int, search: str | None, page: PageRequest) -> Page[RoomSummary]: ...


class MessageRepository(Protocol):
    """Messages of the chats."""

    async def add_messages(self, messages: list[Message], *, read_by_senders: bool = False) -> list[Message]:
        """Store several messages at once; their ids follow the order of the list. With
        ``read_by_senders``, each sender has read their chat up to their last message of the list:
        their read marker moves there (never back), in as few round trips as the database allows.

        Raises an ``ItemRefusedError`` when the database refuses the write because of an item:
        ``DuplicateKeyError`` (a sender's ``client_id`` is taken in the chat), ``MissingReferenceError``
        (the sender is gone), ``UnstorableValueError`` (text the database cannot store).
        """
        ...

    async def messages_by_client_id(self, chat_id: int, keys: list[tuple[int, str]]) -> dict[tuple[int, str], Message]:
        """The chat's messages stored under these ``(sender_id, client_id)`` keys, by key."""
        ...

    async def get_message(self, message_id: int) -> Message | None: ...

    async def get_message_for_update(self, message_id: int) -> Message | None:
        """Load a message and lock it until the unit of work ends."""
        ...

    async def update_message(self, message: Message) -> None: ...

    async def history(self, chat_id: int, *, before: int | None, limit: int) -> list[Message]:
        """Up to ``limit`` messages with ids below ``before`` (all when None), newest first."""
        ...

    async def pinned(self, chat_id: int) -> list[Message]: ...

    async def search(self, *, user_id: int, query: str, chat_id: int | None, page: PageRequest) -> Page[Message]:
        """Live messages matching ``query`` in the chats ``user_id`` is a member of, newest first."""
        ...


class ReadStateRepository(Protocol):
    """Each member's read and delivery markers."""

    async def advance_read(self, chat_id: int, user_id: int, message_id: int) -> bool:
        """Move the read marker forward to ``message_id``; False when it already stood there or beyond."""
        ...

    async def advance_delivered(self, chat_id: int, user_id: int, message_id: int) -> bool:
        """Move the delivery marker forward; False when it already stood there or beyond."""
        ...

    async def unread_count(self, chat_id: int, user_id: int, after: int) -> int:
        """Messages of others after ``after`` that are not deleted."""
        ...


class ChatChangeLog(Protocol):
    """Each chat's log of message changes, numbered from 1 in commit order."""

    async def record(self, chat_id: int, changes: Sequence[ChatChange]) -> int:
        """Append ``changes`` (in order) and return the position of the last. Takes the chat's
        counter until the unit of work ends (a row lock), so one chat's changes commit in order."""
        ...

    async def lock_with_seat(self, chat_id: int, user_id: int) -> tuple[Chat | None, ChatMember | None]:
        """Take the chat's counter as ``record`` does, and read the chat and the user's seat in it
        (as ``ChatRepository.get_seat``), in one round trip; ``record`` then takes nothing more."""
        ...

    async def position(self, chat_id: int) -> int:
        """The position of the chat's last committed change (0 before any)."""
        ...

    async def since(
        self, chat_id: int, after: int, *, up_to: int | None, limit: int
    ) -> list[tuple[ChatChange, Message]]:
        """Up to ``limit`` changes after position ``after`` (and at most ``up_to``), oldest first,
        each with its message as it stands now."""
        ...


class ChatUnitOfWork(Transaction, Protocol):
    """What the chat use cases see in one transaction."""

    @property
    def chats(self) -> ChatRepository: ...

    @property
    def chat_lists(self) -> ChatListing: ...

    @property
    def messages(self) -> MessageRepository: ...

    @property
    def read_state(self) -> ReadStateRepository: ...

    @property
    def people(self) -> UserDirectory: ...

    @property
    def chat_changes(self) -> ChatChangeLog: ...


ChatUnitOfWorkFactory = Callable[[], ChatUnitOfWork]
