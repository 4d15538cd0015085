"""Accounts use cases through fakes of every port."""

from __future__ import annotations

import pytest

from app.core.accounts.errors import (
    ActivationInvalidError,
    AdminOnlyError,
    EmailTakenError,
    InactiveAccountError,
    InvalidCredentialsError,
    InvalidEmailError,
    InvalidPhoneError,
    InvalidRoleError,
    TokenExpiredError,
    TokenInvalidError,
    TokenReusedError,
    TokenRevokedError,
    TokenWrongKindError,
    UserNotFoundError,
    WeakPasswordError,
)
from app.core.limits import Action, Budget, Limit
from app.core.shared.errors import RateLimitedError
from app.core.shared.paging import PageRequest
from app.core.shared.principal import Principal, Role
from tests.builders import a_user_admin_service, a_world, an_accounts_service, request_limits

PASSWORD = "s3cret-pass"


async def test_register_stores_an_active_member_when_activation_is_off() -> None:
    world = a_world()
    accounts = an_accounts_service(world)

    user = await accounts.register(email="Ann@Example.COM", password=PASSWORD, name=" Ann ", phone="+48 123-456-789")

    assert user.id == 1
    assert user.email == "Ann@example.com"
    assert user.name == "Ann"
    assert user.phone == "+48123456789"
    assert user.roles == {Role.MEMBER}
    assert user.is_active
    assert world.mailer.sent == []
    assert world.uow.commits == 1


async def test_register_refuses_a_duplicate_email_when_case_differs() -> None:
    accounts = an_accounts_service(a_world())
    await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")

    with pytest.raises(EmailTakenError):
        await accounts.register(email="ANN@example.com", password=PASSWORD, name="Other")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"email": "not-an-address"}, InvalidEmailError),
        ({"phone": "12345"}, InvalidPhoneError),
        ({"phone": "+0123456789"}, InvalidPhoneError),
        ({"password": "short"}, WeakPasswordError),
        ({"password": "        "}, WeakPasswordError),
        ({"role": Role.ADMIN}, InvalidRoleError),
        ({"role": Role.ORGANIZER}, InvalidRoleError),
    ],
)
async def test_register_refuses_bad_input_when_a_field_is_invalid(
    changes: dict[str, object], error: type[Exception]
) -> None:
    world = a_world()
    accounts = an_accounts_service(world)
    fields: dict[str, object] = {"email": "ann@example.com", "password": PASSWORD, "name": "Ann", **changes}

    with pytest.raises(error):
        await accounts.register(**fields)  # type: ignore[arg-type]
    assert world.uow.store.users == {}


async def test_register_sends_an_activation_link_that_activates_when_activation_is_required() -> None:
    world = a_world()
    accounts = an_accounts_service(world, require_activation=True, activation_url="http://x/activate/{token}/")
    user = await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")
    assert not user.is_active
    with pytest.raises(InactiveAccountError):
        await accounts.obtain_tokens(email="ann@example.com", password=PASSWORD, client="c")

    [mail] = world.mailer.sent
    assert mail.to == "ann@example.com"
    token = mail.body.split("http://x/activate/")[1].split("/")[0]
    activated = await accounts.activate(token=token)

    assert activated.is_active
    assert await accounts.obtain_tokens(email="ann@example.com", password=PASSWORD, client="c")
    assert (await accounts.activate(token=token)).is_active  # opening the link twice is harmless


async def test_activate_refuses_a_link_when_it_expired_or_is_not_an_activation_token() -> None:
    world = a_world()
    accounts = an_accounts_service(world, require_activation=True, activation_url="{token}")
    await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")
    token = world.mailer.sent[0].body.split("\n")[3]
    with pytest.raises(ActivationInvalidError):
        await accounts.activate(token="made-up")
    world.clock.advance(days=4)
    with pytest.raises(ActivationInvalidError):
        await accounts.activate(token=token)


async def test_obtain_tokens_refuses_wrong_password_and_unknown_email_alike() -> None:
    accounts = an_accounts_service(a_world())
    await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")

    with pytest.raises(InvalidCredentialsError):
        await accounts.obtain_tokens(email="ann@example.com", password="wrong-password", client="c")
    with pytest.raises(InvalidCredentialsError):
        await accounts.obtain_tokens(email="bob@example.com", password=PASSWORD, client="c")


async def test_obtain_tokens_is_rate_limited_per_client_when_over_the_limit() -> None:
    world = a_world()
    login = Limit(2, 60)
    limits = request_limits(world, **{Action.LOGIN_FAILURE: Budget(address=login, account=Limit(100, 60))})
    accounts = an_accounts_service(world, limits=limits)
    for _ in range(2):
        with pytest.raises(InvalidCredentialsError):
            await accounts.obtain_tokens(email="x@example.com", password="whatever1", client="10.0.0.1")

    with pytest.raises(RateLimitedError) as refused:
        await accounts.obtain_tokens(email="x@example.com", password="whatever1", client="10.0.0.1")
    assert refused.value.retry_after == 60
    with pytest.raises(InvalidCredentialsError):  # another client is not limited
        await accounts.obtain_tokens(email="x@example.com", password="whatever1", client="10.0.0.2")


async def test_access_token_carries_the_principal_and_is_not_a_refresh_token() -> None:
    accounts = an_accounts_service(a_world())
    user = await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann", role=Role.CHIEF)
    pair = await accounts.obtain_tokens(email="ann@example.com", password=PASSWORD, client="c")

    assert await accounts.authenticate(pair.access) == Principal(
        user_id=user.id, roles=frozenset({Role.MEMBER, Role.CHIEF})
    )
    with pytest.raises(TokenWrongKindError):
        await accounts.authenticate(pair.refresh)
    with pytest.raises(TokenWrongKindError):
        await accounts.refresh(refresh_token=pair.access)


