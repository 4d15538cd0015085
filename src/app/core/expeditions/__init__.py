"""The expeditions context: expeditions, their members and the state machine that starts them.

The use cases live in ``app.core.expeditions.service`` (not re-exported here: the service imports
the ports, which import this package's model).
"""

from app.core.expeditions.model import (
    TRANSITIONS,
    Expedition,
    ExpeditionStatus,
    Membership,
    MembershipStatus,
    Person,
)

__all__ = ["TRANSITIONS", "Expedition", "ExpeditionStatus", "Membership", "MembershipStatus", "Person"]
