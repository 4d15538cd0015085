"""The budgets of every rate-limited action, from the settings."""

from __future__ import annotations

from app.core.limits import Action, Budget, Limit, RequestLimits
from app.ports.rate_limit import RateLimiter
from app.settings import Settings


def request_limits(settings: Settings, limiter: RateLimiter) -> RequestLimits:
    """The budgets of every limited action, from the settings."""
    factor = settings.address_rate_factor

    def per_account_and_address(limit: Limit) -> Budget:
        return Budget(account=limit, address=Limit(limit.count * factor, limit.window_s))

    login = Limit(settings.login_rate_limit, settings.login_rate_window_s)
    return RequestLimits(
        limiter,
        {
            Action.LOGIN_FAILURE: Budget(account=login, address=login),
            Action.REGISTER: Budget(address=Limit(settings.register_rate_limit, settings.register_rate_window_s)),
            # The chat socket's frame budget, here per account and shared by every process.
            Action.POST_MESSAGE: per_account_and_address(
                Limit.of_rate(settings.chat_frame_rate, settings.chat_frame_burst)
            ),
            Action.CREATE_CHAT: per_account_and_address(
                Limit(settings.chat_create_rate_limit, settings.chat_create_rate_window_s)
            ),
        },
    )
