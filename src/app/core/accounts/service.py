"""Account use cases: registration, activation, tokens and sessions, authentication, the profile.
Administration (roles, deactivation, deletion) lives in ``app.core.accounts.admin.service``."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.core.accounts.errors import (
    ActivationInvalidError,
    CurrentPasswordRequiredError,
    InactiveAccountError,
    InvalidCredentialsError,
    InvalidRoleError,
    TokenExpiredError,
    TokenInvalidError,
    TokenReusedError,
    TokenRevokedError,
    WrongCurrentPasswordError,
)
from app.core.accounts.model import (
    SELF_SERVICE_ROLES,
    RefreshToken,
    TokenKind,
    TokenPair,
    User,
    check_password_strength,
    normalize_email,
    normalize_phone,
)
from app.core.accounts.policy import AccountPolicy, ProfileChange, activation_mail, session_claims
from app.core.limits import Action, RequestLimits
from app.core.shared.principal import Principal, Role
from app.ports.accounts import AccountsUnitOfWork, AccountsUnitOfWorkFactory
from app.ports.cache import UserCache
from app.ports.clock import Clock
from app.ports.mailer import Mailer
from app.ports.security import PasswordHasher, TokenSigner

_UNSET = object()  # "not given" for PATCH fields where None means "clear"


class AccountsService:
    """Accounts use cases. One public method, one transaction."""

    def __init__(
        self,
        *,
        uow: AccountsUnitOfWorkFactory,
        hasher: PasswordHasher,
        signer: TokenSigner,
        mailer: Mailer,
        clock: Clock,
        limits: RequestLimits,
        cache: UserCache,
        policy: AccountPolicy,
    ) -> None:
        self._uow, self._hasher, self._signer, self._cache = uow, hasher, signer, cache
        self._mailer, self._clock, self._limits, self._policy = mailer, clock, limits, policy
        self._decoy_hash: str | None = None

    async def register(
        self,
        *,
        email: str,
        password: str,
        name: str,
        username: str | None = None,
        phone: str | None = None,
        role: Role = Role.MEMBER,
    ) -> User:
        """Create an account.

        Rules: e-mail unique case-insensitively; phone in E.164; password of 8+ characters; the
        role is member or chief. With activation required, the account stays inactive until the
        e-mailed link is opened.
        """
        if role not in SELF_SERVICE_ROLES:
            raise InvalidRoleError("A new account may be a member or a chief.")
        check_password_strength(password)
        user = User(
            email=normalize_email(email),
            name=name.strip(),
            username=(username or "").strip() or None,
            phone=normalize_phone(phone),
            password_hash=await self._hasher.hash(password),
            roles=frozenset({role}),
            is_active=not self._policy.require_activation,
            created_at=self._clock.now(),
        )
        async with self._uow() as uow:
            user = await uow.users.add(user)
            await uow.commit()
        if not user.is_active:
            await self._mailer.send(
                activation_mail(user, issue=self._signer.issue, now=self._clock.now(), policy=self._policy)
            )
        return user

    async def activate(self, *, token: str) -> User:
        """Activate the account named by an activation link. Opening the link twice is harmless.

        Rules: a link issued before the account was deactivated by an admin no longer works.
        """
        try:
            claims = self._signer.verify(token, kind=TokenKind.ACTIVATION)
        except (TokenInvalidError, TokenExpiredError) as error:
            raise ActivationInvalidError() from error
        async with self._uow() as uow:
            user = await uow.users.get(claims.user_id)
            if user is None or claims.session_version != user.session_version:
                raise ActivationInvalidError()
            if not user.is_active:
                user.is_active = True
                user = await uow.users.update(user)
                await uow.commit()
        await self._cache.invalidate(user.id)
        return user

    async def obtain_tokens(self, *, email: str, password: str, client: str) -> TokenPair:
        """Log in: trade e-mail and password for an access and a refresh token.

        Rules: failed attempts are limited per client address and per e-mail (429 beyond; a
        successful login does not count); a wrong e-mail or password is ``invalid_credentials``;
        an inactive account is ``inactive_account``. Each login is a session of its own.
        """
        async with self._password_attempt(address=client, account=email.strip().lower()), self._uow() as uow:
            user = await uow.users.get_by_email(email.strip())
            if user is None:
                await self._hasher.verify(await self._decoy(), password)
                raise InvalidCredentialsError()
            if not await self._hasher.verify(user.password_hash, password):
                raise InvalidCredentialsError()
            if not user.is_active:
                raise InactiveAccountError()
            if self._hasher.needs_rehash(user.password_hash):
                user.password_hash = await self._hasher.hash(password)
                await uow.users.update(user)
            pair = await self._issue_pair(uow, user, family=secrets.token_urlsafe(16))
            await uow.commit()
            horizon = self._policy.sessions_horizon(self._clock.now())
            user.ended_sessions = await uow.refresh_tokens.families_revoked_since(user.id, horizon)
        await self._cache.put(user)  # the login's first requests are then served from the cache
        return pair

    async def refresh(self, *, refresh_token: str) -> TokenPair:
        """Trade a refresh token for a new pair; the old one stops working (rotation).

        Rules: a refresh token works once. Presenting a used one again means it leaked, so every
        token of its family is revoked (``token_reused``); a revoked one is ``token_revoked``.
        """
        claims = self._signer.verify(refresh_token, kind=TokenKind.REFRESH)
        now = self._clock.now()
        async with self._uow() as uow:
            record = await uow.refresh_tokens.get_for_update(claims.jti)
            if record is None:
                raise TokenInvalidError()
            if record.revoked_at is not None:
                raise TokenRevokedError()
            if record.used_at is not None:
                await uow.refresh_tokens.revoke_family(record.family, now)
                await uow.commit()
                await self._cache.invalidate(record.user_id)
                raise TokenReusedError()
            user = await uow.users.get(record.user_id)
            if user is None or not user.is_active:
                raise TokenRevokedError()
            await uow.refresh_tokens.mark_used(record.jti, now)
            pair = await self._issue_pair(uow, user, family=record.family)
            await uow.commit()
        return pair

    async def revoke(self, *, refresh_token: str, actor: Principal | None = None) -> None:
        """Log out: end the session of this refresh token, its access tokens included, at once.

        Rules: a user may revoke only their own tokens.
        """
        claims = self._signer.verify(refresh_token, kind=TokenKind.REFRESH)
        if actor is not None and claims.user_id != actor.user_id:
            raise TokenInvalidError()
        async with self._uow() as uow:
            record = await uow.refresh_tokens.get_for_update(claims.jti)
            if record is None:
                raise TokenInvalidError()
            await uow.refresh_tokens.revoke_family(record.family, self._clock.now())
            await uow.commit()
        await self._cache.invalidate(claims.user_id)

    async def authenticate(self, access_token: str) -> Principal:
        """Turn an access token into the caller, with the roles the account holds now.

        Rules: the account still exists and is active, and the token's session is live (not
        logged out, not ended by a password change or a deactivation). Checked on every use
        through the user cache, which writers invalidate, so it holds at once on every process.
        Raises a ``NotAuthenticatedError``.
        """
        claims = self._signer.verify(access_token, kind=TokenKind.ACCESS)
        user = await self._live_user(claims.user_id)
        if user is None:
            raise TokenRevokedError("The account behind this token no longer exists.")
        if not user.accepts(claims):
            raise TokenRevokedError("This session has ended; log in again.")
        return user.principal()

    async def get_profile(self, *, actor: Principal) -> User:
        """The caller's own profile (served from the user cache when it is there)."""
        user = await self._live_user(actor.user_id)
        if user is None:
            raise TokenRevokedError("The account behind this token no longer exists.")
        return user

    async def update_profile(
        self,
        *,
        actor: Principal,
        name: str | None = None,
        username: str | object | None = _UNSET,
        phone: str | object | None = _UNSET,
        password: str | None = None,
        current_password: str | None = None,
        client: str | None = None,
    ) -> ProfileChange:
        """Change the caller's own name, username, phone or password.

        Rules: a new password needs the current one (``current_password_required``, 400;
        ``wrong_current_password``, 403; wrong guesses count like failed logins). A password
        change ends every session of the account, and the caller gets a fresh token pair.
        """
        if password is not None:
            if current_password is None:
                raise CurrentPasswordRequiredError()
            check_password_strength(password)
        tokens: TokenPair | None = None
        async with self._uow() as uow:
            user = await uow.users.get_for_update(actor.user_id)
            if user is None:
                raise TokenRevokedError("The account behind this token no longer exists.")
            if password is not None and current_password is not None:
                async with self._password_attempt(address=client, account=user.email.lower()):
                    if not await self._hasher.verify(user.password_hash, current_password):
                        raise WrongCurrentPasswordError()
            if name is not None:
                user.name = name.strip()
            if username is not _UNSET:
                user.username = (str(username or "")).strip() or None
            if phone is not _UNSET:
                user.phone = normalize_phone(phone if isinstance(phone, str) else None)
            if password is not None:
                user.password_hash = await self._hasher.hash(password)
                user.end_all_sessions()
                await uow.refresh_tokens.revoke_all_of_user(user.id, self._clock.now())
            user = await uow.users.update(user)
            if password is not None:
                tokens = await self._issue_pair(uow, user, family=secrets.token_urlsafe(16))
            await uow.commit()
        await self._cache.invalidate(user.id)
        return ProfileChange(user=user, tokens=tokens)

    async def _live_user(self, user_id: int) -> User | None:
        """The user as authentication sees it (with its recently ended logins): cached, else loaded."""
        user = await self._cache.get(user_id)
        if user is not None:
            return user
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            if user is None:
                return None
            horizon = self._policy.sessions_horizon(self._clock.now())
            user.ended_sessions = await uow.refresh_tokens.families_revoked_since(user.id, horizon)
        await self._cache.put(user)
        return user

    @asynccontextmanager
    async def _password_attempt(self, *, address: str | None, account: str) -> AsyncIterator[None]:
        """Count a password attempt (429 once the failures of this address or account are spent),
        and take it back unless the password turned out wrong. Counting first keeps parallel
        guesses within the budget."""
        await self._limits.hit(Action.LOGIN_FAILURE, address=address, account=account)
        wrong_password = False
        try:
            yield
        except (InvalidCredentialsError, WrongCurrentPasswordError):
            wrong_password = True
            raise
        finally:
            if not wrong_password:
                await self._limits.forgive(Action.LOGIN_FAILURE, address=address, account=account)

    async def _issue_pair(self, uow: AccountsUnitOfWork, user: User, *, family: str) -> TokenPair:
        access, refresh = session_claims(user, family=family, now=self._clock.now(), policy=self._policy)
        record = RefreshToken(jti=refresh.jti, family=family, user_id=user.id, expires_at=refresh.expires_at)
        await uow.refresh_tokens.add(record)
        return TokenPair(access=self._signer.issue(access), refresh=self._signer.issue(refresh))

    async def _decoy(self) -> str:
        """A hash to verify against when the e-mail is unknown, so both failures take the same time."""
        if self._decoy_hash is None:
            self._decoy_hash = await self._hasher.hash(secrets.token_urlsafe(16))
        return self._decoy_hash
