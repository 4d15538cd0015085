"""The chat context's services in one place, for the routes and sockets that use several of them.

Each use case lives in the service of its seam (conversations, messages, read state, presence);
they share nothing but the ports. ``ChatService`` builds the four over the same ports and hands
out their methods.
"""

from __future__ import annotations

from app.core.chat.services.conversations import ConversationService
from app.core.chat.services.messages import MessageService
from app.core.chat.services.presence import PresenceService, SocketWelcome
from app.core.chat.services.read_state import ReadStateService
from app.ports.chat import ChatUnitOfWorkFactory
from app.ports.clock import Clock
from app.ports.notifier import Notifier
from app.ports.presence import PresenceTracker
from app.ports.security import PasswordHasher

__all__ = ["ChatService", "SocketWelcome"]


class ChatService:
    """Chat use cases: chats, membership, messages, receipts, search and presence."""

    def __init__(
        self,
        *,
        uow: ChatUnitOfWorkFactory,
        notifier: Notifier,
        clock: Clock,
        hasher: PasswordHasher,
        presence: PresenceTracker,
        presence_interval_s: float = 0.0,
    ) -> None:
        self.conversations = conversations = ConversationService(uow=uow, notifier=notifier, clock=clock, hasher=hasher)
        self.messages = messages = MessageService(uow=uow, notifier=notifier, clock=clock)
        self.read_state = read_state = ReadStateService(uow=uow, notifier=notifier)
        self.presence = presence_ = PresenceService(
            uow=uow, notifier=notifier, presence=presence, interval_s=presence_interval_s
        )

        self.open_private = conversations.open_private
        self.create_group = conversations.create_group
        self.create_room = conversations.create_room
        self.list_chats = conversations.list_chats
        self.chat_ids = conversations.chat_ids
        self.get_chat = conversations.get_chat
        self.add_member = conversations.add_member
        self.remove_member = conversations.remove_member
        self.list_rooms = conversations.list_rooms
        self.join_room = conversations.join_room
        self.check_member = conversations.check_member

        self.history = messages.history
        self.post_message = messages.post_message
        self.edit_message = messages.edit_message
        self.delete_message = messages.delete_message
        self.forward_message = messages.forward_message
        self.pin_message = messages.pin_message
        self.pins = messages.pins
        self.search = messages.search
        self.missed = messages.missed

        self.mark_read = read_state.mark_read
        self.mark_delivered = read_state.mark_delivered

        self.open_socket = presence_.open_socket
        self.close_socket = presence_.close_socket
        self.keep_presence = presence_.keep_presence
        self.set_typing = presence_.set_typing
