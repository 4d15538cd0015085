"""Per-address and per-account request budgets."""

from app.core.limits.model import Action, Budget, Limit
from app.core.limits.service import RequestLimits

__all__ = ["Action", "Budget", "Limit", "RequestLimits"]
