"""Every ORM model, imported so the metadata knows every table."""

from app.adapters.db.models.accounts import RefreshTokenModel, UserModel
from app.adapters.db.models.chat import ChatMemberModel, ChatModel, MessageModel

__all__ = ["RefreshTokenModel", "UserModel"]
__all__ += ["ChatMemberModel", "ChatModel", "MessageModel"]
