"""Sessions, password changes, deactivation, deletion and the last admin, through fakes."""

from __future__ import annotations

import pytest

from app.core.accounts.admin.service import UserAdminService
from app.core.accounts.errors import (
    ActivationInvalidError,
    CurrentPasswordRequiredError,
    InvalidCredentialsError,
    LastAdminError,
    TokenRevokedError,
    WrongCurrentPasswordError,
)
from app.core.accounts.model import User
from app.core.accounts.service import AccountsService
from app.core.limits import Action, Budget, Limit, RequestLimits
from app.core.shared.errors import RateLimitedError
from app.core.shared.principal import Role
from tests.builders import World, a_user_admin_service, a_world, an_accounts_service, request_limits
from tests.fakes import FakeRateLimiter

PASSWORD = "s3cret-pass"


async def _ann(accounts: AccountsService) -> User:
    return await accounts.register(email="ann@example.com", password=PASSWORD, name="Ann")


async def _login(
    accounts: AccountsService, email: str = "ann@example.com", password: str = PASSWORD
) -> tuple[str, str]:
    pair = await accounts.obtain_tokens(email=email, password=password, client="10.0.0.1")
    return pair.access, pair.refresh


async def test_logout_ends_the_access_token_of_that_session_when_the_refresh_token_is_revoked() -> None:
    accounts = an_accounts_service(a_world())
    ann = await _ann(accounts)
    laptop_access, laptop_refresh = await _login(accounts)
    phone_access, _ = await _login(accounts)
    assert (await accounts.authenticate(laptop_access)).user_id == ann.id

    await accounts.revoke(refresh_token=laptop_refresh, actor=ann.principal())

    with pytest.raises(TokenRevokedError):
        await accounts.authenticate(laptop_access)
    assert (await accounts.authenticate(phone_access)).user_id == ann.id


async def test_logout_also_ends_access_tokens_refreshed_in_that_session() -> None:
    accounts = an_accounts_service(a_world())
    ann = await _ann(accounts)
    _, refresh = await _login(accounts)
    renewed = await accounts.refresh(refresh_token=refresh)

    await accounts.revoke(refresh_token=renewed.refresh, actor=ann.principal())

    with pytest.raises(TokenRevokedError):
        await accounts.authenticate(renewed.access)


@pytest.mark.parametrize(
    ("current", "error"),
    [(None, CurrentPasswordRequiredError), ("not-my-password", WrongCurrentPasswordError)],
)
async def test_password_change_is_refused_when_the_current_password_is_missing_or_wrong(
    current: str | None, error: type[Exception]
) -> None:
    accounts = an_accounts_service(a_world())
    ann = await _ann(accounts)
    access, _ = await _login(accounts)

    with pytest.raises(error):
        await accounts.update_profile(actor=ann.principal(), password="n3w-password", current_password=current)

    assert (await accounts.authenticate(access)).user_id == ann.id  # nothing ended
    assert await _login(accounts)  # the old password still works


async def test_password_change_ends_every_other_session_and_gives_the_caller_a_fresh_pair() -> None:
    accounts = an_accounts_service(a_world())
    ann = await _ann(accounts)
    mine_access, mine_refresh = await _login(accounts)
    other_access, other_refresh = await _login(accounts)

    change = await accounts.update_profile(
        actor=await accounts.authenticate(mine_access), password="n3w-password", current_password=PASSWORD
    )

    for access in (mine_access, other_access):
        with pytest.raises(TokenRevokedError):
            await accounts.authenticate(access)
    for refresh in (mine_refresh, other_refresh):
        with pytest.raises(TokenRevokedError):
            await accounts.refresh(refresh_token=refresh)
    assert change.tokens is not None
    assert (await accounts.authenticate(change.tokens.access)).user_id == ann.id
    assert await accounts.refresh(refresh_token=change.tokens.refresh)
    with pytest.raises(InvalidCredentialsError):
        await _login(accounts)
    assert await _login(accounts, password="n3w-password")


async def test_wrong_current_passwords_count_like_failed_logins() -> None:
    world = a_world()
    limits = request_limits(world, **{Action.LOGIN_FAILURE: Budget(account=Limit(2, 60))})
    accounts = an_accounts_service(world, limits=limits)
    ann = await _ann(accounts)
    for _ in range(2):
        with pytest.raises(WrongCurrentPasswordError):
            await accounts.update_profile(actor=ann.principal(), password="n3w-password", current_password="guess-1")

    with pytest.raises(RateLimitedError):
        await accounts.update_profile(actor=ann.principal(), password="n3w-password", current_password=PASSWORD)


async def _admin_and_ann(world: World) -> tuple[AccountsService, UserAdminService, User, User]:
    accounts, admins = an_accounts_service(world), a_user_admin_service(world)
    admin = await admins.create_superuser(email="root@example.com", password=PASSWORD, name="Root")
    return accounts, admins, admin, await _ann(accounts)


async def test_deactivation_ends_every_session_at_once_and_reactivation_allows_new_logins() -> None:
    accounts, admins, admin, ann = await _admin_and_ann(a_world())
    access, refresh = await _login(accounts)
    assert (await accounts.get_profile(actor=ann.principal())).is_active  # now cached

    deactivated = await admins.set_active(actor=admin.principal(), user_id=ann.id, is_active=False)

    assert not deactivated.is_active
    with pytest.raises(TokenRevokedError):
        await accounts.authenticate(access)
    with pytest.raises(TokenRevokedError):
        await accounts.refresh(refresh_token=refresh)
    await admins.set_active(actor=admin.principal(), user_id=ann.id, is_active=True)
    with pytest.raises(TokenRevokedError):  # old sessions stay ended
        await accounts.authenticate(access)
    new_access, _ = await _login(accounts)
    assert (await accounts.authenticate(new_access)).user_id == ann.id


