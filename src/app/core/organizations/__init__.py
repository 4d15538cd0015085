"""The organizations context: organizations and the users who belong to them.

The use cases live in ``app.core.organizations.service`` (imported from there, not re-exported, since
the ports import this package's model).
"""

from app.core.organizations.model import MemberCard, NewOrganization, Organization, OrganizationCard, full_address

__all__ = ["MemberCard", "NewOrganization", "Organization", "OrganizationCard", "full_address"]
