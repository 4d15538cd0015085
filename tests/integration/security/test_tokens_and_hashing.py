"""The JWT signer and the Argon2 hasher, for real."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app.adapters.security.argon2_hasher import Argon2PasswordHasher
from app.adapters.security.jwt_tokens import JwtTokenSigner, derive_key
from app.core.accounts.errors import TokenExpiredError, TokenInvalidError, TokenWrongKindError
from app.core.accounts.model import NO_ROLES, TokenClaims, TokenKind, User
from app.core.accounts.policy import AccountPolicy, session_claims
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
    assert (claims.user_id, claims.jti, claims.family, claims.roles) == (
        42,
        "j",
        "f",
        frozenset({Role.MEMBER, Role.CHIEF}),
    )


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
    import time

    later = time.time() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(TokenExpiredError):
        signer.verify(token, kind=TokenKind.ACCESS)


def test_the_signer_remembers_a_bounded_number_of_tokens_and_forgets_the_oldest_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    signer = JwtTokenSigner(SECRET, remember=2)
    tokens = [signer.issue(replace(_claims(), user_id=n)) for n in (1, 2, 3)]
    for token in tokens:
        signer.verify(token, kind=TokenKind.ACCESS)
    decoded: list[str] = []
    decode = jwt.decode

    def counted(token: str, *args: object, **kwargs: object) -> object:
        decoded.append(token)
        return decode(token, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jwt, "decode", counted)
    assert [signer.verify(token, kind=TokenKind.ACCESS).user_id for token in tokens[1:]] == [2, 3]
    assert decoded == []  # the two newest were remembered
    assert signer.verify(tokens[0], kind=TokenKind.ACCESS).user_id == 1
    assert decoded == [tokens[0]]  # the oldest was forgotten and is checked again


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


def _signed(payload: dict[str, object]) -> str:
    base: dict[str, object] = {
        "iss": "muster",
        "typ": "access",
        "sub": "42",
        "exp": int(datetime.now(UTC).timestamp()) + 60,
    }
    base.update(payload)
    return jwt.encode({k: v for k, v in base.items() if v is not _MISSING}, derive_key(SECRET, "muster.jwt"))


_MISSING = object()


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"exp": 10**30}, id="exp-huge"),
        pytest.param({"exp": 1e308}, id="exp-float"),
        pytest.param({"exp": "soon"}, id="exp-text"),
        pytest.param({"exp": _MISSING}, id="exp-missing"),
        pytest.param({"sub": str(2**63)}, id="sub-beyond-64-bit"),
        pytest.param({"sub": "9" * 5000}, id="sub-5000-digits"),
        pytest.param({"sub": "0"}, id="sub-zero"),
        pytest.param({"sub": "-1"}, id="sub-negative"),
        pytest.param({"sub": "ann"}, id="sub-not-a-number"),
        pytest.param({"sub": "٤٢"}, id="sub-arabic-digits"),
        pytest.param({"sub": _MISSING}, id="sub-missing"),
        pytest.param({"typ": 1}, id="typ-number"),
        pytest.param({"typ": "root"}, id="typ-unknown"),
        pytest.param({"roles": "admin"}, id="roles-text"),
        pytest.param({"roles": ["god"]}, id="roles-unknown"),
        pytest.param({"roles": [{"a": 1}]}, id="roles-object"),
        pytest.param({"sv": "1"}, id="sv-text"),
        pytest.param({"sv": 2**70}, id="sv-huge"),
        pytest.param({"fam": ["x"]}, id="fam-list"),
        pytest.param({"jti": 5}, id="jti-number"),
        pytest.param({"iat": 10**30}, id="iat-huge"),
        pytest.param({"iat": "now"}, id="iat-text"),
        pytest.param({"iss": _MISSING}, id="iss-missing"),
    ],
)
def test_a_signed_token_with_absurd_claims_is_invalid_never_a_crash(claims: dict[str, object]) -> None:
    with pytest.raises(TokenInvalidError):
        JwtTokenSigner(SECRET).verify(_signed(claims), kind=TokenKind.ACCESS)


def test_a_signed_token_with_sane_claims_verifies() -> None:
    """The same helper with nothing absurd: proves the refusals above come from the claims."""
    claims = JwtTokenSigner(SECRET).verify(_signed({"sv": 3, "fam": "f", "roles": ["chief"]}), kind=TokenKind.ACCESS)
    assert (claims.user_id, claims.session_version, claims.family, claims.roles) == (
        42,
        3,
        "f",
        frozenset({Role.CHIEF}),
    )


def test_an_access_token_of_a_session_carries_only_what_checking_it_needs() -> None:
    """It travels in every socket URL: no ``jti``, ``roles`` or ``iat``, and a header of ``alg`` alone."""
    user = User(id=42, email="ann@example.com", name="Ann", password_hash="", roles=frozenset({Role.CHIEF}))
    access, refresh = session_claims(
        user, family=secrets.token_urlsafe(16), now=datetime.now(UTC), policy=AccountPolicy()
    )
    token = JwtTokenSigner(SECRET).issue(access)
    assert jwt.get_unverified_header(token) == {"alg": "HS256"}
    assert set(jwt.decode(token, options={"verify_signature": False})) == {"iss", "sub", "typ", "exp", "sv", "fam"}
    assert len(token) < 210
    assert refresh.jti  # a refresh token is still named, to be used once


def test_verified_claims_without_roles_share_one_empty_set() -> None:
    """A process remembers thousands of verified tokens: none holds an empty set of its own."""
    signer = JwtTokenSigner(SECRET)
    one, two = (
        signer.verify(signer.issue(replace(_claims(), roles=NO_ROLES, jti=jti)), kind=TokenKind.ACCESS) for jti in "ab"
    )
    assert one.roles is two.roles is NO_ROLES
