"""The JWT signer and the Argon2 hasher, for real."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.adapters.security.argon2_hasher import Argon2PasswordHasher
from app.adapters.security.jwt_tokens import JwtTokenSigner
from app.core.accounts.errors import TokenExpiredError, TokenInvalidError, TokenWrongKindError
from app.core.accounts.model import TokenClaims, TokenKind
from app.core.shared.principal import Role

SECRET = "a-secret-key-that-is-long-enough-for-hs256"


def _claims(kind: TokenKind = TokenKind.ACCESS, **delta: float) -> TokenClaims:
    return TokenClaims(
        kind=kind,
        user_id=42,
        expires_at=datetime.now(UTC) + timedelta(**(delta or {"minutes": 5})),
        jti="j",
        family="f",
        roles=frozenset({Role.MEMBER, Role.CHIEF}),
    )


def test_a_token_round_trips_with_its_claims() -> None:
    signer = JwtTokenSigner(SECRET)
    claims = signer.verify(signer.issue(_claims()), kind=TokenKind.ACCESS)
    assert (claims.user_id, claims.jti, claims.family, claims.roles) == (42, "j", "f", {Role.MEMBER, Role.CHIEF})


def test_a_token_of_one_kind_is_refused_as_another_even_when_remembered() -> None:
    signer = JwtTokenSigner(SECRET)
    token = signer.issue(_claims(TokenKind.REFRESH))
    signer.verify(token, kind=TokenKind.REFRESH)
    with pytest.raises(TokenWrongKindError):
        signer.verify(token, kind=TokenKind.ACCESS)


def test_expired_tampered_and_foreign_tokens_are_refused() -> None:
    signer = JwtTokenSigner(SECRET)
    with pytest.raises(TokenExpiredError):
        signer.verify(signer.issue(_claims(seconds=-5)), kind=TokenKind.ACCESS)
    token = signer.issue(_claims())
    header, payload, signature = token.split(".")
    with pytest.raises(TokenInvalidError):
        signer.verify(f"{header}.{payload}.{signature[::-1]}", kind=TokenKind.ACCESS)
    with pytest.raises(TokenInvalidError):
        JwtTokenSigner("another-secret-key-that-is-long-enough").verify(token, kind=TokenKind.ACCESS)
    with pytest.raises(TokenInvalidError):
        signer.verify("not.a.token", kind=TokenKind.ACCESS)


def test_a_remembered_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    signer = JwtTokenSigner(SECRET)
    token = signer.issue(_claims(seconds=30))
    signer.verify(token, kind=TokenKind.ACCESS)
    import app.adapters.security.jwt_tokens as module

    later = module.time.time() + 60
    monkeypatch.setattr(module.time, "time", lambda: later)
    with pytest.raises(TokenExpiredError):
        signer.verify(token, kind=TokenKind.ACCESS)


async def test_argon2_hashes_verify_and_flag_weaker_parameters() -> None:
    cheap = Argon2PasswordHasher(time_cost=1, memory_kib=8, parallelism=1, workers=1)
    stronger = Argon2PasswordHasher(time_cost=2, memory_kib=16, parallelism=1, workers=1)
    try:
        hashed = await cheap.hash("s3cret-pass")
        assert hashed.startswith("$argon2id$")
        assert await cheap.verify(hashed, "s3cret-pass")
        assert not await cheap.verify(hashed, "wrong")
        assert not await cheap.verify("not-a-hash", "s3cret-pass")
        assert stronger.needs_rehash(hashed) and not cheap.needs_rehash(hashed)
    finally:
        cheap.close()
        stronger.close()
