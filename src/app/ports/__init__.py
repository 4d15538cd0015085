"""Interfaces the core needs from the outside world; adapters implement them."""

import app.core.accounts  # noqa: F401  (load the core first: its services import these ports back)
from app.ports.accounts import RefreshTokenRepository, UserRepository
from app.ports.cache import UserCache
from app.ports.chat import ChatRepository
from app.ports.clock import Clock
from app.ports.event_directory import EventDirectoryRepository
from app.ports.expeditions import ExpeditionRepository
from app.ports.mailer import Mail, Mailer
from app.ports.notifier import Notifier
from app.ports.presence import PresenceTracker
from app.ports.rate_limit import RateLimiter
from app.ports.security import PasswordHasher, TokenSigner
from app.ports.uow import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "Clock",
    "ExpeditionRepository",
    "Mail",
    "Mailer",
    "Notifier",
    "PasswordHasher",
    "RateLimiter",
    "RefreshTokenRepository",
    "TokenSigner",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserCache",
    "UserRepository",
]
__all__ += ["ChatRepository", "PresenceTracker"]
__all__ += ["EventDirectoryRepository"]
