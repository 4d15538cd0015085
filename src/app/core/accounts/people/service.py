"""Finding people to talk to: by exact e-mail address or by the start of a username."""

from __future__ import annotations

from app.core.accounts.model import User
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Principal
from app.ports.accounts import AccountsUnitOfWorkFactory

MAX_QUERY_LENGTH = 254


class PeopleService:
    """The people directory of signed-in users. One public method, one transaction."""

    def __init__(self, *, uow: AccountsUnitOfWorkFactory) -> None:
        self._uow = uow

    async def find_people(self, *, actor: Principal, search: str, page: PageRequest) -> Page[User]:
        """Active users other than the caller whose e-mail is ``search`` (case-insensitively) or
        whose username starts with it, usernames first in order, then by id. A blank search finds
        nobody: the directory cannot be listed whole."""
        query = search.strip().lower()[:MAX_QUERY_LENGTH]
        if not query:
            return Page(items=[], total=0, request=page)
        async with self._uow() as uow:
            return await uow.users.find_people(query=query, exclude_id=actor.user_id, page=page)
