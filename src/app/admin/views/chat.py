"""Chats (filter by kind) and messages (search, filter by chat; delete as a tombstone through
``ChatService``, which sends ``message_deleted`` to the chat's open sockets)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import FormData

from app.adapters.db.models.chat import ChatModel, MessageModel
from app.admin.filters import IdFilter, values_filter
from app.admin.services import PanelServices
from app.admin.views.base import PanelAction, PanelView, Section
from app.core.chat.model import ChatKind
from app.core.shared.principal import Principal


class ChatView(PanelView, model=ChatModel):
    panel_identity = "chats"
    name, name_plural, icon = "Chat", "Chats", "fa-solid fa-comments"
    column_list = [ChatModel.id, ChatModel.kind, ChatModel.title, ChatModel.created_by, ChatModel.created_at]
    column_details_list = column_list
    column_searchable_list = [ChatModel.title]
    column_sortable_list = [ChatModel.id, ChatModel.created_at]
    column_default_sort = [(ChatModel.id, True)]
    column_filters = [values_filter(ChatModel.kind, ChatKind, title="Kind")]

    async def sections(self, actor: Principal, pk: int) -> Sequence[Section]:
        return [Section("Messages", [], [], link=("List this chat's messages", "messages", f"chat={pk}"))]


async def _delete(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    await services.chat.delete_message(actor=actor, message_id=pk)
    return f"Message {pk} is deleted; a tombstone stays."


class MessageView(PanelView, model=MessageModel):
    panel_identity = "messages"
    name, name_plural, icon = "Message", "Messages", "fa-solid fa-message"
    column_list = [
        MessageModel.id,
        MessageModel.chat_id,
        MessageModel.sender_id,
        MessageModel.text,
        MessageModel.created_at,
        MessageModel.deleted_at,
    ]
    column_details_list = [*column_list, MessageModel.edited_at, MessageModel.reply_to_id, MessageModel.pinned_at]
    column_labels = {MessageModel.chat_id: "Chat", MessageModel.sender_id: "Sender"}
    column_searchable_list = [MessageModel.text]
    column_sortable_list = [MessageModel.id, MessageModel.created_at]
    column_default_sort = [(MessageModel.id, True)]
    column_filters = [
        IdFilter(MessageModel.chat_id, title="Chat id", parameter_name="chat"),
        IdFilter(MessageModel.sender_id, title="Sender id", parameter_name="sender"),
    ]
    actions = (
        PanelAction("delete", "Delete message", _delete, "btn-danger", shown=lambda row: row.deleted_at is None),
    )