async def test_access_token_is_refused_when_it_expired() -> None:
    world = a_world()
    accounts = an_accounts_service(world)
    await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")
    pair = await accounts.obtain_tokens(email="ann@example.com", password=PASSWORD, client="c")
    world.clock.advance(minutes=16)

    with pytest.raises(TokenExpiredError):
        await accounts.authenticate(pair.access)


async def test_refresh_rotates_so_the_old_refresh_token_stops_working() -> None:
    accounts = an_accounts_service(a_world())
    await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")
    first = await accounts.obtain_tokens(email="ann@example.com", password=PASSWORD, client="c")

    second = await accounts.refresh(refresh_token=first.refresh)

    assert second.refresh != first.refresh
    assert (await accounts.authenticate(second.access)).user_id == 1
    with pytest.raises(TokenReusedError):
        await accounts.refresh(refresh_token=first.refresh)


async def test_refresh_reuse_revokes_the_whole_family_when_a_spent_token_comes_back() -> None:
    accounts = an_accounts_service(a_world())
    await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")
    first = await accounts.obtain_tokens(email="ann@example.com", password=PASSWORD, client="c")
    other_session = await accounts.obtain_tokens(email="ann@example.com", password=PASSWORD, client="c")
    second = await accounts.refresh(refresh_token=first.refresh)

    with pytest.raises(TokenReusedError):
        await accounts.refresh(refresh_token=first.refresh)

    with pytest.raises(TokenRevokedError):
        await accounts.refresh(refresh_token=second.refresh)
    assert await accounts.refresh(refresh_token=other_session.refresh)  # another login is untouched


async def test_revoke_logs_out_the_session_when_its_refresh_token_is_given() -> None:
    accounts = an_accounts_service(a_world())
    user = await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")
    pair = await accounts.obtain_tokens(email="ann@example.com", password=PASSWORD, client="c")

    await accounts.revoke(refresh_token=pair.refresh, actor=user.principal())

    with pytest.raises(TokenRevokedError):
        await accounts.refresh(refresh_token=pair.refresh)


async def test_revoke_refuses_another_users_refresh_token() -> None:
    accounts = an_accounts_service(a_world())
    await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")
    bob = await accounts.register(email="bob@example.com", password=PASSWORD, name="Bob")
    pair = await accounts.obtain_tokens(email="ann@example.com", password=PASSWORD, client="c")

    with pytest.raises(TokenInvalidError):
        await accounts.revoke(refresh_token=pair.refresh, actor=bob.principal())
    assert await accounts.refresh(refresh_token=pair.refresh)


async def test_update_profile_changes_only_the_given_fields() -> None:
    accounts = an_accounts_service(a_world())
    user = await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann", phone="+48123456789")

    change = await accounts.update_profile(
        actor=user.principal(), username="annie", password="n3w-password", current_password=PASSWORD
    )
    updated = change.user

    assert (updated.name, updated.username, updated.phone) == ("Ann", "annie", "+48123456789")
    assert await accounts.obtain_tokens(email="ann@example.com", password="n3w-password", client="c")
    cleared = await accounts.update_profile(actor=user.principal(), phone=None)
    assert cleared.user.phone is None
    assert cleared.tokens is None


async def test_admin_manages_roles_and_others_may_not() -> None:
    world = a_world()
    accounts = an_accounts_service(world)
    admins = a_user_admin_service(world)
    admin = await admins.create_superuser(email="root@example.com", password=PASSWORD, name="Root")
    ann = await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")

    granted = await admins.set_roles(actor=admin.principal(), user_id=ann.id, roles=frozenset({Role.ORGANIZER}))
    assert granted.roles == {Role.MEMBER, Role.ORGANIZER}
    organizers = await admins.list_users(actor=admin.principal(), search=None, role=Role.ORGANIZER, page=PageRequest())
    assert [u.email for u in organizers.items] == ["root@example.com", "ann@example.com"]
    found = await admins.list_users(actor=admin.principal(), search="ANN", role=None, page=PageRequest())
    assert found.total == 1

    with pytest.raises(AdminOnlyError):
        await admins.set_roles(actor=ann.principal(), user_id=ann.id, roles=frozenset({Role.ADMIN}))
    with pytest.raises(AdminOnlyError):
        await admins.list_users(actor=ann.principal(), search=None, role=None, page=PageRequest())
    with pytest.raises(UserNotFoundError):
        await admins.set_roles(actor=admin.principal(), user_id=999, roles=frozenset())


async def test_create_superuser_promotes_an_existing_account() -> None:
    world = a_world()
    accounts = an_accounts_service(world, require_activation=True)
    admins = a_user_admin_service(world)
    await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")

    admin = await admins.create_superuser(email="ann@example.com", password="an0ther-pass", name="")

    assert admin.is_active
    assert admin.roles == {Role.MEMBER, Role.CHIEF, Role.ORGANIZER, Role.ADMIN}


async def test_profile_is_cached_and_every_change_invalidates_it() -> None:
    world = a_world()
    accounts = an_accounts_service(world)
    admins = a_user_admin_service(world)
    user = await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")

    assert (await accounts.get_profile(actor=user.principal())).name == "Ann"
    assert world.cache.users[user.id].password_hash == ""
    await accounts.update_profile(actor=user.principal(), name="Annie")
    assert user.id not in world.cache.users
    assert (await accounts.get_profile(actor=user.principal())).name == "Annie"

    admin = await admins.create_superuser(email="root@example.com", password=PASSWORD, name="Root")
    await admins.set_roles(actor=admin.principal(), user_id=user.id, roles=frozenset({Role.CHIEF}))
    assert (await accounts.get_profile(actor=user.principal())).roles == {Role.MEMBER, Role.CHIEF}
