"""Errors of the chat context, each with its API code."""

from __future__ import annotations

from app.core.shared.errors import InvalidInputError, NotAllowedError, NotFoundError, RuleViolationError


class ChatNotFoundError(NotFoundError):
    code = "chat_not_found"
    default_detail = "No such chat, or you are not a member of it."


class MessageNotFoundError(NotFoundError):
    code = "message_not_found"
    default_detail = "No such message, or it is in a chat you are not a member of."


class ChatUserNotFoundError(NotFoundError):
    code = "user_not_found"
    default_detail = "No such user."


class NotAMemberError(NotAllowedError):
    code = "not_a_member"
    default_detail = "Join this room first."


class NotChatAdminError(NotAllowedError):
    code = "not_chat_admin"
    default_detail = "Only an admin of this chat may do this."


class NotMessageAuthorError(NotAllowedError):
    code = "not_message_author"
    default_detail = "Only the author may edit a message."


class CannotDeleteMessageError(NotAllowedError):
    code = "cannot_delete_message"
    default_detail = "Only the author or an admin of the chat may delete a message."


class WrongPasswordError(NotAllowedError):
    code = "wrong_password"
    default_detail = "The room password is wrong."


class MessageDeletedError(RuleViolationError):
    code = "message_deleted"
    default_detail = "The message was deleted."


class NotAGroupError(RuleViolationError):
    code = "not_a_group"
    default_detail = "Members are managed this way only in group chats."


class NotARoomError(RuleViolationError):
    code = "not_a_room"
    default_detail = "Only rooms can be joined."


class CannotLeavePrivateChatError(RuleViolationError):
    code = "cannot_leave_private_chat"
    default_detail = "A private chat always has its two users."


class AlreadyMemberError(RuleViolationError):
    code = "already_member"
    default_detail = "The user is already a member of this chat."


class RoomNameTakenError(RuleViolationError):
    code = "room_name_taken"
    default_detail = "A room with this name already exists."


class PrivateChatExistsError(RuleViolationError):
    """Raised by storage when the pair already has a private chat; the service returns that chat."""

    code = "private_chat_exists"
    default_detail = "These two users already have a private chat."


class ChatWithSelfError(InvalidInputError):
    code = "chat_with_self"
    default_detail = "A private chat needs another user."


class EmptyMessageError(InvalidInputError):
    code = "empty_message"
    default_detail = "A message needs some text."


class MessageTooLongError(InvalidInputError):
    code = "message_too_long"
    default_detail = "The message is too long."


class InvalidReplyError(InvalidInputError):
    code = "invalid_reply"
    default_detail = "A reply must answer a message of the same chat."


class InvalidReadMarkerError(InvalidInputError):
    code = "invalid_read_marker"
    default_detail = "last_read_message_id must be a message of this chat."


class InvalidChatError(InvalidInputError):
    code = "invalid_chat"
    default_detail = "The chat description is incomplete."