async def test_activation_link_stops_working_when_an_admin_deactivated_the_account() -> None:
    world = a_world()
    accounts = an_accounts_service(world, require_activation=True)
    admins = a_user_admin_service(world)
    admin = await admins.create_superuser(email="root@example.com", password=PASSWORD, name="Root")
    ann = await _ann(accounts)
    link_token = world.mailer.sent[-1].body.split("/activate/")[1].split("/")[0]
    await accounts.activate(token=link_token)
    await admins.set_active(actor=admin.principal(), user_id=ann.id, is_active=False)

    with pytest.raises(ActivationInvalidError):
        await accounts.activate(token=link_token)


async def test_deleted_account_token_is_refused_at_once() -> None:
    accounts, admins, admin, ann = await _admin_and_ann(a_world())
    access, _ = await _login(accounts)
    assert (await accounts.authenticate(access)).user_id == ann.id  # now cached

    await admins.delete_user(actor=admin.principal(), user_id=ann.id)

    with pytest.raises(TokenRevokedError):
        await accounts.authenticate(access)


async def test_role_changes_apply_from_the_next_request() -> None:
    accounts, admins, admin, ann = await _admin_and_ann(a_world())
    access, _ = await _login(accounts)
    assert not (await accounts.authenticate(access)).is_admin

    await admins.set_roles(actor=admin.principal(), user_id=ann.id, roles=frozenset({Role.ADMIN}))

    assert (await accounts.authenticate(access)).is_admin


async def test_last_active_admin_keeps_the_role_whoever_asks_and_however() -> None:
    accounts, admins, admin, ann = await _admin_and_ann(a_world())

    with pytest.raises(LastAdminError):
        await admins.set_roles(actor=admin.principal(), user_id=admin.id, roles=frozenset())
    with pytest.raises(LastAdminError):
        await admins.set_active(actor=admin.principal(), user_id=admin.id, is_active=False)
    with pytest.raises(LastAdminError):
        await admins.delete_user(actor=admin.principal(), user_id=admin.id)
    assert (await accounts.authenticate((await _login(accounts, "root@example.com"))[0])).is_admin

    await admins.set_roles(actor=admin.principal(), user_id=ann.id, roles=frozenset({Role.ADMIN}))
    demoted = await admins.set_roles(actor=admin.principal(), user_id=admin.id, roles=frozenset())
    assert Role.ADMIN not in demoted.roles


async def test_an_inactive_admin_does_not_count_as_the_other_admin() -> None:
    _accounts, admins, admin, ann = await _admin_and_ann(a_world())
    await admins.set_roles(actor=admin.principal(), user_id=ann.id, roles=frozenset({Role.ADMIN}))
    await admins.set_active(actor=admin.principal(), user_id=ann.id, is_active=False)

    with pytest.raises(LastAdminError):
        await admins.set_roles(actor=admin.principal(), user_id=admin.id, roles=frozenset())


async def test_successful_logins_do_not_count_against_the_login_limit() -> None:
    world = a_world()
    login = Limit(2, 60)
    accounts = an_accounts_service(world, limits=request_limits(world, **{Action.LOGIN_FAILURE: Budget(address=login)}))
    await _ann(accounts)

    for _ in range(10):  # ten colleagues behind one address
        assert await _login(accounts)
    assert world.limiter.hits == {"login_failure:ip:10.0.0.1": 0}


async def test_failed_logins_are_limited_per_account_across_addresses() -> None:
    world = a_world()
    budget = Budget(address=Limit(100, 60), account=Limit(2, 60))
    accounts = an_accounts_service(world, limits=request_limits(world, **{Action.LOGIN_FAILURE: budget}))
    await _ann(accounts)
    for address in ("10.0.0.1", "10.0.0.2"):
        with pytest.raises(InvalidCredentialsError):
            await accounts.obtain_tokens(email="ann@example.com", password="guess-123", client=address)

    with pytest.raises(RateLimitedError):
        await accounts.obtain_tokens(email="ANN@example.com", password=PASSWORD, client="10.0.0.3")


async def test_request_limits_count_each_subject_and_action_apart() -> None:
    limiter = FakeRateLimiter()
    limits = RequestLimits(limiter, {Action.CREATE_CHAT: Budget(account=Limit(1, 60), address=Limit(2, 60))})
    await limits.hit(Action.CREATE_CHAT, address="a", account=1)
    await limits.hit(Action.CREATE_CHAT, address="a", account=2)
    with pytest.raises(RateLimitedError) as per_account:
        await limits.hit(Action.CREATE_CHAT, address="b", account=1)
    with pytest.raises(RateLimitedError):
        await limits.hit(Action.CREATE_CHAT, address="a", account=3)
    await limits.hit(Action.POST_MESSAGE, address="a", account=1)  # no budget: not limited
    assert per_account.value.retry_after == 60


@pytest.mark.parametrize(
    ("rate", "burst", "limit"), [(20.0, 40, Limit(40, 2)), (5.0, 30, Limit(30, 6)), (100.0, 10, Limit(100, 1))]
)
def test_a_frame_rate_becomes_the_nearest_fixed_window(rate: float, burst: int, limit: Limit) -> None:
    assert Limit.of_rate(rate, burst) == limit


async def test_the_first_request_after_a_login_is_served_from_the_cache_when_the_login_cached_the_user() -> None:
    world = a_world()
    accounts = an_accounts_service(world)
    ann = await _ann(accounts)
    access, _ = await _login(accounts)
    units = len(world.uow.units)

    assert (await accounts.authenticate(access)).user_id == ann.id
    assert len(world.uow.units) == units  # no unit of work: the login left the user in the cache
